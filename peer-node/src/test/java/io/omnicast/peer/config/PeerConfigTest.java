package io.omnicast.peer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeerConfigTest {
    private static PeerConfig.Builder valid() {
        return PeerConfig.builder().user("alice").password("secret-pass").channel("demo");
    }

    @Test
    void startsFromTheDefaultsFile() {
        PeerConfig config = valid().build();
        assertEquals("127.0.0.1", config.proxyHost());
        assertEquals(7070, config.proxyPort());
        assertEquals(Duration.ofMillis(500), config.playoutDelay());
        assertEquals(TransportMode.UDP, config.transport());
        assertTrue(config.maxChildren().isEmpty());
        assertTrue(config.uplinkKbps().isEmpty());
        assertEquals(PeerConfig.PlayerMode.HEADLESS, config.playerMode());
    }

    @Test
    void parsesUplinkRates() {
        assertEquals(20_000, PeerConfig.Builder.parseRateKbps("20mbit"));
        assertEquals(20_000, PeerConfig.Builder.parseRateKbps("20Mbit/s"));
        assertEquals(800, PeerConfig.Builder.parseRateKbps("800kbit"));
        assertEquals(1_500, PeerConfig.Builder.parseRateKbps("1.5mbit"));
        assertEquals(1_000_000, PeerConfig.Builder.parseRateKbps("1gbit"));
        assertEquals(300, PeerConfig.Builder.parseRateKbps("300"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeerConfig.Builder.parseRateKbps("fast"));
        assertTrue(e.getMessage().contains("'fast'"));
    }

    @Test
    void parsesProxyAddresses() {
        PeerConfig config = valid().proxy("[::1]:9000").build();
        assertEquals("::1", config.proxyHost());
        assertEquals(9000, config.proxyPort());
        assertThrows(IllegalArgumentException.class, () -> valid().proxy("nohost"));
    }

    @Test
    void rejectsBadValuesNamingFieldValueAndLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> valid().maxChildren(2000).build());
        assertTrue(e.getMessage().startsWith("maxChildren must be between -1 and 1024"), e.getMessage());
        assertTrue(e.getMessage().contains("(was 2000)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> valid().playoutDelay(Duration.ofMillis(10)).build());
        assertEquals("playoutDelay must be between 50 ms and 10000 ms (was 10 ms)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> valid().channel("bad channel").build());
        assertTrue(e.getMessage().contains("'bad channel'"));
        assertThrows(IllegalArgumentException.class, () -> valid().relayPort(70000).build());
        assertThrows(IllegalArgumentException.class, () -> valid().user("x").build());
    }

    @Test
    void roundTripsThroughToBuilder() {
        PeerConfig config = valid().bind("127.0.0.5").relayPort(9554).maxChildren(3).uplink("5mbit")
                .transport(TransportMode.TCP).build();
        PeerConfig copy = config.toBuilder().build();
        assertEquals(config.toString(), copy.toString());
        assertEquals("127.0.0.5", copy.bindAddress().getHostAddress());
    }
}
