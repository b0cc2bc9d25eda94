package io.omnicast.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.server.testing.Processes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Acceptance: 20 simultaneous ffmpeg readers (half UDP, half TCP) for 10 s all decode at about 30 fps. */
class ManyReadersIT {
    private static final int READERS = 20;
    private static final int SECONDS = 10;

    @Test
    void twentyReadersAllDecodeAtThirtyFramesPerSecond() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            Processes.Run publisher = live.publish("many", "udp", 40, LiveFixture.SMALL_TEST_PATTERN);
            live.awaitLive("many", 150, publisher);
            List<Processes.Run> readers = new ArrayList<>();
            for (int i = 0; i < READERS; i++) {
                readers.add(live.read("many", i % 2 == 0 ? "udp" : "tcp", SECONDS));
            }
            List<Integer> frames = new ArrayList<>();
            for (Processes.Run r : readers) {
                assertEquals(0, r.await(LiveFixture.seconds(40)), r.command() + ": " + r.stderrText());
                frames.add(r.frames());
            }
            System.out.printf("%d readers, frames decoded in %d s of stream: %s%n", READERS, SECONDS, frames);
            for (int i = 0; i < READERS; i++) {
                Processes.Run r = readers.get(i);
                assertTrue(frames.get(i) >= 29 * SECONDS, r.command() + " decoded " + frames.get(i) + " frames");
                assertEquals(List.of(), LiveFixture.errors(r), r.command() + ": decode errors");
            }
        }
    }
}
