package io.omnicast.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.bridge.publish.PublishState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Acceptance: testsrc -> bridge -> streaming server -> ffmpeg decodes at 30 fps, with the tone. */
class TestPatternPublishIT {
    @Test
    void testPatternPlaysAtThirtyFramesPerSecondWithAudio() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            Bridge bridge = live.startBridge(live.config("testsrc:320x240@30", "pattern").build());
            assertTrue(LiveFixture.await(() -> live.isLive("pattern"), Duration.ofSeconds(15)), "channel goes live");
            LiveFixture.Played played = live.play(live.url("pattern"), 5);
            assertTrue(played.frames() >= 140, "decoded " + played.frames() + " frames in 5 s\n" + played.log());
            assertTrue(played.audioKb() > 0, "the tone decodes\n" + played.log());
            assertEquals(PublishState.PUBLISHING, bridge.publisher().state());
            BridgeStatus status = bridge.status();
            assertTrue(status.framesSent() > 0 && status.line().contains("publishing"), status.line());
        }
    }

    @Test
    void publishesOverUdpToo() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            live.startBridge(live.config("testsrc:320x240@30", "udp").transport(BridgeConfig.Transport.UDP).build());
            assertTrue(LiveFixture.await(() -> live.isLive("udp"), Duration.ofSeconds(15)), "channel goes live");
            LiveFixture.Played played = live.play(live.url("udp"), 3);
            assertTrue(played.frames() >= 60, "decoded " + played.frames() + " frames in 3 s\n" + played.log());
        }
    }

    @Test
    void wrongStreamKeyEndsWithAClearMessageAndNoRetryStorm() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            Bridge bridge = live.startBridge(live.config("testsrc:160x120@15", "locked").streamKey("not-the-key")
                    .build());
            int exit = live.awaitBridgeExit(Duration.ofSeconds(20));
            assertEquals(Bridge.EXIT_REJECTED, exit);
            assertEquals(PublishState.REJECTED, bridge.publisher().state());
            assertTrue(bridge.rejection().contains("stream key rejected") && bridge.rejection().contains("locked"),
                    bridge.rejection());
            assertTrue(live.server().counters().refusedPublishers.sum() <= 2,
                    "one refused attempt, not a storm: " + live.server().counters());
        }
    }
}
