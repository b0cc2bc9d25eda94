package io.omnicast.proxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.proxy.it.ProxyFixture.Peer;
import io.omnicast.uscp.ticket.TicketVerifier;
import io.omnicast.uscp.v1.ERROR;
import io.omnicast.uscp.v1.ErrorCode;
import io.omnicast.uscp.v1.OK;
import io.omnicast.uscp.v1.PlacementReason;
import io.omnicast.uscp.v1.ReStreamingConnection;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The paper's two set-ups and re-parenting, on loopback with real sockets, real relay listeners and real H2. */
class PlacementIT {
    @TempDir
    Path dir;
    private ProxyFixture fixture;

    @BeforeEach
    void start() {
        fixture = new ProxyFixture(dir, "hop-count");
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    @Test
    void capacityOnePeersFormASerialChainOfHopsOneToNine() throws Exception {
        fixture.origin("origin-a", "chain", 1);
        String previous = null;
        for (int i = 1; i <= 9; i++) {
            Peer peer = fixture.peer("chain" + i, "chain", 1, true);
            assertEquals(i, peer.joined().getHopCount(), "hop of peer " + i);
            if (previous != null) {
                assertEquals(previous, peer.joined().getParent().getNodeId());
            }
            previous = peer.nodeId();
        }
        Map<String, TreeJson.Row> tree = TreeJson.parse(fixture.get("/api/channels/chain/tree"));
        TreeJson.assertConsistent(tree);
        assertEquals(10, tree.size());
    }

    @Test
    void eightPeersUnderARoomyRelayAllSitAtHopTwo() throws Exception {
        fixture.origin("origin-p", "par", 1);
        Peer relay = fixture.peer("relay8", "par", 8, true);
        assertEquals(1, relay.joined().getHopCount());
        for (int i = 1; i <= 8; i++) {
            Peer child = fixture.peer("par" + i, "par", 1, false);
            assertEquals(2, child.joined().getHopCount());
            assertEquals(relay.nodeId(), child.joined().getParent().getNodeId());
        }
        TreeJson.assertConsistent(TreeJson.parse(fixture.get("/api/channels/par/tree")));
    }

    @Test
    void joinReplyCarriesAVerifiableTicketForParentAndBackups() throws Exception {
        fixture.origin("origin-t", "tix", 3);
        Peer a = fixture.peer("tix-a", "tix", 2, true);
        Peer b = fixture.peer("tix-b", "tix", 2, true);
        ReStreamingConnection joined = b.joined();
        assertEquals(PlacementReason.JOIN, joined.getReason());
        TicketVerifier verifier = TicketVerifier.fromX509(joined.getSession().getProxyKey().getValue());
        String ticket = joined.getParent().getTicket();
        assertEquals(b.nodeId(), verifier.verify(ticket, joined.getParent().getNodeId(), "tix", Instant.now())
                .childId());
        assertEquals(1, joined.getBackupParent().size());
        assertEquals(a.nodeId(), joined.getBackupParent().get(0).getNodeId());
        verifier.verify(joined.getBackupParent().get(0).getTicket(), a.nodeId(), "tix", Instant.now());
        assertEquals("rtsp://127.0.0.1:8554/live/tix", joined.getParent().getRtspUrl());
    }

    private List<Peer> relayWithEightChildren(String channel) throws Exception {
        fixture.origin("origin-" + channel, channel, 1);
        Peer relay = fixture.peer(channel + "-relay", channel, 8, true);
        List<Peer> peers = new ArrayList<>();
        peers.add(relay);
        for (int i = 1; i <= 8; i++) {
            Peer child = fixture.peer(channel + "-c" + i, channel, 1, false);
            peers.add(child);
        }
        return peers;
    }

    private void assertAllEightRepartented(List<Peer> peers, String channel) throws Exception {
        Peer relay = peers.get(0);
        Set<String> newParents = new HashSet<>();
        Set<String> signatures = new HashSet<>();
        for (Peer child : peers.subList(1, peers.size())) {
            assertEquals(relay.nodeId(), child.joined().getParent().getNodeId(), "before: under the relay");
            ReStreamingConnection push = child.client().next(ReStreamingConnection.class);
            assertEquals(PlacementReason.REPARENT, push.getReason());
            assertNull(push.getRequestId());
            assertNotEquals(relay.nodeId(), push.getParent().getNodeId());
            newParents.add(push.getParent().getNodeId());
            String ticket = push.getParent().getTicket();
            signatures.add(ticket.substring(ticket.lastIndexOf('.')));
        }
        assertEquals(1, signatures.size(), "the 8 pushes of one departure share one Ed25519 signature");
        String body = fixture.awaitJson("/api/channels/" + channel + "/tree",
                b -> !b.contains("\"id\":\"" + relay.nodeId() + "\""));
        Map<String, TreeJson.Row> tree = TreeJson.parse(body);
        TreeJson.assertConsistent(tree);
        for (Peer child : peers.subList(1, peers.size())) {
            assertTrue(newParents.contains(tree.get(child.nodeId()).parent()));
        }
    }

    @Test
    void reparentsAllEightChildrenWhenTheRelayLogsOut() throws Exception {
        List<Peer> peers = relayWithEightChildren("lo");
        Peer relay = peers.get(0);
        relay.client().send(UscpTestClient.logout());
        relay.client().next(OK.class);
        assertTrue(relay.client().awaitClosed());
        assertAllEightRepartented(peers, "lo");
    }

    @Test
    void reparentsAllEightChildrenWhenTheRelaySocketDiesAbruptly() throws Exception {
        List<Peer> peers = relayWithEightChildren("ab");
        peers.get(0).client().abort();
        assertAllEightRepartented(peers, "ab");
    }

    @Test
    void missedBeatsAloneEndTheSessionAndMoveItsChildren() throws Exception {
        List<Peer> peers = relayWithEightChildren("mb");
        Peer relay = peers.get(0);
        relay.client().stopBeating(); // the socket stays open: only the missing beats tell
        assertAllEightRepartented(peers, "mb");
        String events = fixture.awaitJson("/api/events?since=0", b -> b.contains("\"kind\":\"session-lost\""));
        assertTrue(events.contains("missed 3 beats"), events);
    }

    @Test
    void grandchildrenStayWithTheirParentWhenTheGrandparentLeaves() throws Exception {
        fixture.origin("origin-g", "gc", 1);
        Peer a = fixture.peer("gc-a", "gc", 1, true);
        Peer b = fixture.peer("gc-b", "gc", 1, true);
        Peer c = fixture.peer("gc-c", "gc", 1, false);
        assertEquals(b.nodeId(), c.joined().getParent().getNodeId());
        a.client().abort();
        ReStreamingConnection push = b.client().next(ReStreamingConnection.class);
        assertEquals(1, push.getHopCount());
        assertNull(c.client().poll(java.time.Duration.ofMillis(500)), "the grandchild got no push");
        Map<String, TreeJson.Row> tree = TreeJson.parse(fixture.awaitJson("/api/channels/gc/tree",
                body -> !body.contains(a.nodeId() + "\"")));
        assertEquals(b.nodeId(), tree.get(c.nodeId()).parent());
        assertEquals(2, tree.get(c.nodeId()).hop());
    }

    @Test
    void failureReportAgainstAHealthyParentMovesTheReporterAndCountsAgainstTheParent() throws Exception {
        fixture.origin("origin-f", "fr", 2);
        Peer p = fixture.peer("fr-p", "fr", 2, true);
        Peer q = fixture.peer("fr-q", "fr", 2, true);
        Peer child = fixture.peer("fr-c", "fr", 0, false);
        String parent = child.joined().getParent().getNodeId();
        child.client().send(UscpTestClient.reConfiguration(parent));
        ReStreamingConnection moved = child.client().next(ReStreamingConnection.class);
        assertEquals(PlacementReason.RECONFIGURATION, moved.getReason());
        assertNotEquals(parent, moved.getParent().getNodeId());
        String node = fixture.awaitJson("/api/nodes/" + parent, b -> b.contains("\"failureReports\":1"));
        assertTrue(node.contains("\"online\":true"), node);
        // naming a node that is not its parent is UNKNOWN_NODE
        child.client().send(UscpTestClient.reConfiguration(parent));
        assertEquals(ErrorCode.UNKNOWN_NODE, child.client().next(ERROR.class).getCode());
        assertFalse(p.nodeId().equals(q.nodeId()));
    }
}
