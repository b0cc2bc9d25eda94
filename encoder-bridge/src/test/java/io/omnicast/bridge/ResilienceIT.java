package io.omnicast.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acceptance: a looping file keeps its timestamps increasing; a server restart is survived. */
class ResilienceIT {
    @TempDir
    Path dir;

    @Test
    void loopingFileRunsThreeLoopsWithMonotonicTimestamps() throws Exception {
        Path clip = dir.resolve("two-seconds.mp4");
        Ffmpeg.makeClip(clip, 2, "libx264", "aac");
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            live.startBridge(live.config("file:" + clip, "loop").loop(true).build());
            assertTrue(LiveFixture.await(() -> live.isLive("loop"), Duration.ofSeconds(15)), "channel goes live");
            // framecrc lists every video packet the player got: stream, dts, pts, ... in the 90 kHz RTP clock.
            String crc = live.capture(List.of("/usr/bin/ffmpeg", "-hide_banner", "-nostdin", "-rtsp_transport", "tcp",
                    "-i", live.url("loop"), "-t", "7", "-map", "0:v", "-c", "copy", "-f", "framecrc", "-"), 40);
            List<Long> pts = new ArrayList<>();
            for (String line : crc.split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    pts.add(Long.parseLong(line.split(",")[2].trim()));
                }
            }
            assertTrue(pts.size() >= 180, "about 7 s of 30 fps video (got " + pts.size() + " frames)");
            for (int i = 1; i < pts.size(); i++) {
                long step = pts.get(i) - pts.get(i - 1);
                assertTrue(step > 0 && step <= 9000, "pts step " + step + " at frame " + i
                        + ": monotonic, no jump at a loop");
            }
            long span = pts.get(pts.size() - 1) - pts.get(0);
            assertTrue(span >= 6 * 90_000, "the recording spans three loops of 2 s (" + span / 90 + " ms)");
        }
    }

    @Test
    void serverRestartIsSurvivedAndPlayersCanReconnect() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            Bridge bridge = live.startBridge(live.config("testsrc:320x240@30", "restart").build());
            assertTrue(LiveFixture.await(() -> live.isLive("restart"), Duration.ofSeconds(15)), "channel goes live");
            assertTrue(live.play(live.url("restart"), 1).frames() > 10, "plays before the restart");
            live.stopServer();
            Thread.sleep(2000);
            live.startServer();
            long back = System.nanoTime();
            assertTrue(LiveFixture.await(() -> live.isLive("restart"), Duration.ofSeconds(10)), "publishes again");
            long millis = (System.nanoTime() - back) / 1_000_000;
            assertTrue(millis <= 3000, "published again " + millis + " ms after the server returned");
            LiveFixture.Played played = live.play(live.url("restart"), 2);
            assertTrue(played.frames() >= 30, "a player reconnects and decodes " + played.frames() + " frames\n"
                    + played.log());
            assertEquals(2, bridge.publisher().sessions(), "one new session after the restart");
        }
    }
}
