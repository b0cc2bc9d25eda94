package io.omnicast.bridge.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.bridge.Ffprobe;
import io.omnicast.bridge.media.AacConfig;
import io.omnicast.bridge.media.H264Units;
import io.omnicast.bridge.media.MediaFrame;
import io.omnicast.bridge.media.ParameterSetInjector;
import io.omnicast.bridge.media.StreamInfo;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestPatternSourceTest {
    @TempDir
    Path dir;

    @Test
    void encodesARealTimePatternThatAnIndependentDecoderPlays() throws Exception {
        int frames = 45;
        ByteArrayOutputStream annexB = new ByteArrayOutputStream();
        int audioFrames = 0;
        int keyframes = 0;
        long lastVideoPts = -1;
        StreamInfo info;
        try (TestPatternSource source = new TestPatternSource(
                new TestPatternSource.Settings(320, 240, 30, 500, 15, "ultrafast", true))) {
            info = source.open();
            ParameterSetInjector injector = new ParameterSetInjector(info.video().sps(), info.video().pps());
            int video = 0;
            while (video < frames) {
                MediaFrame frame = source.read();
                if (frame.kind() == MediaFrame.Kind.AUDIO) {
                    audioFrames++;
                    continue;
                }
                if (video == 0) {
                    assertTrue(frame.keyframe(), "the first frame is a keyframe");
                }
                assertTrue(frame.ptsMicros() > lastVideoPts, "video pts increase");
                lastVideoPts = frame.ptsMicros();
                List<byte[]> units = injector.apply(frame.units());
                if (frame.keyframe()) {
                    keyframes++;
                    assertEquals(H264Units.SPS, H264Units.type(units.get(0)), "SPS leads every keyframe");
                    assertEquals(H264Units.PPS, H264Units.type(units.get(1)), "then the PPS");
                }
                for (byte[] unit : units) {
                    annexB.write(new byte[] {0, 0, 0, 1});
                    annexB.write(unit);
                }
                video++;
            }
        }
        assertEquals(3, keyframes, "a keyframe every 15 frames");
        assertEquals(Math.round(1_000_000.0 * (frames - 1) / 30), lastVideoPts, "pts follow the 30 fps clock");
        assertTrue(audioFrames >= 60, "about 47 AAC frames per second of tone (was " + audioFrames + ")");
        assertTrue(info.audio().isPresent());
        assertEquals(48_000, AacConfig.sampleRateOf(info.audio().get().audioSpecificConfig()));
        assertEquals(2, AacConfig.channelsOf(info.audio().get().audioSpecificConfig()));
        Path file = dir.resolve("pattern.h264");
        Files.write(file, annexB.toByteArray());
        assertEquals("320,240," + frames, Ffprobe.countVideoFrames(file));
        assertFalse(info.toString().isEmpty());
    }
}
