package io.omnicast.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
            // The RTP timestamps a player gets, read with media-transport's client: one per video packet.
            List<Long> timestamps = java.util.Collections.synchronizedList(new ArrayList<>());
            io.netty.channel.nio.NioEventLoopGroup group = new io.netty.channel.nio.NioEventLoopGroup(1);
            try {
                io.omnicast.media.rtsp.RtspClient client = io.omnicast.media.rtsp.RtspClient.connect(live.url("loop"),
                        io.omnicast.media.rtsp.RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS);
                client.mediaListener((track, packet) -> {
                    if (track == 0) {
                        timestamps.add(packet.getUnsignedInt(packet.readerIndex() + 4));
                    }
                });
                client.describe().get(5, TimeUnit.SECONDS);
                client.setupTcp(io.omnicast.media.rtsp.RtspClient.resolveControl(live.url("loop"), "trackID=0"), 0,
                        false).get(5, TimeUnit.SECONDS);
                client.play().get(5, TimeUnit.SECONDS);
                Thread.sleep(7000);
                client.close();
            } finally {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
            List<Long> pts = new ArrayList<>();
            synchronized (timestamps) {
                for (long ts : timestamps) {
                    if (pts.isEmpty() || ts != pts.get(pts.size() - 1)) {
                        pts.add(ts); // packets of one access unit share a timestamp
                    }
                }
            }
            assertTrue(pts.size() >= 180, "about 7 s of 30 fps video (got " + pts.size() + " frames)");
            for (int i = 1; i < pts.size(); i++) {
                long step = (pts.get(i) - pts.get(i - 1)) & 0xFFFF_FFFFL;
                assertTrue(step > 0 && step <= 9000, "RTP timestamp step " + step + " at frame " + i
                        + ": monotonic, no jump at a loop");
            }
            long span = (pts.get(pts.size() - 1) - pts.get(0)) & 0xFFFF_FFFFL;
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

    @Test
    void stalledNetworkInputIsReopenedAndTheStreamContinues() throws Exception {
        Path clip = dir.resolve("stall.mp4");
        Ffmpeg.makeClip(clip, 2, "libx264", "aac");
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            int port = LiveFixture.freeUdpPort();
            String[] sender = {"-re", "-stream_loop", "-1", "-i", clip.toString(), "-c", "copy", "-bsf:v",
                "h264_mp4toannexb", "-f", "mpegts", "udp://127.0.0.1:" + port + "?pkt_size=1316"};
            Bridge bridge = live.startBridge(live.config("udp://127.0.0.1:" + port, "stall")
                    .stallTimeout(Duration.ofSeconds(1)).build());
            Process first = live.ffmpeg(sender);
            assertTrue(LiveFixture.await(() -> live.isLive("stall"), Duration.ofSeconds(20)), "channel goes live");
            first.destroyForcibly().waitFor();
            assertTrue(LiveFixture.await(() -> bridge.status().inputState().equals("reconnecting")
                    || bridge.status().inputState().equals("opening"), Duration.ofSeconds(10)), "the stall is noticed");
            live.ffmpeg(sender);
            assertTrue(LiveFixture.await(() -> bridge.status().inputState().equals("live"), Duration.ofSeconds(20)),
                    "the input is reopened");
            LiveFixture.Played played = live.play(live.url("stall"), 2);
            assertTrue(played.frames() >= 30, "plays after the stall: " + played.frames() + " frames\n" + played.log());
        }
    }

    @Test
    void fileWithoutLoopEndsCleanly() throws Exception {
        Path clip = dir.resolve("one-second.mp4");
        Ffmpeg.makeClip(clip, 1, "libx264", "aac");
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            Bridge bridge = live.startBridge(live.config("file:" + clip, "once").build());
            assertEquals(Bridge.EXIT_OK, live.awaitBridgeExit(Duration.ofSeconds(30)));
            assertEquals("ended", bridge.status().inputState());
        }
    }
}
