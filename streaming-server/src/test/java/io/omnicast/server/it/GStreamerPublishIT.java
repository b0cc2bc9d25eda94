package io.omnicast.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.server.testing.Processes;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance: GStreamer's {@code rtspclientsink} publishes (ANNOUNCE + SETUP record + RECORD, over UDP and over TCP
 * interleaved) exactly as broadcasters' GStreamer pipelines do, and an independent ffmpeg decodes the channel.
 * {@code ./omnicast test} installs Debian's GStreamer tools and plugins for this.
 */
class GStreamerPublishIT {
    private static final int SECONDS = 5;

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void rtspclientsinkPublishesAndFfmpegDecodes(String transport) throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            String channel = "gst-" + transport;
            Processes.Run publisher = live.processes.start("gst-launch-1.0", "-q",
                    "videotestsrc", "is-live=true", "num-buffers=900", "!",
                    "video/x-raw,width=320,height=240,framerate=30/1", "!",
                    "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=30", "!",
                    "video/x-h264,profile=baseline", "!",
                    "rtspclientsink", "protocols=" + transport, "location=" + live.publishUrl(channel));
            live.awaitLive(channel, 60, publisher);
            Processes.Run reader = live.read(channel, transport, SECONDS);
            assertEquals(0, reader.await(LiveFixture.seconds(40)), reader.command() + ": " + reader.stderrText());
            System.out.printf("GStreamer publisher over %s: ffmpeg decoded %d frames in %d s%n", transport,
                    reader.frames(), SECONDS);
            assertTrue(reader.frames() >= 140, "decoded only " + reader.frames() + " frames");
            assertEquals(List.of(), LiveFixture.errors(reader), "decode errors");
        }
    }
}
