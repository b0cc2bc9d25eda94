package io.omnicast.proxy.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.proxy.topology.builtin.HopCountAlgorithm;
import io.omnicast.proxy.topology.builtin.LongevityAlgorithm;
import io.omnicast.proxy.topology.builtin.RandomAlgorithm;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import io.omnicast.proxy.topology.testkit.TopologyTestKit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomAndLongevityAlgorithmTest {
    private static List<Integer> hops(TopologyAlgorithm algorithm, long seed) {
        TopologyTestKit kit = TopologyTestKit.of(algorithm, "demo", seed, 2);
        kit.origin("o", 2);
        List<Integer> hops = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            hops.add(kit.join("n" + i, 2).hopCount());
        }
        kit.assertConsistent();
        return hops;
    }

    @Test
    void randomIsRepeatableForASeedAndDiffersFromHopCount() {
        assertEquals(hops(new RandomAlgorithm(), 7), hops(new RandomAlgorithm(), 7));
        assertNotEquals(hops(new RandomAlgorithm(), 7), hops(new RandomAlgorithm(), 8));
        assertNotEquals(hops(new HopCountAlgorithm(), 7), hops(new RandomAlgorithm(), 7));
        int deepestRandom = hops(new RandomAlgorithm(), 7).stream().mapToInt(Integer::intValue).max().orElseThrow();
        int deepestHop = hops(new HopCountAlgorithm(), 7).stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(deepestRandom > deepestHop, "random " + deepestRandom + " vs hop-count " + deepestHop);
    }

    @Test
    void longevityPrefersTheLongLivedParentAtTheSameHop() {
        TopologyTestKit kit = TopologyTestKit.of(new LongevityAlgorithm());
        kit.origin("o", 2);
        kit.join("veteran", 4);
        kit.advance(Duration.ofMinutes(5));
        kit.join("newcomer", 4);
        assertEquals("veteran", kit.join("x", 0).parent());
    }

    @Test
    void longevityStaysShallowLikeHopCount() {
        TopologyTestKit kit = TopologyTestKit.of(new LongevityAlgorithm());
        kit.origin("o", 1);
        for (int i = 1; i <= 5; i++) {
            assertEquals(i, kit.join("n" + i, 1).hopCount());
        }
    }

    @Test
    void longevityAvoidsReportedParentsAndPlacesBigSubtreesFirst() {
        TopologyTestKit kit = TopologyTestKit.of(new LongevityAlgorithm());
        kit.origin("o", 1);
        kit.join("relay", 3);
        kit.join("small", 2);
        kit.join("big", 2);
        kit.join("leafA", 0);
        kit.join("leafB", 0);
        kit.join("leafC", 0);
        String bigParentBefore = kit.parentOf("big");
        assertEquals("relay", bigParentBefore);
        List<TopologyTestKit.Moved> moved = kit.leave("relay");
        assertEquals("o", moved.get(0).newParent());
        kit.assertConsistent();
    }

    @Test
    void longevityDemotesAfterTwoReports() {
        TopologyTestKit kit = TopologyTestKit.of(new LongevityAlgorithm());
        kit.origin("o", 1);
        kit.join("p", 3);
        kit.join("c1", 0);
        kit.join("c2", 0);
        kit.reportFailure("c1", "p", "too-slow");
        kit.reportFailure("c2", "p", "too-slow");
        assertTrue(kit.demoted("p"));
    }
}
