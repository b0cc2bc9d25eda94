package io.omnicast.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's ffprobe, the independent decoder of the tests. */
public final class Ffprobe {
    private Ffprobe() {
    }

    /** Runs ffprobe with {@code args} and returns its standard output; fails on a non-zero exit. */
    public static String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("/usr/bin/ffprobe");
        command.add("-v");
        command.add("error");
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        try {
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("ffprobe " + args + " failed: " + err);
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } finally {
            process.destroyForcibly();
        }
    }

    /** Decodes every frame of the first video stream and returns "width,height,frames". */
    public static String countVideoFrames(Path file) throws IOException, InterruptedException {
        return run(List.of("-count_frames", "-select_streams", "v:0", "-show_entries",
                "stream=width,height,nb_read_frames", "-of", "csv=p=0", file.toString()));
    }
}
