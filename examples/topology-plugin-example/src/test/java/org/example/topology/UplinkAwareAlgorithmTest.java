package org.example.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.omnicast.proxy.topology.testkit.TopologyTestKit;
import io.omnicast.proxy.topology.testkit.TopologyTestKit.Placed;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class UplinkAwareAlgorithmTest {
    private final TopologyTestKit kit = TopologyTestKit.of(new UplinkAwareAlgorithm());

    @Test
    void prefersTheParentWithMostUplinkAtTheShallowestLevel() {
        kit.origin("origin", 2);
        kit.join("slow", 4, true, 2_000);
        kit.join("fast", 4, true, 50_000);
        Placed child = kit.join("child", 0, true, 0);
        assertEquals("fast", child.parent());
        assertEquals(2, child.hopCount());
        kit.assertConsistent();
    }

    @Test
    void staysShallowBeforeChasingUplink() {
        kit.origin("origin", 1);
        kit.join("a", 1, true, 1_000);
        kit.join("b", 1, true, 1_000_000);
        assertEquals("a", kit.parentOf("b"));
        assertEquals(2, kit.hopCount("b"));
    }

    @Test
    void childrenMoveWhenTheirParentLeaves() {
        kit.origin("origin", 2);
        kit.join("relay", 3, true, 100_000);
        kit.join("other", 3, true, 5_000);
        kit.join("c1", 0, true, 0);
        kit.join("c2", 0, true, 0);
        assertEquals(java.util.List.of("c1", "c2"), kit.childrenOf("relay"));
        assertEquals(2, kit.leave("relay").size());
        assertEquals("origin", kit.parentOf("c1")); // the freed slot at hop 0 comes first
        assertEquals("other", kit.parentOf("c2"));
        kit.assertConsistent();
    }

    @Test
    void isRegisteredForServiceLoader() {
        boolean found = ServiceLoader.load(io.omnicast.proxy.topology.spi.TopologyAlgorithm.class).stream()
                .anyMatch(p -> p.type() == UplinkAwareAlgorithm.class);
        assertEquals(true, found);
    }
}
