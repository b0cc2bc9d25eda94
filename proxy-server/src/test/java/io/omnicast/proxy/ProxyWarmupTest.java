package io.omnicast.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.proxy.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up warm-up drives a private proxy with whole rounds of real USCP traffic over loopback and leaves no
 * trace: not in the real proxy's directory, not in the temporary directory.
 */
class ProxyWarmupTest {
    @Test
    void roundsPlaceNineNodesAndPushEightOrphansEachWithoutTouchingTheRealDirectory(@TempDir Path dir)
            throws Exception {
        Path real = dir.resolve("real").resolve("proxy");
        List<Path> before = warmupDirs();
        ProxyConfig config = ProxyConfig.builder().dbPath(real).uscpPort(0).httpPort(0).bindAddress("127.0.0.1")
                .warmupRounds(3).build();

        ProxyWarmup.Result result = ProxyWarmup.run(config);

        assertEquals(3, result.rounds(), "rounds completed");
        assertEquals(3 * 9, result.logins(), "a relay and 8 children placed per round");
        assertEquals(3 * 8, result.pushes(), "8 orphans re-parented per round");
        assertFalse(Files.exists(real.getParent()), "the warm-up touched the real directory's location");
        assertEquals(before, warmupDirs(), "the warm-up's temporary directory was not deleted");
    }

    @Test
    void theProxyServesAfterItsWarmUp(@TempDir Path dir) throws Exception {
        ProxyConfig config = ProxyConfig.builder().dbPath(dir.resolve("proxy")).uscpPort(0).httpPort(0)
                .bindAddress("127.0.0.1").warmupRounds(1).build();
        try (ProxyServer proxy = ProxyServer.start(config)) {
            assertTrue(proxy.uscpAddress().getPort() > 0);
            // the real directory holds no warm-up account and no event
            assertTrue(proxy.directory().findAccount("warm-up-viewer").isEmpty(), "a warm-up account leaked");
            assertTrue(proxy.directory().findAccount("warm-up-origin").isEmpty(), "a warm-up account leaked");
            assertEquals(0, proxy.directory().eventCount(), "warm-up events leaked into the real directory");
        }
    }

    private static List<Path> warmupDirs() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("omnicast-proxy-warmup")).sorted().toList();
        }
    }
}
