package io.omnicast.bench.live;

import io.omnicast.bench.demo.PeerStats;
import io.omnicast.peer.cli.PeerCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** One peer running as a child process of a {@link LiveRig}: its address, stats endpoint and process. */
public final class PeerProcess {
    private final String user;
    private final String address;
    private final int statsPort;
    private final Process process;
    private final Path log;
    private volatile PeerStats last;

    PeerProcess(String user, String address, int statsPort, Process process, Path log) {
        this.user = user;
        this.address = address;
        this.statsPort = statsPort;
        this.process = process;
        this.log = log;
    }

    public String user() {
        return user;
    }

    public String address() {
        return address;
    }

    public int statsPort() {
        return statsPort;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code once the process has ended (143 after SIGTERM, 137 after SIGKILL), -1 while it runs. */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Fresh stats, or null while the endpoint is not up or the process is gone. */
    public PeerStats stats() throws InterruptedException {
        PeerStats s = process.isAlive() ? PeerStats.fetch(statsPort) : null;
        if (s != null) {
            last = s;
        }
        return s;
    }

    /** The last stats successfully read (also after the process ended), or null. */
    public PeerStats lastStats() {
        return last;
    }

    /**
     * Waits until the peer plays (state playing and a frame counted) and returns its stats.
     *
     * @throws IllegalStateException when it exits or does not play within {@code timeout}
     */
    public PeerStats awaitPlaying(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // The peer says "playing ..." once its first picture is decoded; until then only its log is watched, so
        // the stats endpoint is not asked (a request every 20 ms) while the join being measured runs.
        while (System.nanoTime() < deadline && process.isAlive() && !saidPlaying()) {
            Thread.sleep(5);
        }
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(user + " exited with " + process.exitValue() + "; see " + log);
            }
            PeerStats s = stats();
            if (s != null && "playing".equals(s.text("state")) && s.number("framesDecoded", 0) > 0
                    && s.number("firstFrameMs", -1) >= 0) {
                return s;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(user + " did not play within " + timeout + "; see " + log);
    }

    private long logRead;
    private final StringBuilder logLine = new StringBuilder();
    private boolean playingSeen;

    /** True once the log has a line starting with {@link PeerCommand#PLAYING}; reads only what is new. */
    private synchronized boolean saidPlaying() {
        if (playingSeen) {
            return true;
        }
        try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(log)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8192);
            int n;
            while ((n = file.read(buffer, logRead)) > 0) {
                logRead += n;
                buffer.flip();
                while (buffer.hasRemaining()) {
                    char c = (char) buffer.get();
                    if (c == '\n') {
                        if (logLine.indexOf(PeerCommand.PLAYING) == 0) {
                            playingSeen = true;
                        }
                        logLine.setLength(0);
                    } else if (logLine.length() < 200) {
                        logLine.append(c);
                    }
                }
                buffer.clear();
            }
        } catch (java.io.IOException e) {
            return false; // not there yet
        }
        return playingSeen;
    }

    /** Waits until a held peer ({@link PeerSpec#held()}) has started up and waits for {@link #join()}. */
    public PeerStats awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(user + " exited with " + process.exitValue() + "; see " + log);
            }
            PeerStats s = stats();
            if (s != null && "ready".equals(s.text("state"))) {
                return s;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(user + " was not ready within " + timeout + "; see " + log);
    }

    /** Tells a held peer to join now. */
    public void join() {
        try {
            process.getOutputStream().write("join\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            process.getOutputStream().flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(user + " cannot be told to join (process gone?)", e);
        }
    }

    /** SIGTERM: the peer logs out and closes its sessions; waits up to 10 s for it to end. */
    public void leave() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGKILL: the process vanishes without a word; waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** CPU seconds used so far (user + system), -1 when gone. */
    public double cpuSeconds() {
        return ProcessStats.cpuSeconds(process.pid());
    }

    public long rssBytes() {
        return ProcessStats.rssBytes(process.pid());
    }

    @Override
    public String toString() {
        return user + "@" + address;
    }
}
