package io.omnicast.peer.it;

import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.peer.PeerNode;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.server.origin.OriginSession;
import io.omnicast.proxy.ProxyServer;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The real system on loopback for the acceptance tests: the proxy (in-process, its own H2 file in a temporary
 * directory), a streaming server fed by the Debian ffmpeg's live test pattern, the server registered as the
 * channel's origin, and peers, each on its own 127.0.0.x so tickets are really checked between them.
 */
final class TreeFixture implements AutoCloseable {
    static final String PASSWORD = "a-long-passphrase";
    static final String CHANNEL = "demo";
    static final String KEY = "K";
    static final Duration WAIT = Duration.ofSeconds(60);
    private static int nextHost = 2;

    final Path dir;
    final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final HttpClient http = HttpClient.newHttpClient();
    ProxyServer proxy;
    final StreamingServer server;
    final Process ffmpeg;
    final OriginSession origin;
    final List<PeerNode> peers = new ArrayList<>();
    private int proxyUscpPort;
    private int proxyHttpPort;

    TreeFixture(int originChildren) throws Exception {
        dir = Files.createTempDirectory("omnicast-it");
        proxy = startProxy(0, 0);
        proxyUscpPort = proxy.uscpAddress().getPort();
        proxyHttpPort = proxy.httpAddress().getPort();
        proxy.services().accounts().create("origin", PASSWORD, "origin");
        server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(0).udpRtpPort(0)
                .channelKey(CHANNEL, KEY).build());
        ffmpeg = new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
                "-i", "testsrc2=size=320x240:rate=30", "-c:v", "libx264", "-g", "30", "-preset", "ultrafast",
                "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-f", "rtsp", "-rtsp_transport", "tcp",
                "rtsp://127.0.0.1:" + server.rtspPort() + "/live/" + CHANNEL + "?key=" + KEY)
                .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.channel(CHANNEL).isEmpty()) {
            if (System.nanoTime() > deadline || !ffmpeg.isAlive()) {
                throw new IllegalStateException("ffmpeg did not start publishing: "
                        + Files.readString(dir.resolve("ffmpeg.log")));
            }
            Thread.sleep(100);
        }
        origin = new OriginSession(new InetSocketAddress("127.0.0.1", proxyUscpPort), "origin", PASSWORD, CHANNEL,
                new InetSocketAddress("127.0.0.1", server.rtspPort()), originChildren, group);
        origin.describe(server.channel(CHANNEL).orElseThrow().sdp().describeToReaders());
        origin.start();
        awaitJson("/api/channels", body -> body.contains(CHANNEL));
    }

    ProxyServer startProxy(int uscpPort, int httpPort) {
        return ProxyServer.start(ProxyConfig.builder().dbPath(dir.resolve("proxy")).topology("hop-count")
                .uscpPort(uscpPort).httpPort(httpPort).bindAddress("127.0.0.1").pbkdf2Iterations(10_000)
                .beatInterval(Duration.ofMillis(500)).build());
    }

    /** Stops the proxy (as if it died); {@link #restartProxy} brings it back on the same ports and database. */
    void stopProxy() {
        proxy.close();
    }

    void restartProxy() {
        proxy = startProxy(proxyUscpPort, proxyHttpPort);
    }

    int proxyPort() {
        return proxyUscpPort;
    }

    /** A fresh loopback address per peer: 127.0.0.2 upwards (127.0.0.1 is the local-player address). */
    static synchronized String nextLoopback() {
        int n = nextHost++;
        return "127.0." + (n / 250) + "." + (2 + n % 250);
    }

    void account(String user) throws Exception {
        proxy.services().accounts().create(user, PASSWORD, "viewer");
    }

    PeerConfig.Builder peerConfig(String user, int maxChildren) {
        return PeerConfig.builder().proxy("127.0.0.1:" + proxyUscpPort).user(user).password(PASSWORD)
                .channel(CHANNEL).bind(nextLoopback()).maxChildren(maxChildren).capacityFollowsLoad(false)
                .transport(TransportMode.TCP)
                .playoutDelay(Duration.ofMillis(500)).reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    /** Starts an in-process peer and waits until it plays (and, with children, until the proxy reached it). */
    PeerNode peer(String user, int maxChildren) throws Exception {
        account(user);
        PeerNode peer = new PeerNode(peerConfig(user, maxChildren).build());
        peers.add(peer);
        peer.start();
        awaitStats(peer, s -> "playing".equals(s.get("state")) && (long) s.get("framesDecoded") > 0, "playing");
        if (maxChildren > 0) {
            String node = (String) peer.stats().get("nodeId");
            awaitJson("/api/nodes/" + node, body -> body.contains("\"reachable\":true"));
        }
        return peer;
    }

    static Map<String, Object> awaitStats(PeerNode peer, Predicate<Map<String, Object>> condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Object> stats = peer.stats();
        while (!condition.test(stats)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + ": " + stats);
            }
            Thread.sleep(50);
            stats = peer.stats();
        }
        return stats;
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxyHttpPort + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    String awaitJson(String path, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get(path);
                if (condition.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("condition not met on " + path + "; last answer: " + last);
    }

    String rtspUrl() {
        return "rtsp://127.0.0.1:" + server.rtspPort() + "/live/" + CHANNEL;
    }

    @Override
    public void close() throws Exception {
        for (PeerNode peer : peers) {
            try {
                peer.close();
            } catch (RuntimeException e) {
                // best effort
            }
        }
        origin.close();
        ffmpeg.destroy();
        ffmpeg.waitFor(5, TimeUnit.SECONDS);
        ffmpeg.destroyForcibly();
        try {
            proxy.close();
        } catch (RuntimeException e) {
            // already stopped by the test
        }
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
