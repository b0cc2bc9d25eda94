package io.omnicast.peer.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Captures an RTSP stream with the Debian ffmpeg ({@code -c copy}) and hashes its coded slices. */
final class NalHashes {
    private NalHashes() {
    }

    /** ffmpeg copying {@code seconds} of {@code url} to a raw H.264 file; returns the process (started). */
    static Process capture(String url, int seconds, Path out) throws IOException {
        return new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-rtsp_transport", "tcp", "-i", url, "-t", String.valueOf(seconds), "-c", "copy", "-f", "h264",
                out.toString()).redirectErrorStream(true).redirectOutput(out.resolveSibling(out.getFileName() + ".log")
                .toFile()).start();
    }

    static List<String> await(Process capture, Path out) throws Exception {
        if (!capture.waitFor(60, TimeUnit.SECONDS)) {
            capture.destroyForcibly();
            throw new AssertionError("ffmpeg capture of " + out + " did not finish");
        }
        if (capture.exitValue() != 0) {
            throw new AssertionError("ffmpeg capture failed: " + Files.readString(out.resolveSibling(out.getFileName()
                    + ".log")));
        }
        return sliceHashes(Files.readAllBytes(out));
    }

    /** SHA-256 of every coded slice NAL unit (types 1 and 5) in an Annex-B stream, in order. */
    static List<String> sliceHashes(byte[] stream) throws NoSuchAlgorithmException {
        List<int[]> units = new ArrayList<>();
        int start = -1;
        for (int i = 0; i + 2 < stream.length; i++) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                if (start >= 0) {
                    int end = i;
                    while (end > start && stream[end - 1] == 0) {
                        end--;
                    }
                    units.add(new int[] {start, end});
                }
                start = i + 3;
                i += 2;
            }
        }
        if (start >= 0 && start < stream.length) {
            units.add(new int[] {start, stream.length});
        }
        List<String> hashes = new ArrayList<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int[] unit : units) {
            int type = stream[unit[0]] & 0x1F;
            if (type == 1 || type == 5) {
                sha.update(stream, unit[0], unit[1] - unit[0]);
                hashes.add(HexFormat.of().formatHex(sha.digest()));
            }
        }
        return hashes;
    }

    /** Where {@code part} occurs contiguously in {@code whole}, or -1. */
    static int indexOf(List<String> whole, List<String> part) {
        return java.util.Collections.indexOfSubList(whole, part);
    }
}
