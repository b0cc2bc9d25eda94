package io.omnicast.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs ffmpeg/ffprobe with a timeout and always kills what it started ({@link #close()}), so a hanging tool never
 * outlives its test. Output goes to files in a temporary directory (no pipe can fill up and block the tool).
 */
public final class Processes implements AutoCloseable {
    private static final Pattern FRAME = Pattern.compile("frame=\\s*(\\d+)");

    /** A started process and its output files. */
    public record Run(Process process, Path stdout, Path stderr, long startNanos, List<String> command) {
        /** Waits up to {@code timeout}; kills the process if it is still running then. Returns the exit code. */
        public int await(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return -1;
            }
            return process.exitValue();
        }

        public String stderrText() {
            return read(stderr);
        }

        public String stdoutText() {
            return read(stdout);
        }

        /** The last {@code frame=N} ffmpeg printed, or -1. */
        public int frames() {
            Matcher m = FRAME.matcher(stderrText());
            int last = -1;
            while (m.find()) {
                last = Integer.parseInt(m.group(1));
            }
            return last;
        }

        private static String read(Path p) {
            try {
                return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
    }

    private final Path directory;
    private final List<Process> started = new ArrayList<>();
    private int counter;

    public Processes() throws IOException {
        this.directory = Files.createTempDirectory("omnicast-it");
    }

    public Path directory() {
        return directory;
    }

    public synchronized Run start(String... command) throws IOException {
        int n = counter++;
        Path out = directory.resolve(n + "-" + Path.of(command[0]).getFileName() + ".out");
        Path err = directory.resolve(n + "-" + Path.of(command[0]).getFileName() + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        long start = System.nanoTime();
        Process p = pb.start();
        started.add(p);
        return new Run(p, out, err, start, List.of(command));
    }

    /** Runs to completion (or timeout, then killed). */
    public Run run(Duration timeout, String... command) throws IOException, InterruptedException {
        Run r = start(command);
        r.await(timeout);
        return r;
    }

    @Override
    public synchronized void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
