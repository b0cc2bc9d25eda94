package io.omnicast.peer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.config.TransportMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PeerCommandTest {
    @Test
    void mapsEveryOptionOntoTheConfig() {
        PeerCommand command = new PeerCommand();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--proxy", "127.0.0.1:7777",
                "--user", "alice", "--password", "pw-123", "--channel", "demo", "--subscribe", "--bind", "127.0.0.3",
                "--relay-port", "9554", "--max-children", "2", "--uplink", "20mbit", "--window", "--stats-port",
                "8099", "--transport", "tcp", "--playout-delay-ms", "300");
        PeerConfig config = command.config();
        assertEquals(7777, config.proxyPort());
        assertEquals("127.0.0.3", config.bindAddress().getHostAddress());
        assertEquals(9554, config.relayPort());
        assertEquals(2, config.maxChildren().getAsInt());
        assertEquals(20_000, config.uplinkKbps().getAsLong());
        assertEquals(PeerConfig.PlayerMode.WINDOW, config.playerMode());
        assertEquals(8099, config.statsPort());
        assertEquals(TransportMode.TCP, config.transport());
        assertEquals(Duration.ofMillis(300), config.playoutDelay());
    }

    @Test
    void refusesWindowAndHeadlessTogether() {
        CommandLine line = new CommandLine(new PeerCommand());
        int code = line.execute("--user", "alice", "--password", "pw", "--channel", "demo", "--window",
                "--headless");
        assertEquals(2, code);
    }
}
