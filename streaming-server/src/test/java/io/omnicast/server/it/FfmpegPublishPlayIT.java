package io.omnicast.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.server.testing.Processes;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance: ffmpeg publishes 720p30 H.264 High with B-frames plus AAC over UDP and over TCP; ffprobe sees both
 * tracks through the server; ffmpeg readers over UDP and TCP decode >= 140 frames in 5 s with no decode errors.
 */
class FfmpegPublishPlayIT {
    private static final String[] HD_HIGH_PROFILE_WITH_B_FRAMES = {"-f", "lavfi", "-i",
        "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440", "-c:v", "libx264", "-profile:v",
        "high", "-bf", "2", "-g", "60", "-preset", "ultrafast", "-x264-params", "8x8dct=1", "-c:a", "aac"};
    // ultrafast turns off the 8x8 transform, so x264 would signal Main; 8x8dct makes it a real High profile stream

    @ParameterizedTest(name = "publish over {0}")
    @ValueSource(strings = {"udp", "tcp"})
    void publishedStreamIsProbedAndDecodedOverBothTransports(String publishTransport) throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            Processes.Run publisher = live.publish("hd", publishTransport, 25, HD_HIGH_PROFILE_WITH_B_FRAMES);
            live.awaitLive("hd", 200, publisher);

            Processes.Run probe = live.processes.start("ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                    "-show_entries", "stream=codec_type,codec_name,profile,width,height,has_b_frames", "-of", "csv=p=0",
                    live.url("hd"));
            assertEquals(0, probe.await(LiveFixture.seconds(20)), probe.stderrText());
            String streams = probe.stdoutText();
            assertTrue(streams.contains("h264,High,video,1280,720"), streams);
            assertTrue(streams.contains("aac,LC,audio"), streams);
            // The 720p encoder already takes most of this 2-core machine: one 720p decoder at a time, so a starved
            // UDP reader does not overflow its socket buffer (that would measure the machine, not the server).
            for (String transport : List.of("udp", "tcp")) {
                Processes.Run reader = live.read("hd", transport, 5);
                Thread.sleep(3000);
                String statsWhileReading = live.server.stats().toString(); // publisher loss, reader's RR loss
                assertEquals(0, reader.await(LiveFixture.seconds(30)), reader.command() + ": " + reader.stderrText());
                int frames = reader.frames();
                System.out.printf("publish %s, read %s: %d frames decoded in 5 s of stream%n", publishTransport,
                        transport, frames);
                assertTrue(frames >= 140, reader.command() + " decoded only " + frames + " frames; server stats "
                        + "while reading: " + statsWhileReading);
                assertEquals(List.of(), LiveFixture.errors(reader), "decode errors; server stats while reading: "
                        + statsWhileReading);
            }
        }
    }
}
