package io.omnicast.proxy.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.proxy.ProxyServer;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.proxy.it.plugin.DeepestFirstPlugin;
import io.omnicast.proxy.topology.DuplicateIdPlugin;
import io.omnicast.proxy.topology.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing plugins: by id, from a plugin directory, and refusing duplicate ids at start-up. */
class PluginIT {
    @TempDir
    Path dir;

    private static List<Integer> hops(ProxyFixture fixture, String channel) throws Exception {
        fixture.origin("origin-" + channel, channel, 2);
        List<Integer> hops = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            hops.add(fixture.peer(channel + "-p" + i, channel, 2, true).joined().getHopCount());
        }
        TreeJson.assertConsistent(TreeJson.parse(fixture.get("/api/channels/" + channel + "/tree")));
        return hops;
    }

    @Test
    void randomTopologyPlacesDifferentlyFromHopCount() throws Exception {
        List<Integer> hopCount;
        try (ProxyFixture fixture = new ProxyFixture(dir.resolve("a"), "hop-count")) {
            hopCount = hops(fixture, "hc");
        }
        List<Integer> random;
        try (ProxyFixture fixture = new ProxyFixture(dir.resolve("b"), "random")) {
            random = hops(fixture, "rnd");
            assertTrue(fixture.get("/api/channels").contains("\"algorithm\":\"random\""));
        }
        assertEquals(List.of(1, 1, 2, 2, 2, 2, 3, 3, 3, 3), hopCount);
        assertNotEquals(hopCount, random);
    }

    @Test
    void aPluginJarDroppedIntoThePluginDirectoryIsFoundAndUsed() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.write(plugins.resolve("deepest-first.jar"), DeepestFirstPlugin.class);
        ProxyConfig.Builder config = ProxyConfig.builder().dbPath(dir.resolve("p")).topology("deepest-first")
                .pluginDir(plugins);
        try (ProxyFixture fixture = new ProxyFixture(config)) {
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), hops(fixture, "deep"));
            assertTrue(fixture.proxy().services().algorithm().getClass().getClassLoader() != getClass().getClassLoader(),
                    "the plugin class came from the jar, not the test classpath");
        }
    }

    @Test
    void aDuplicatePluginIdFailsStartUpWithAClearMessage() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("dup"));
        PluginJars.write(plugins.resolve("imposter.jar"), DuplicateIdPlugin.class);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ProxyServer.start(ProxyConfig
                .builder().dbPath(dir.resolve("d")).pluginDir(plugins).uscpPort(0).httpPort(0).bindAddress("127.0.0.1")
                .build()));
        assertTrue(e.getMessage().startsWith("duplicate topology plugin id 'hop-count'"), e.getMessage());
        assertTrue(e.getMessage().contains("imposter.jar"), e.getMessage());
        String cli = ProxyProcess.run(dir.resolve("dup.log"), "--db", dir.resolve("d2").toString(), "--port", "0",
                "--http-port", "0", "--plugin-dir", plugins.toString());
        assertTrue(cli.startsWith("1 "), cli);
        assertTrue(cli.contains("omnicast proxy: cannot start: duplicate topology plugin id 'hop-count'"), cli);
    }
}
