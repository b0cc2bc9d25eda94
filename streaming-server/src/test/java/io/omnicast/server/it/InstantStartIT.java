package io.omnicast.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.server.testing.Processes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: a reader joining mid-GOP (GOP 2 s) gets its first decoded frame in well under one GOP. Measured as
 * the wall time of {@code ffmpeg -probesize 32 -analyzeduration 0 -fpsprobesize 0 -i URL -frames:v 1 -f null -},
 * process start included, over 20 joins at random points of the GOP.
 */
class InstantStartIT {
    private static final int JOINS = 20;

    @Test
    void firstFrameDecodesWellWithinOneGop() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            Processes.Run publisher = live.publish("instant", "tcp", 60, LiveFixture.SMALL_TEST_PATTERN);
            live.awaitLive("instant", 150, publisher);
            Random random = new Random(42);
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < JOINS; i++) {
                Thread.sleep(random.nextInt(700)); // join anywhere in the GOP
                String transport = i % 2 == 0 ? "tcp" : "udp";
                Processes.Run join = live.processes.run(LiveFixture.seconds(20), "ffmpeg", "-hide_banner", "-nostdin",
                        "-loglevel", "error", "-stats", "-rtsp_transport", transport, "-probesize", "32", "-analyzeduration",
                        "0", "-fpsprobesize", "0", "-i", live.url("instant"), "-frames:v", "1", "-f", "null", "-");
                long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - join.startNanos());
                assertEquals(0, join.process().exitValue(), join.stderrText());
                assertEquals(1, join.frames(), "one frame decoded: " + join.stderrText());
                millis.add(elapsed);
            }
            Collections.sort(millis);
            long p50 = millis.get(JOINS / 2 - 1);
            long p95 = millis.get((int) Math.ceil(0.95 * JOINS) - 1);
            System.out.printf("instant start: time to first decoded frame over %d joins (ffmpeg start included): "
                    + "p50 %d ms, p95 %d ms, max %d ms; in the server, PLAY to first keyframe packet out: p95 %.2f ms%n", JOINS, p50, p95,
                    millis.get(JOINS - 1), live.server.firstPacketLatency().percentileNanos(95) / 1e6);
            assertTrue(p95 < 1500, "p95 time to first frame " + p95 + " ms is not well under the 2 s GOP");
        }
    }
}
