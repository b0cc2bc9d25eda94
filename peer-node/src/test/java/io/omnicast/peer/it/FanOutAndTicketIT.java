package io.omnicast.peer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.peer.PeerNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: one peer with capacity 8 feeds 8 children that all play at 30 fps; its relay lets 127.0.0.1 play
 * without a ticket and refuses a client from another address (127.0.0.5, bound explicitly) without a valid one.
 */
class FanOutAndTicketIT {
    @Test
    void oneRelayFeedsEightChildrenAndChecksTickets() throws Exception {
        try (TreeFixture tree = new TreeFixture(1)) {
            PeerNode relay = tree.peer("relay", 8);
            List<PeerNode> children = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                PeerNode child = tree.peer("child" + i, 0);
                children.add(child);
                assertEquals(relay.stats().get("nodeId"), child.stats().get("parent"), child.stats().toString());
                assertEquals(2, child.stats().get("hopCount"));
            }
            Thread.sleep(1500); // start-up of the last child
            for (int second = 0; second < 5; second++) {
                Thread.sleep(1000);
                for (PeerNode child : children) {
                    Map<String, Object> s = child.stats();
                    assertTrue((double) s.get("fps") >= 29, "second " + second + ": " + s);
                    assertEquals(0L, s.get("stalls"), s.toString());
                }
            }
            assertEquals(8, relay.stats().get("children"), relay.stats().toString());

            URI url = URI.create(relay.relayUrl());
            // A local player on 127.0.0.1 needs no ticket (the relay is full with 8 children, so it is answered
            // 453, not 401: admission passed).
            String local = describe(url, "127.0.0.1", "");
            assertTrue(!local.startsWith("RTSP/1.0 401"), local);
            // From 127.0.0.5: no ticket, a forged one, each refused.
            String none = describe(url, "127.0.0.5", "");
            assertTrue(none.startsWith("RTSP/1.0 401") || none.startsWith("RTSP/1.0 403"), none);
            String forged = describe(url, "127.0.0.5", "?ticket=MXxuLTJ8by0wfGRlbW98MTc5NTI2NTczNQ.AAAA");
            assertTrue(forged.startsWith("RTSP/1.0 401") || forged.startsWith("RTSP/1.0 403"), forged);
        }
    }

    /** A raw RTSP DESCRIBE from {@code source} (bound explicitly); returns the status line. */
    private static String describe(URI url, String source, String query) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("DESCRIBE " + url + query + " RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }
}
