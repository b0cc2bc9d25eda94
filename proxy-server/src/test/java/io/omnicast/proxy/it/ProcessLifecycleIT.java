package io.omnicast.proxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.uscp.v1.ERROR;
import io.omnicast.uscp.v1.ErrorCode;
import io.omnicast.uscp.v1.OK;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy as its own process: accounts and events survive kill -9; the ticket key survives restarts. */
class ProcessLifecycleIT {
    @TempDir
    Path dir;

    private static String get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String[] args() {
        return new String[] {"--db", dir.resolve("proxy").toString(), "--port", "0", "--http-port", "0",
            "--bind", "127.0.0.1"};
    }

    @Test
    void accountsEventsAndTheTicketKeySurviveKillMinus9() throws Exception {
        String db = dir.resolve("proxy").toString();
        String added = ProxyProcess.run(dir.resolve("add.log"), "--db", db, "user", "add", "origin-k", "--role",
                "origin", "--password", "origin-secret-123");
        assertTrue(added.startsWith("0 "), added);
        byte[] keyBefore;
        long eventsBefore;
        try (ProxyProcess proxy = ProxyProcess.start(dir.resolve("run1.log"), args());
                UscpTestClient origin = new UscpTestClient(proxy.uscp());
                UscpTestClient viewer = new UscpTestClient(proxy.uscp())) {
            origin.send(UscpTestClient.login("origin-k", "origin-secret-123", Role.ORIGIN, "kill", "127.0.0.1", 8554,
                    10));
            keyBefore = origin.next(OK.class).getSession().getProxyKey().getValue();
            viewer.send(UscpTestClient.subscription("survivor", "survive-this-please", "kill", null, 0, 0));
            ReStreamingConnection joined = viewer.next(ReStreamingConnection.class);
            String node = joined.getNodeId();
            // the join event is committed once the API can read it back from the database
            String events = waitFor(proxy.httpPort(), "/api/events?since=0", "\"node\":\"" + node + "\"");
            eventsBefore = count(events);
            proxy.kill();
        }
        try (ProxyProcess proxy = ProxyProcess.start(dir.resolve("run2.log"), args());
                UscpTestClient origin = new UscpTestClient(proxy.uscp());
                UscpTestClient viewer = new UscpTestClient(proxy.uscp())) {
            String events = get(proxy.httpPort(), "/api/events?since=0");
            assertTrue(count(events) >= eventsBefore, events);
            assertTrue(events.contains("\"kind\":\"join\""), events);
            assertTrue(events.contains("user=survivor"), events);
            origin.send(UscpTestClient.login("origin-k", "origin-secret-123", Role.ORIGIN, "kill", "127.0.0.1", 8554,
                    10));
            byte[] keyAfter = origin.next(OK.class).getSession().getProxyKey().getValue();
            assertEquals(java.util.Base64.getEncoder().encodeToString(keyBefore),
                    java.util.Base64.getEncoder().encodeToString(keyAfter));
            viewer.send(UscpTestClient.login("survivor", "wrong-password-1", Role.VIEWER, "kill", null, 0, 0));
            assertEquals(ErrorCode.AUTH_FAILED, viewer.next(ERROR.class).getCode());
            viewer.send(UscpTestClient.login("survivor", "survive-this-please", Role.VIEWER, "kill", null, 0, 0));
            assertEquals(1, viewer.next(ReStreamingConnection.class).getHopCount());
        }
        String listed = ProxyProcess.run(dir.resolve("list.log"), "--db", db, "user", "list");
        assertTrue(listed.contains("survivor") && listed.contains("origin-k"), listed);
    }

    private static long count(String events) {
        return events.split("\"kind\":").length - 1;
    }

    private static String waitFor(int port, String path, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
            body = get(port, path);
            if (body.contains(text)) {
                return body;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(text + " never appeared in " + path + ": " + body);
    }
}
