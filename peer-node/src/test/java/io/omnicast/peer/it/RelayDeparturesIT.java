package io.omnicast.peer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: in a chain of peers running as their own processes, the relay at hop 3 logs out (SIGTERM, its
 * shutdown hook sends Logout), then the relay at hop 5 is killed with SIGKILL. Every downstream peer recovers,
 * none stalls with a 500 ms playout delay, and no packet stays lost after repair.
 */
class RelayDeparturesIT {
    private static final int HOPS = 6;

    @Test
    void downstreamPeersRecoverFromALogoutAndASigkillWithoutStallOrLoss() throws Exception {
        try (TreeFixture tree = new TreeFixture(1)) {
            List<PeerProcess> chain = new ArrayList<>();
            try {
                for (int hop = 1; hop <= HOPS; hop++) {
                    PeerProcess peer = PeerProcess.start(tree, "proc" + hop, hop < HOPS ? 1 : 0,
                            tree.dir.resolve("proc" + hop + ".log"));
                    chain.add(peer);
                    String stats = awaitStats(peer, s -> "playing".equals(PeerProcess.text(s, "state"))
                            && PeerProcess.number(s, "framesDecoded") > 0);
                    assertEquals(hop, (int) PeerProcess.number(stats, "hopCount"), stats);
                    if (hop < HOPS) {
                        String node = PeerProcess.text(stats, "nodeId");
                        tree.awaitJson("/api/nodes/" + node, body -> body.contains("\"reachable\":true"));
                    }
                }
                Thread.sleep(2000);

                PeerProcess third = chain.get(2);
                String thirdId = PeerProcess.text(third.stats(), "nodeId");
                third.leave();
                awaitStats(chain.get(3), s -> {
                    String parent = PeerProcess.text(s, "parent");
                    return parent != null && !parent.equals(thirdId) && "playing".equals(PeerProcess.text(s, "state"));
                });
                Thread.sleep(2000);

                PeerProcess fifth = chain.get(4);
                String fifthId = PeerProcess.text(fifth.stats(), "nodeId");
                fifth.kill();
                awaitStats(chain.get(5), s -> {
                    String parent = PeerProcess.text(s, "parent");
                    return parent != null && !parent.equals(fifthId) && "playing".equals(PeerProcess.text(s, "state"));
                });
                Thread.sleep(3000); // past the repair window, playout running on the new parents

                for (int i : new int[] {0, 1, 3, 5}) {
                    String s = chain.get(i).stats();
                    assertTrue(s != null, "peer " + (i + 1) + " has no stats");
                    assertEquals(0, PeerProcess.number(s, "stalls"), "hop " + (i + 1) + ": " + s);
                    assertEquals(0, PeerProcess.number(s, "packetsLost"), "hop " + (i + 1) + ": " + s);
                    for (double lost : PeerProcess.numbers(s, "packetsLostAfterRepair")) {
                        assertEquals(0, lost, "hop " + (i + 1) + ": " + s);
                    }
                    for (double gap : PeerProcess.numbers(s, "gapMs")) {
                        assertTrue(gap >= 0, "every recovery completed: " + s);
                    }
                    assertTrue(PeerProcess.number(s, "fps") >= 29, "hop " + (i + 1) + ": " + s);
                    assertEquals("playing", PeerProcess.text(s, "state"), s);
                }
                assertTrue(PeerProcess.numbers(chain.get(3).stats(), "gapMs").size() >= 1,
                        "hop 4 recorded its recovery from hop 3");
                assertTrue(PeerProcess.numbers(chain.get(5).stats(), "gapMs").size() >= 1,
                        "hop 6 recorded its recovery from hop 5");
            } finally {
                for (PeerProcess peer : chain) {
                    peer.close();
                }
            }
        }
    }

    private static String awaitStats(PeerProcess peer, java.util.function.Predicate<String> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = null;
        while (System.nanoTime() < deadline) {
            if (!peer.process.isAlive()) {
                throw new AssertionError(peer.user + " exited with " + peer.process.exitValue());
            }
            last = peer.stats();
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting on " + peer.user + ": " + last);
    }
}
