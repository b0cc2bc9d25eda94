package io.omnicast.bench.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.proxy.topology.builtin.HopCountAlgorithm;
import io.omnicast.proxy.topology.builtin.LongevityAlgorithm;
import io.omnicast.proxy.topology.builtin.RandomAlgorithm;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelSimulationTest {
    private static SimConfig config(Map<String, String> settings) {
        return SimConfig.of(Map.of("peers", "3000", "rate", "20", "sample-interval-s", "10"), settings);
    }

    private static SimResult run(SimConfig config, TopologyAlgorithm algorithm) {
        return new ChannelSimulation(config, algorithm, null, null).run(null);
    }

    @Test
    void sameSeedGivesIdenticalResults() {
        SimConfig config = config(Map.of("seed", "42"));
        for (TopologyAlgorithm algorithm : new TopologyAlgorithm[] {new HopCountAlgorithm(), new RandomAlgorithm(),
            new LongevityAlgorithm()}) {
            assertEquals(run(config, algorithm).fingerprint(), run(config, algorithm).fingerprint(), algorithm.id());
        }
    }

    @Test
    void anotherSeedGivesAnotherRun() {
        assertNotEquals(run(config(Map.of("seed", "1")), new HopCountAlgorithm()).fingerprint(),
                run(config(Map.of("seed", "2")), new HopCountAlgorithm()).fingerprint());
    }

    @Test
    void everyPluginSeesTheSameWorkload() {
        SimConfig config = config(Map.of());
        SimResult hop = run(config, new HopCountAlgorithm());
        SimResult random = run(config, new RandomAlgorithm());
        assertEquals(3000, hop.sessions());
        assertEquals(hop.sessions(), random.sessions());
        // session ends are part of the workload: with enough capacity everyone is placed and departs once
        assertEquals(0, hop.joinsRefused());
        assertEquals(0, random.joinsRefused());
        assertEquals(3000, hop.departures());
        assertEquals(3000, random.departures());
        assertEquals(hop.sessionsStarted(), hop.startupMs().size());
    }

    @Test
    void everySessionIsAccountedForAndEveryInterruptionEnds() {
        SimResult r = run(config(Map.of("abrupt-share", "0.5")), new HopCountAlgorithm());
        assertEquals(r.sessions(), r.departures() + 0, "every placed session departs through the proxy");
        assertTrue(r.sessionsStarted() <= r.sessions());
        assertTrue(r.sessionsStarted() >= r.sessions() * 0.99, "almost every viewer gets the stream");
        assertTrue(r.recoveryMs().size() > 0, "relays left, so somebody was interrupted");
        assertTrue(r.recoveryMs().min() > 0, "a recovery takes time");
    }

    @Test
    void hopCountBuildsShallowerTreesThanRandomAndDisruptsFewerPeers() {
        SimConfig config = config(Map.of("peers", "5000"));
        SimResult hop = run(config, new HopCountAlgorithm());
        SimResult random = run(config, new RandomAlgorithm());
        assertTrue(hop.meanDepth() < random.meanDepth(), hop.meanDepth() + " vs " + random.meanDepth());
        assertTrue(hop.disruptedPerDeparture().mean() < random.disruptedPerDeparture().mean());
    }

    @Test
    void unreachablePeersStayLeaves() {
        // nobody can relay: only the origin's 5 slots exist, so the tree is one level deep and joins are refused
        SimResult r = run(config(Map.of("nat-share", "1", "origin-uplink-kbps", "2500", "peers", "500")),
                new HopCountAlgorithm());
        assertEquals(1, r.maxDepth());
        assertTrue(r.joinsRefused() > 0);
        assertEquals(0, r.disruptedPerDeparture().max());
    }

    @Test
    void abruptDeathsTakeTheDetectionDelayToRecover() {
        SimResult graceful = run(config(Map.of("abrupt-share", "0")), new HopCountAlgorithm());
        SimResult abrupt = run(config(Map.of("abrupt-share", "1", "detection-delay-ms", "1500")),
                new HopCountAlgorithm());
        assertTrue(graceful.recoveryMs().quantile(0.5) < 1500, "graceful: " + graceful.recoveryMs().quantile(0.5));
        assertTrue(abrupt.recoveryMs().min() >= 1500, "abrupt: " + abrupt.recoveryMs().min());
    }

    @Test
    void startupDelayFollowsTheDelayModel() {
        // no link delay, no processing: only the keyframe's transfer remains, 80 kbit at the slower of the child's
        // downlink (Wibro's 354 kbit/s is the slowest) and the parent's per-child share of its uplink (the
        // hospital LAN's 79,700 / 166 = 480 kbit/s is the largest: the 1.05 x 1.25 rule keeps every share near 478)
        SimResult r = run(config(Map.of("link-delay-ms", "0", "server-delay-ms", "0", "placement-ms", "0",
                "abrupt-share", "0")), new HopCountAlgorithm());
        assertTrue(r.startupMs().min() >= 80.0 / 480 * 1000 - 1e-6, "min " + r.startupMs().min());
        assertTrue(r.startupMs().quantile(0.9) <= 80.0 / 354 * 1000 + 1e-6, "p90 " + r.startupMs().quantile(0.9));
        SimResult slow = run(config(Map.of("link-delay-ms", "50", "server-delay-ms", "0", "placement-ms", "0",
                "keyframe-kbit", "0")), new HopCountAlgorithm());
        // a join: USCP round trip (2 x 50) + 3 RTSP round trips and a one-way trip to a peer (7 x 100) or the
        // origin (7 x 50)
        assertTrue(slow.startupMs().min() >= 100 + 7 * 50 - 1e-6, "min " + slow.startupMs().min());
        assertTrue(slow.startupMs().quantile(0.5) >= 100 + 7 * 100 - 1e-6, "p50 " + slow.startupMs().quantile(0.5));
    }
}
