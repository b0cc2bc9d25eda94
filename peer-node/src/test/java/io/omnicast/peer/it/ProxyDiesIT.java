package io.omnicast.peer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.peer.PeerNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: the proxy dies while peers stream; the stream keeps flowing (no stall); when the proxy returns on
 * the same address with the same database, the origin and the peers log in again and the tree is rebuilt.
 */
class ProxyDiesIT {
    @Test
    void streamKeepsFlowingWithoutTheProxyAndTheTreeIsRebuiltWhenItReturns() throws Exception {
        // The origin takes two: peers log in again in any order, and a leaf that comes back first must not take
        // the only slot at the top (the proxy places anew; USCP has no "I was under X" on Login).
        try (TreeFixture tree = new TreeFixture(2)) {
            List<PeerNode> peers = List.of(tree.peer("pd1", 1), tree.peer("pd2", 1), tree.peer("pd3", 0));
            Thread.sleep(1500);

            tree.stopProxy();
            for (PeerNode peer : peers) {
                TreeFixture.awaitStats(peer, s -> Boolean.FALSE.equals(s.get("proxyConnected")), "proxy lost");
            }
            for (int second = 0; second < 4; second++) {
                Thread.sleep(1000);
                for (PeerNode peer : peers) {
                    Map<String, Object> s = peer.stats();
                    assertTrue((double) s.get("fps") >= 29, "without the proxy, second " + second + ": " + s);
                    assertEquals(0L, s.get("stalls"), s.toString());
                    assertEquals("playing", s.get("state"), s.toString());
                }
            }

            tree.restartProxy();
            for (PeerNode peer : peers) {
                TreeFixture.awaitStats(peer, s -> Boolean.TRUE.equals(s.get("proxyConnected"))
                        && (int) s.get("logins") >= 2, "logged in again");
            }
            String treeJson = tree.awaitJson("/api/channels/" + TreeFixture.CHANNEL + "/tree", body -> peers.stream()
                    .allMatch(p -> body.contains("\"" + p.stats().get("nodeId") + "\"")));
            Thread.sleep(2000); // the proxy may have placed peers anew: let them move
            for (PeerNode peer : peers) {
                Map<String, Object> s = peer.stats();
                assertTrue(treeJson.contains("\"" + s.get("nodeId") + "\""), treeJson);
                assertFalse(s.get("parent") == null, s.toString());
                assertTrue((double) s.get("fps") >= 29, s.toString());
                assertEquals(0L, s.get("stalls"), s.toString());
                assertEquals(0L, s.get("packetsLost"), s.toString());
            }
        }
    }
}
