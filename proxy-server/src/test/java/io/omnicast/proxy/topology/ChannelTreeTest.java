package io.omnicast.proxy.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.proxy.topology.ChannelTree.Node;
import io.omnicast.proxy.topology.spi.TreeNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelTreeTest {
    private final ChannelTree tree = new ChannelTree("demo", () -> 0L);

    @Test
    void indexesCandidatesByHopAndSpareSlots() {
        Node origin = tree.addOrigin("o", 3, 0);
        Node a = reachable("a", 1);
        Node b = reachable("b", 4);
        tree.attach(a, origin);
        tree.attach(b, origin);
        assertEquals(1, tree.candidateCountAtHop(0));
        List<String> atHop1 = new ArrayList<>();
        for (TreeNode n : tree.candidatesAtHop(1)) {
            atHop1.add(n.id());
        }
        assertEquals(List.of("b", "a"), atHop1);
        assertEquals(3, tree.candidateCount());
        assertEquals(1, tree.maxCandidateHop());
    }

    @Test
    void fullAndUnreachableNodesAreNotCandidates() {
        Node origin = tree.addOrigin("o", 1, 0);
        Node a = tree.addDetached("a", 2, 0);
        tree.attach(a, origin);
        assertEquals(0, tree.candidateCount());
        tree.setReachable(a, true, 1_000);
        assertEquals(1, tree.candidateCount());
        assertEquals(1, tree.maxCandidateHop());
    }

    @Test
    void removingANodeDetachesItsChildrenWithTheirSubtrees() {
        Node origin = tree.addOrigin("o", 1, 0);
        Node a = reachable("a", 1);
        Node b = reachable("b", 1);
        Node c = reachable("c", 1);
        tree.attach(a, origin);
        tree.attach(b, a);
        tree.attach(c, b);
        List<Node> orphans = tree.remove(a);
        assertEquals(List.of(b), orphans);
        assertEquals(-1, b.hopCount());
        assertEquals(-1, c.hopCount());
        assertEquals(1, tree.candidateCount()); // only the origin, the orphan subtree is out of the index
        tree.attach(b, origin);
        assertEquals(2, c.hopCount());
        assertEquals(1, tree.candidateCount());
        assertTrue(tree.get("a") == null);
    }

    @Test
    void refusesCapacityOutsideTheSchemaBounds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tree.addDetached("x", 2000, 0));
        assertEquals("maxChildren must be between 0 and 1024 (was 2000)", e.getMessage());
    }

    private Node reachable(String id, int capacity) {
        Node node = tree.addDetached(id, capacity, 0);
        tree.setReachable(node, true, -1);
        return node;
    }
}
