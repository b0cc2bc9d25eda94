package io.omnicast.bridge;

import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the integration tests share: free ports, an in-process streaming server, a bridge on its own thread, and
 * ffmpeg as the independent player. Everything started here is stopped by {@link #close()}.
 */
public final class LiveFixture implements AutoCloseable {
    public static final String KEY = "s3cret-key";
    private static final Pattern FRAME = Pattern.compile("frame=\\s*(\\d+)");
    private static final Pattern AUDIO_KB = Pattern.compile("audio:\\s*(\\d+)\\s*[kKmM]i?B");

    public final int rtspPort = freeTcpPort();
    public final int udpRtpPort = freeEvenUdpPort();
    private final List<Process> processes = new ArrayList<>();
    private StreamingServer server;
    private Bridge bridge;
    private Thread bridgeThread;
    private volatile int bridgeExit = Integer.MIN_VALUE;

    public static int freeTcpPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freeUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An even port whose successor is free too (RTP/RTCP pairs). */
    public static int freeEvenUdpPort() {
        for (int i = 0; i < 100; i++) {
            int port = freeUdpPort();
            if (port % 2 == 0 && port < 65534) {
                try (DatagramSocket rtcp = new DatagramSocket(port + 1)) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IllegalStateException("no free even UDP port pair");
    }

    public StreamingServer startServer() {
        server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(rtspPort)
                .udpRtpPort(udpRtpPort).streamKey(KEY).build());
        return server;
    }

    public void stopServer() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public StreamingServer server() {
        return server;
    }

    public String url(String channel) {
        return "rtsp://127.0.0.1:" + rtspPort + "/live/" + channel;
    }

    public BridgeConfig.Builder config(String input, String channel) {
        return BridgeConfig.defaults().input(input).publishUrl(url(channel)).streamKey(KEY).preset("ultrafast")
                .bitrateKbps(600).gopFrames(30).status(BridgeConfig.StatusMode.OFF);
    }

    public Bridge startBridge(BridgeConfig config) {
        bridge = new Bridge(config);
        bridgeThread = new Thread(() -> bridgeExit = bridge.run(), "test-bridge");
        bridgeThread.start();
        return bridge;
    }

    /** Waits for the bridge's run() to return and gives its exit code. */
    public int awaitBridgeExit(Duration timeout) throws InterruptedException {
        bridgeThread.join(timeout.toMillis());
        return bridgeExit;
    }

    /** True once the server has a live channel {@code name}. */
    public boolean isLive(String name) {
        StreamingServer s = server;
        return s != null && s.channel(name).map(c -> c.isLive()).orElse(false);
    }

    public static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }

    /** Starts ffmpeg in the background; stopped by {@link #close()}. */
    public Process ffmpeg(String... args) throws IOException {
        Process p = Ffmpeg.start(args);
        processes.add(p);
        drain(p);
        return p;
    }

    private static void drain(Process p) {
        Thread t = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the process went away
            }
        }, "ffmpeg-stderr");
        t.setDaemon(true);
        t.start();
    }

    /** What ffmpeg decoded when playing {@code url} for {@code seconds}: frames and whether audio came out. */
    public record Played(int frames, long audioKb, String log) {
    }

    public Played play(String url, int seconds) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("/usr/bin/ffmpeg", "-hide_banner", "-nostdin", "-rtsp_transport",
                "tcp", "-i", url, "-t", Integer.toString(seconds), "-f", "null", "-"));
        Process p = new ProcessBuilder(args).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        String log;
        try {
            log = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(seconds + 30L, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly();
        }
        int frames = 0;
        Matcher m = FRAME.matcher(log);
        while (m.find()) {
            frames = Integer.parseInt(m.group(1));
        }
        long audio = 0;
        Matcher a = AUDIO_KB.matcher(log);
        while (a.find()) {
            audio = Long.parseLong(a.group(1));
        }
        return new Played(frames, audio, log);
    }

    /** Runs a player process to completion (a recorder, ffprobe) and returns its stdout; stderr is dropped. */
    public String capture(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        processes.add(p);
        drain(p);
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    @Override
    public void close() throws Exception {
        if (bridge != null) {
            bridge.stop();
            bridgeThread.join(10_000);
            bridge.close();
        }
        for (Process p : processes) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        stopServer();
    }
}
