package io.omnicast.proxy.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.proxy.topology.ChannelTree.Node;
import io.omnicast.proxy.topology.spi.ChannelTopology;
import io.omnicast.proxy.topology.spi.Placement;
import io.omnicast.proxy.topology.spi.PlacementReason;
import io.omnicast.proxy.topology.spi.PlacementRequest;
import io.omnicast.proxy.topology.spi.TreeNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Regression tests for the hop-limit bug: nothing kept a placement within {@link ChannelTree#MAX_HOP}, so
 * re-placing an orphan that carries a subtree under a deep parent made {@code ChannelTree.attach} throw after it
 * had already linked the orphan and re-indexed part of its subtree, leaving the tree half-updated (the topology
 * simulator with the random plugin ran into it at 100,000 peers).
 *
 * <p>The tree: origin {@code o} (2 slots); a chain {@code a1..a250} of capacity-1 nodes, except {@code a240}
 * which has a second, spare slot, and {@code a250}, the deepest candidate, with one spare slot; and a relay
 * {@code r} under the origin carrying a chain {@code s0..s10}. When {@code r} leaves, orphan {@code s0} carries
 * a subtree of height 10, so it fits under {@code a240} (deepest node at hop 251) but not under {@code a250}
 * (hop 261).
 */
class HopLimitTest {
    private final ChannelTree tree = new ChannelTree("deep", () -> 0L);
    private Node origin;
    private Node a240;
    private Node a250;
    private Node relay;
    private final List<Node> subtree = new ArrayList<>();

    @BeforeEach
    void buildDeepTree() {
        origin = tree.addOrigin("o", 2, 0);
        Node parent = origin;
        for (int i = 1; i <= 250; i++) {
            Node a = reachable("a" + i, i == 240 ? 2 : 1);
            tree.attach(a, parent);
            parent = a;
        }
        a240 = tree.get("a240");
        a250 = tree.get("a250");
        relay = reachable("r", 1);
        tree.attach(relay, origin);
        parent = relay;
        for (int i = 0; i <= 10; i++) {
            Node s = reachable("s" + i, 1);
            tree.attach(s, parent);
            parent = s;
            subtree.add(s);
        }
    }

    @Test
    void eligibilityExcludesParentsTooDeepForTheOrphansSubtree() {
        Node s0 = subtree.get(0);
        assertEquals(List.of(s0), tree.remove(relay));
        PlacementRequest request = new PlacementRequest(s0, tree, PlacementReason.REPARENT, Set.of(), 0);
        assertEquals(10, request.subtreeHeight());
        assertFalse(request.eligible(a250), "a250 + 1 + 10 = hop 261");
        assertTrue(request.eligible(a240), "a240 + 1 + 10 = hop 251");
        PlacementRequest leaf = new PlacementRequest(tree.addDetached("leaf", 0, 0), tree, PlacementReason.JOIN,
                Set.of(), 0);
        assertTrue(leaf.eligible(a250), "a leaf fits under hop 250");
    }

    @Test
    void attachBeyondTheHopLimitIsRefusedBeforeAnythingChanges() {
        Node s0 = subtree.get(0);
        tree.remove(relay);
        int candidates = tree.candidateCount();
        int atHop250 = tree.candidateCountAtHop(250);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> tree.attach(s0, a250));
        assertTrue(e.getMessage().contains("hop limit of 255"), e.getMessage());
        // all or nothing: the orphan is not linked, its subtree is not re-indexed, the parent keeps its slot
        assertNull(s0.parent());
        assertEquals(0, a250.childCount());
        for (Node s : subtree) {
            assertEquals(-1, s.hopCount(), s.id());
        }
        assertEquals(candidates, tree.candidateCount());
        assertEquals(atHop250, tree.candidateCountAtHop(250));
        assertTrue(tree.maxCandidateHop() <= 250, "nothing indexed beyond hop 250");

        tree.attach(s0, tree.get("a244"));
        assertEquals(255, subtree.get(10).hopCount(), "exactly at the limit is allowed");
    }

    @Test
    void engineReplacesAnOrphanWithASubtreeOnlyWhereItFits() {
        TopologyEngine engine = new TopologyEngine(tree, deepestEligibleFirst(), "deepest", 2);
        TopologyEngine.Departure departure = engine.leave(relay);
        Node s0 = subtree.get(0);
        assertEquals(1, departure.moved().size());
        assertSame(a240, s0.parent());
        assertEquals(251, subtree.get(10).hopCount());
        for (Node backup : departure.moved().get(0).backups()) {
            assertTrue(backup.hopCount() + 1 + 10 <= ChannelTree.MAX_HOP, backup.toString());
        }
        assertEquals(0, engine.hopLimitRefusals());
    }

    @Test
    void engineRefusesAPluginDecisionBeyondTheHopLimitAndLeavesTheTreeIntact() {
        ChannelTopology ignoresDepth = request -> Placement.of(a250, List.of());
        TopologyEngine engine = new TopologyEngine(tree, ignoresDepth, "ignores-depth", 0);
        TopologyEngine.Departure departure = engine.leave(relay);
        Node s0 = subtree.get(0);
        assertEquals(List.of(), departure.moved());
        assertEquals(List.of(s0), departure.waiting(), "the orphan waits for a parent it fits under");
        assertEquals(1, engine.hopLimitRefusals());
        assertNull(s0.parent());
        assertEquals(0, a250.childCount());
        assertEquals(1, tree.candidateCountAtHop(250), "a250 keeps its spare slot");
        for (Node s : subtree) {
            assertEquals(-1, s.hopCount(), s.id());
        }
    }

    private static ChannelTopology deepestEligibleFirst() {
        return request -> {
            List<TreeNode> picked = new ArrayList<>();
            for (int hop = request.tree().maxCandidateHop(); hop >= 0 && picked.size() < 1 + request.maxBackups();
                    hop--) {
                for (TreeNode candidate : request.tree().candidatesAtHop(hop)) {
                    if (request.eligible(candidate) && picked.size() < 1 + request.maxBackups()) {
                        picked.add(candidate);
                    }
                }
            }
            return picked.isEmpty() ? Placement.none() : Placement.of(picked.get(0), picked.subList(1, picked.size()));
        };
    }

    private Node reachable(String id, int capacity) {
        Node node = tree.addDetached(id, capacity, 0);
        tree.setReachable(node, true, -1);
        return node;
    }
}
