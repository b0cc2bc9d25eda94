package io.omnicast.proxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ProxyConfigTest {
    @Test
    void defaultsFileBuildsTheDocumentedDefaults() {
        ProxyConfig config = ProxyConfig.fromProperties(new Properties()).build();
        assertEquals(7070, config.uscpPort());
        assertEquals(8080, config.httpPort());
        assertEquals("hop-count", config.topology());
        assertEquals(Duration.ofSeconds(3), config.livenessTimeout());
        assertEquals(210_000, config.pbkdf2Iterations());
    }

    @Test
    void badValuesNameFieldValueLimitAndUnit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxyConfig.builder().beatInterval(Duration.ofMillis(50)).build());
        assertEquals("beatInterval must be between 100 ms and 60000 ms (was 50 ms)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ProxyConfig.builder().uscpPort(70000).build());
        assertEquals("uscpPort must be between 0 and 65535 (was 70000)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ProxyConfig.builder().placementBackups(3).build());
        assertEquals("placementBackups must be between 0 and 2 (was 3)", e.getMessage());
    }

    @Test
    void unknownKeysAreRefused() {
        Properties p = new Properties();
        p.setProperty("uscp.prot", "1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProxyConfig.fromProperties(p));
        assertTrue(e.getMessage().startsWith("unknown configuration key 'uscp.prot'"), e.getMessage());
    }
}
