package io.omnicast.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.server.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: the H.264 that comes out of the server is the H.264 that went in. A pre-encoded Annex-B file is
 * published with {@code -c copy}; a reader saves what it gets with {@code -c copy -f h264}; the hashes of the slice
 * NAL units the reader got must equal, in order, a contiguous run of the source's, starting at an IDR.
 */
class BitExactRelayIT {
    @Test
    void nalUnitsComeOutExactlyAsTheyWentIn() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            // The source lives in Matroska so every frame has a timestamp (raw .h264 input has none and ffmpeg
            // would send every frame with one RTP timestamp); its Annex-B form is the reference.
            Path container = live.processes.directory().resolve("source.mkv");
            Path source = live.processes.directory().resolve("source.h264");
            Processes.Run encode = live.processes.run(LiveFixture.seconds(60), "ffmpeg", "-hide_banner", "-loglevel",
                    "error", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "14", "-c:v", "libx264",
                    "-bf", "2", "-g", "60", "-preset", "ultrafast", "-f", "matroska", container.toString());
            assertEquals(0, encode.process().exitValue(), encode.stderrText());
            Processes.Run annexB = live.processes.run(LiveFixture.seconds(60), "ffmpeg", "-hide_banner", "-loglevel",
                    "error", "-i", container.toString(), "-c", "copy", "-f", "h264", source.toString());
            assertEquals(0, annexB.process().exitValue(), annexB.stderrText());

            Processes.Run publisher = live.publish("exact", "tcp", 14, "-i", container.toString(), "-c", "copy");
            live.awaitLive("exact", 100, publisher);
            Thread.sleep(2700); // join mid-GOP, after the second keyframe (GOP 2 s)
            Path received = live.processes.directory().resolve("received.h264");
            Processes.Run reader = live.processes.run(LiveFixture.seconds(30), "ffmpeg", "-hide_banner", "-nostdin",
                    "-loglevel", "error", "-rtsp_transport", "tcp", "-i", live.url("exact"), "-c", "copy", "-t", "5",
                    "-f", "h264", received.toString());
            assertEquals(0, reader.process().exitValue(), reader.stderrText());

            List<Nal> sourceNals = nalUnits(Files.readAllBytes(source));
            List<Nal> receivedNals = nalUnits(Files.readAllBytes(received));
            List<String> sourceSlices = slices(sourceNals);
            List<String> receivedSlices = slices(receivedNals);
            assertTrue(receivedSlices.size() >= 100, "only " + receivedSlices.size() + " slices received");
            Nal firstSlice = receivedNals.stream().filter(n -> n.type == 1 || n.type == 5).findFirst().orElseThrow();
            assertEquals(5, firstSlice.type, "the reader starts at an IDR (instant start at the latest keyframe)");
            int start = sourceSlices.indexOf(receivedSlices.get(0));
            assertTrue(start >= 0, "first received slice is not in the source");
            assertEquals(sourceSlices.subList(start, start + receivedSlices.size()), receivedSlices,
                    "received slices differ from the source's");
            List<String> sourceParameterSets = sourceNals.stream().filter(n -> n.type == 7 || n.type == 8)
                    .map(n -> n.hash).toList();
            receivedNals.stream().filter(n -> n.type == 7 || n.type == 8).forEach(n -> assertTrue(
                    sourceParameterSets.contains(n.hash), "SPS/PPS the reader got are the source's"));
            System.out.printf("bit-exact relay: %d slice NAL units identical to source slices %d..%d%n",
                    receivedSlices.size(), start, start + receivedSlices.size() - 1);
        }
    }

    private record Nal(int type, String hash) {
    }

    private static List<String> slices(List<Nal> nals) {
        return nals.stream().filter(n -> n.type == 1 || n.type == 5).map(Nal::hash).toList();
    }

    /** Splits an Annex-B stream at 3- and 4-byte start codes; trailing zero bytes belong to the next start code. */
    private static List<Nal> nalUnits(byte[] stream) throws Exception {
        List<int[]> bounds = new ArrayList<>();
        int i = 0;
        int begin = -1;
        while (i + 2 < stream.length) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                if (begin >= 0) {
                    bounds.add(new int[] {begin, i});
                }
                i += 3;
                begin = i;
            } else {
                i++;
            }
        }
        if (begin >= 0) {
            bounds.add(new int[] {begin, stream.length});
        }
        List<Nal> nals = new ArrayList<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int[] b : bounds) {
            int end = b[1];
            while (end > b[0] && stream[end - 1] == 0) {
                end--;
            }
            if (end > b[0]) {
                sha.update(stream, b[0], end - b[0]);
                nals.add(new Nal(stream[b[0]] & 0x1F, HexFormat.of().formatHex(sha.digest())));
            }
        }
        return nals;
    }
}
