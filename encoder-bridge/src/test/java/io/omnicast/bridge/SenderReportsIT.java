package io.omnicast.bridge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.server.channel.ChannelStats;
import io.omnicast.server.channel.LiveChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The real streaming server receives the bridge's RTCP sender reports, over UDP and over TCP interleaved. */
class SenderReportsIT {
    @ParameterizedTest
    @EnumSource(BridgeConfig.Transport.class)
    void theServerReceivesSenderReportsForBothTracksAboutOnceASecond(BridgeConfig.Transport transport)
            throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            String channel = "sr-" + transport.name().toLowerCase(java.util.Locale.ROOT);
            live.startBridge(live.config("testsrc:160x120@15", channel).transport(transport).build());
            assertTrue(LiveFixture.await(() -> live.isLive(channel), Duration.ofSeconds(15)), "channel goes live");
            LiveChannel c = live.server().channel(channel).orElseThrow();
            // The window opens at the first report, not when the channel went live: the test pattern's encoder may
            // take seconds to send its first frame on a busy machine (a window opened at RECORD once saw 2 s of
            // media and 2 reports).
            assertTrue(LiveFixture.await(() -> senderReports(c) > 0, Duration.ofSeconds(15)),
                    "the first sender report arrives");
            long first = senderReports(c);
            Thread.sleep(4000);
            ChannelStats stats = c.stats().get(2, TimeUnit.SECONDS);
            long received = stats.publisherSenderReports() - first;
            // Two tracks, one SR each per 0.5-1.5 s: 4 s of media give at least 2 x 2; far fewer than a storm.
            assertTrue(received >= 4 && received <= 20, "sender reports in 4 s over " + transport + ": " + received);
            assertTrue(stats.garbagePackets() == 0, "every RTCP packet parsed: " + stats);
        }
    }

    private static long senderReports(LiveChannel c) {
        try {
            return c.stats().get(2, TimeUnit.SECONDS).publisherSenderReports();
        } catch (Exception e) {
            throw new IllegalStateException("no stats from channel " + c.name(), e);
        }
    }
}
