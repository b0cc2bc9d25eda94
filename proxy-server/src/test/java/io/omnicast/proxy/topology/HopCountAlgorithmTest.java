package io.omnicast.proxy.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.proxy.topology.builtin.HopCountAlgorithm;
import io.omnicast.proxy.topology.testkit.TopologyTestKit;
import io.omnicast.proxy.topology.testkit.TopologyTestKit.Moved;
import io.omnicast.proxy.topology.testkit.TopologyTestKit.Placed;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HopCountAlgorithmTest {
    private final TopologyTestKit kit = TopologyTestKit.of(new HopCountAlgorithm());

    @Test
    void capacityOneNodesFormASerialChain() {
        kit.origin("o", 1);
        for (int i = 1; i <= 9; i++) {
            Placed placed = kit.join("n" + i, 1);
            assertEquals(i, placed.hopCount());
            assertEquals(i == 1 ? "o" : "n" + (i - 1), placed.parent());
        }
        kit.assertConsistent();
    }

    @Test
    void eightJoinsUnderARoomyHopOneNodeAllLandAtHopTwo() {
        kit.origin("o", 1);
        kit.join("relay", 8);
        for (int i = 1; i <= 8; i++) {
            assertEquals(2, kit.join("n" + i, 1).hopCount());
        }
        assertEquals(8, kit.childrenOf("relay").size());
    }

    @Test
    void tiesAtTheSameHopGoToMostSpareSlots() {
        kit.origin("o", 2);
        kit.join("small", 1);
        kit.join("big", 5);
        assertEquals("big", kit.join("x", 0).parent());
        assertEquals("big", kit.join("y", 0).parent());
    }

    @Test
    void backupsAreTheNextCandidatesInOrder() {
        kit.origin("o", 3);
        Placed a = kit.join("a", 2);
        assertEquals(List.of(), a.backups());
        Placed b = kit.join("b", 2);
        assertEquals("o", b.parent());
        assertEquals(List.of("a"), b.backups());
        Placed c = kit.join("c", 2);
        assertEquals("o", c.parent());
        assertEquals(List.of("a", "b"), c.backups());
    }

    @Test
    void unreachableNodesStayLeaves() {
        kit.origin("o", 1);
        kit.join("hidden", 4, false, 0);
        assertFalse(kit.join("next", 1).placed());
        assertEquals(2, kit.size());
    }

    @Test
    void leavingRelayMovesOnlyItsDirectChildren() {
        kit.origin("o", 2);
        kit.join("relay", 3);
        kit.join("other", 3);
        kit.join("c1", 1);
        kit.join("c2", 1);
        // o full at hop1, relay and other have 3 spare: c1 -> relay? ties: both 3, relay first in order
        kit.join("g1", 0);
        String parentOfC1 = kit.parentOf("c1");
        List<Moved> moved = kit.leave(parentOfC1);
        Set<String> movedIds = moved.stream().map(Moved::node).collect(Collectors.toSet());
        assertTrue(movedIds.contains("c1"));
        assertEquals(Set.copyOf(movedIds), movedIds);
        kit.assertConsistent();
        for (Moved m : moved) {
            assertTrue(!m.newParent().equals(parentOfC1));
        }
    }

    @Test
    void grandchildrenStayWithTheirParentWhenTheGrandparentLeaves() {
        kit.origin("o", 1);
        kit.join("a", 1);
        kit.join("b", 1);
        kit.join("c", 1);
        List<Moved> moved = kit.leave("a");
        assertEquals(List.of(new Moved("b", "o", 1)), moved);
        assertEquals("b", kit.parentOf("c"));
        assertEquals(2, kit.hopCount("c"));
        kit.assertConsistent();
    }

    @Test
    void orphansWithoutCapacityWaitUntilItAppears() {
        kit.origin("o", 1);
        kit.join("a", 1);
        kit.join("b", 0);
        kit.setCapacity("o", 1);
        kit.leave("o");
        assertEquals(1, kit.waiting());
        kit.assertConsistent();
    }

    @Test
    void failureReportMovesReporterAwayFromTheReportedParentAndCountsIt() {
        kit.origin("o", 2);
        kit.join("p", 2);
        kit.join("q", 2);
        Placed child = kit.join("c", 0);
        String parent = child.parent();
        Placed moved = kit.reportFailure("c", parent, "rtp-timeout");
        assertTrue(moved.placed());
        assertFalse(moved.parent().equals(parent));
        assertEquals(1, kit.tree().node(parent).orElseThrow().failureReports());
        kit.assertConsistent();
    }

    @Test
    void threeReportsDemoteAParent() {
        kit.origin("o", 1);
        kit.join("p", 4);
        kit.join("c1", 0);
        kit.join("c2", 0);
        kit.join("c3", 0);
        kit.reportFailure("c1", "p", "rtp-timeout");
        kit.reportFailure("c2", "p", "rtp-timeout");
        assertFalse(kit.demoted("p"));
        kit.reportFailure("c3", "p", "rtp-timeout");
        assertTrue(kit.demoted("p"));
        assertNull(kit.join("late", 0).parent());
    }

    @Test
    void aDemotedParentTakesChildrenAgainAfterAQuietMinute() {
        kit.origin("o", 1);
        kit.join("p", 4);
        for (int i = 1; i <= 3; i++) {
            kit.join("c" + i, 0);
            kit.reportFailure("c" + i, "p", "rtp-timeout");
        }
        assertTrue(kit.demoted("p"));
        kit.advance(Duration.ofSeconds(59));
        assertEquals(0, kit.forgiveQuietParents(Duration.ofSeconds(60)));
        assertTrue(kit.demoted("p"), "still within the quiet minute");
        kit.advance(Duration.ofSeconds(2));
        assertEquals(1, kit.forgiveQuietParents(Duration.ofSeconds(60)));
        assertFalse(kit.demoted("p"));
        assertEquals(0, kit.tree().node("p").orElseThrow().failureReports());
        assertEquals("p", kit.join("late", 0).parent());
        kit.assertConsistent();
    }

    @Test
    void aFailureReportUnderAWaitingOrphanKeepsTheReporterInItsSubtree() {
        // The relay a leaves while nobody has a slot: b waits with c below it. c (whose stream stopped, as b's
        // did) reports b; with no other parent c stays under b, and moves with b once a slot appears. This threw
        // ("parent b of c is detached") and lost c from the tree.
        kit.origin("o", 1);
        kit.join("a", 1);
        kit.join("b", 1);
        kit.join("c", 0);
        kit.setCapacity("o", 0);
        kit.leave("a");
        assertEquals(1, kit.waiting());
        Placed stay = kit.reportFailure("c", "b", "rtp-timeout");
        assertFalse(stay.placed());
        assertEquals("b", kit.parentOf("c"));
        kit.assertConsistent();
        kit.setCapacity("o", 1);
        List<Moved> moved = kit.placeWaiting();
        assertEquals(List.of(new Moved("b", "o", 1)), moved);
        assertEquals(2, kit.hopCount("c"));
        kit.assertConsistent();
    }
}
