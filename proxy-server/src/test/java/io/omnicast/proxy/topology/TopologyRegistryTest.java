package io.omnicast.proxy.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.proxy.topology.builtin.HopCountAlgorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyRegistryTest {
    @Test
    void findsTheBuiltInPluginsOnTheClasspath() {
        TopologyRegistry registry = TopologyRegistry.load(getClass().getClassLoader(), null);
        assertTrue(registry.plugins().keySet().containsAll(Set.of("hop-count", "random", "longevity")));
        assertTrue(registry.require("hop-count") instanceof HopCountAlgorithm);
    }

    @Test
    void unknownIdNamesTheAvailableOnes() {
        TopologyRegistry registry = TopologyRegistry.load(getClass().getClassLoader(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.require("nope"));
        assertTrue(e.getMessage().contains("no topology plugin with id 'nope'"), e.getMessage());
        assertTrue(e.getMessage().contains("hop-count"), e.getMessage());
    }

    @Test
    void aJarDuplicatingABuiltInIdFailsClearly(@TempDir Path dir) throws Exception {
        PluginJars.write(dir.resolve("dup.jar"), DuplicateIdPlugin.class);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TopologyRegistry.load(getClass().getClassLoader(), dir));
        assertTrue(e.getMessage().startsWith("duplicate topology plugin id 'hop-count'"), e.getMessage());
        assertTrue(e.getMessage().contains("dup.jar"), e.getMessage());
    }

    @Test
    void missingPluginDirectoryFailsClearly(@TempDir Path dir) {
        Path missing = dir.resolve("missing");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopologyRegistry.load(getClass().getClassLoader(), missing));
        assertEquals("plugin directory " + missing + " does not exist or is not a directory", e.getMessage());
        assertTrue(Files.notExists(missing));
    }
}
