package io.omnicast.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's ffmpeg, the independent encoder and player of the tests. */
public final class Ffmpeg {
    private Ffmpeg() {
    }

    /** Runs ffmpeg to completion; fails with its error output on a non-zero exit. */
    public static void run(String... args) throws IOException, InterruptedException {
        Process process = start(args);
        try {
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("ffmpeg " + String.join(" ", args) + " failed: " + err);
            }
        } finally {
            process.destroyForcibly();
        }
    }

    /** Starts ffmpeg in the background (stdout discarded, stderr readable); the caller destroys it. */
    public static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("/usr/bin/ffmpeg");
        command.add("-hide_banner");
        command.add("-nostdin");
        command.add("-y");
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** A short H.264/AAC test clip: {@code seconds} of 320x240@30 with a keyframe every 30 frames and a tone. */
    public static void makeClip(Path file, int seconds, String videoCodec, String audioCodec, String... extra)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-f", "lavfi", "-i",
                "testsrc2=size=320x240:rate=30:duration=" + seconds, "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000:duration=" + seconds, "-c:v", videoCodec));
        if (videoCodec.equals("libx264")) {
            args.addAll(List.of("-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p"));
        }
        args.addAll(List.of("-c:a", audioCodec));
        args.addAll(List.of(extra));
        args.add(file.toString());
        run(args.toArray(String[]::new));
    }
}
