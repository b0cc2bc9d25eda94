package io.omnicast.proxy.it;

import io.omnicast.proxy.ProxyServer;
import io.omnicast.proxy.auth.AuthException;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.uscp.v1.OK;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Role;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A proxy on loopback with its own H2 file, plus helpers to log in origins and peers that really listen. */
public final class ProxyFixture implements AutoCloseable {
    public static final String PASSWORD = "a-long-passphrase";
    public static final Duration BEAT = Duration.ofMillis(500);
    private static int nextHost = 2;

    private final ProxyServer proxy;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    public ProxyFixture(Path dir, String topology) {
        this(ProxyConfig.builder().dbPath(dir.resolve("proxy")).topology(topology));
    }

    public ProxyFixture(ProxyConfig.Builder builder) {
        proxy = ProxyServer.start(builder.uscpPort(0).httpPort(0).bindAddress("127.0.0.1")
                .pbkdf2Iterations(10_000).beatInterval(BEAT).build());
    }

    public ProxyServer proxy() {
        return proxy;
    }

    public InetSocketAddress uscp() {
        return proxy.uscpAddress();
    }

    /** A fresh loopback address per peer, 127.0.0.2 upwards. */
    public static synchronized String nextLoopback() {
        int n = nextHost++;
        return "127.0." + (n / 250) + "." + (2 + n % 250);
    }

    public void account(String user, String role) throws AuthException {
        proxy.services().accounts().create(user, PASSWORD, role);
    }

    public UscpTestClient client() throws IOException {
        UscpTestClient client = new UscpTestClient(uscp());
        resources.add(client);
        return client;
    }

    /** An origin serving {@code channel} with room for {@code maxChildren} hop-1 peers. */
    public UscpTestClient origin(String user, String channel, int maxChildren) throws Exception {
        account(user, "origin");
        UscpTestClient client = client();
        client.send(UscpTestClient.login(user, PASSWORD, Role.ORIGIN, channel, "127.0.0.1", 8554, maxChildren));
        OK ok = client.next(OK.class);
        if (ok.getSession() == null) {
            throw new AssertionError("origin login without a Session");
        }
        client.startBeating(BEAT.dividedBy(2));
        return client;
    }

    /** A joined peer with a listening relay endpoint. */
    public record Peer(String nodeId, UscpTestClient client, RelayListener relay, ReStreamingConnection joined) {
    }

    /**
     * A viewer account that logs in with a real relay endpoint and capacity; when {@code awaitReachable}, waits
     * until the proxy's connect-back probe reached it, so it may have children.
     */
    public Peer peer(String user, String channel, int maxChildren, boolean awaitReachable) throws Exception {
        account(user, "viewer");
        RelayListener relay = new RelayListener(nextLoopback());
        resources.add(relay);
        UscpTestClient client = client();
        client.send(UscpTestClient.login(user, PASSWORD, Role.VIEWER, channel, relay.host(), relay.port(),
                maxChildren));
        ReStreamingConnection joined = client.next(ReStreamingConnection.class);
        client.startBeating(BEAT.dividedBy(2));
        String nodeId = joined.getNodeId();
        if (awaitReachable && maxChildren > 0) {
            awaitJson("/api/nodes/" + nodeId, body -> body.contains("\"reachable\":true"));
        }
        return new Peer(nodeId, client, relay, joined);
    }

    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.httpAddress().getPort() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    /** Polls {@code path} until its body satisfies {@code condition}; returns the body. */
    public String awaitJson(String path, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + UscpTestClient.WAIT.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = get(path);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("condition not met on " + path + "; last answer: " + last);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                // best effort
            }
        }
        proxy.close();
    }
}
