package io.omnicast.peer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JVM options file that ./omnicast peer, the benches and the tests start peer processes with. */
class PeerJvmOptionsTest {
    @Test
    void optionsFileHoldsOnlyOptionsAndLeavesTheHeapToTheCaller() {
        List<String> options = PeerCommand.jvmOptions();
        assertFalse(options.isEmpty());
        for (String option : options) {
            assertTrue(option.startsWith("-") && !option.contains(" "), "not one JVM option: '" + option + "'");
            assertFalse(option.startsWith("-Xmx"), "the heap is the caller's choice (headless 128m, window more): "
                    + option);
        }
    }

    @Test
    void thisJvmAcceptsTheOptions() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(PeerCommand.jvmOptions());
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(java.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, java.exitValue(), "java " + PeerCommand.jvmOptions() + " -version said: " + output);
    }
}
