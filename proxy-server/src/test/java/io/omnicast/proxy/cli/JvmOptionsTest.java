package io.omnicast.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The JVM options file that ./omnicast proxy and the proxy-load bench start the proxy with. */
class JvmOptionsTest {
    @Test
    void jvmOptionsFileHoldsOnlyOptionsAndBoundsTheHeap() {
        List<String> options = ProxyCommand.jvmOptions();
        assertFalse(options.isEmpty());
        for (String option : options) {
            assertTrue(option.startsWith("-") && !option.contains(" "), "not one JVM option: '" + option + "'");
        }
        assertTrue(options.stream().anyMatch(o -> o.startsWith("-Xmx")), "the proxy's heap must be bounded: "
                + options);
    }
}
