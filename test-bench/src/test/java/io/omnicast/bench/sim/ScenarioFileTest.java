package io.omnicast.bench.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioFileTest {
    @Test
    void readsKeyValueLinesAndSkipsComments() {
        Map<String, String> settings = ScenarioFile.parse("s", """
                # a comment
                topology = hop-count,random

                  peers=500
                session-params = shape=0.5,scale-s=300
                """);
        assertEquals(Map.of("topology", "hop-count,random", "peers", "500", "session-params", "shape=0.5,scale-s=300"),
                settings);
        SimConfig config = SimConfig.of(settings);
        assertEquals(List.of("hop-count", "random"), config.topologies());
        assertEquals(new SessionLengths.Weibull(0.5, 300), config.sessions());
    }

    @Test
    void refusesUnknownAndRepeatedKeysWithTheirLine() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ScenarioFile.parse("exp.scenario", "peers = 1\npeer = 2\n"));
        assertTrue(unknown.getMessage().startsWith("exp.scenario line 2: unknown key 'peer'"), unknown.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> ScenarioFile.parse("exp.scenario", "seed = 1\nseed = 2\n"));
        assertTrue(twice.getMessage().contains("line 2: key 'seed' is set twice"), twice.getMessage());
    }

    @Test
    void badValuesFailNamingKeyValueAndLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SimConfig.of(Map.of("nat-share", "1.5")));
        assertEquals("nat-share must be between 0 and 1 (was 1.5)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.of(Map.of("link-delay-ms", "50:5")));
        assertTrue(e.getMessage().startsWith("link-delay-ms must satisfy 0 <= MIN <= MAX"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SimConfig.of(Map.of("arrival", "burst")));
        assertEquals("arrival must be poisson or flash (was 'burst')", e.getMessage());
    }

    @Test
    void effectiveSettingsRoundTripThroughAScenarioFile(@TempDir Path dir) throws IOException {
        SimConfig config = SimConfig.of(Map.of("peers", "1234", "arrival", "flash", "seed", "99"));
        Path file = dir.resolve("again.scenario");
        Files.writeString(file, config.toScenarioText());
        assertEquals(config.settings(), SimConfig.of(ScenarioFile.read(file)).settings());
    }

    @Test
    void mixFileIsResolvedNextToTheScenario(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("lab.mix"), "lan = 1 100000 100000\n");
        Path scenario = dir.resolve("lab.scenario");
        Files.writeString(scenario, "capacity-mix = lab.mix\n");
        SimConfig config = SimConfig.of(ScenarioFile.read(scenario));
        assertEquals("lan", config.capacityMix().get(0).name());
    }

    @Test
    void shippedScenarioFilesAreValid() throws IOException {
        Path scenarios = Path.of("scenarios");
        int count = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(scenarios, "*.scenario")) {
            for (Path file : files) {
                SimConfig config = SimConfig.of(ScenarioFile.read(file));
                assertTrue(config.peers() > 0, file.toString());
                count++;
            }
        }
        assertTrue(count >= 2, "at least two example scenarios ship in " + scenarios.toAbsolutePath());
    }
}
