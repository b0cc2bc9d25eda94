package io.omnicast.bridge.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.bridge.Ffmpeg;
import io.omnicast.bridge.Ffprobe;
import io.omnicast.bridge.media.H264Units;
import io.omnicast.bridge.media.MediaFrame;
import io.omnicast.bridge.media.StreamInfo;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemuxSourceTest {
    @TempDir
    static Path dir;
    static Path mp4;

    @BeforeAll
    static void makeClips() throws Exception {
        mp4 = dir.resolve("clip.mp4");
        Ffmpeg.makeClip(mp4, 2, "libx264", "aac");
    }

    private static DemuxSource open(String input, boolean loop) {
        return new DemuxSource(new DemuxSource.Settings(SourceSpec.parse(input), false, 500, 30, "ultrafast", loop,
                Duration.ofSeconds(10), Duration.ofSeconds(5)));
    }

    /** VCL NAL units (slices) of an Annex-B file, the part of a stream that pass-through must not touch. */
    private static List<byte[]> slices(byte[] annexB) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] unit : H264Units.splitAnnexB(annexB, 0, annexB.length)) {
            int type = H264Units.type(unit);
            if (type >= 1 && type <= 5) {
                out.add(unit);
            }
        }
        return out;
    }

    @Test
    void passesMp4H264ThroughUnchangedAndLoopsWithIncreasingTimestamps() throws Exception {
        Path reference = dir.resolve("reference.h264");
        Ffmpeg.run("-i", mp4.toString(), "-c:v", "copy", "-bsf:v", "h264_mp4toannexb", "-an", "-f", "h264",
                reference.toString());
        List<byte[]> expected = slices(Files.readAllBytes(reference));
        assertEquals(60, expected.size());
        List<byte[]> got = new ArrayList<>();
        long lastVideoDts = Long.MIN_VALUE;
        long lastVideoPts = Long.MIN_VALUE;
        long lastAudioPts = Long.MIN_VALUE;
        int audioFrames = 0;
        try (DemuxSource source = open("file:" + mp4, true)) {
            StreamInfo info = source.open();
            assertEquals(320, info.video().width());
            assertTrue(info.audio().isPresent(), "AAC track announced");
            assertEquals(48_000, info.audio().get().sampleRate());
            while (got.size() < 3 * expected.size()) {
                MediaFrame frame = source.read();
                if (frame.kind() == MediaFrame.Kind.AUDIO) {
                    assertTrue(frame.ptsMicros() > lastAudioPts, "audio pts increase across loops");
                    lastAudioPts = frame.ptsMicros();
                    audioFrames++;
                    continue;
                }
                assertTrue(frame.dtsMicros() > lastVideoDts, "video dts increase across loops");
                lastVideoDts = frame.dtsMicros();
                lastVideoPts = Math.max(lastVideoPts, frame.ptsMicros());
                got.addAll(slices(annexB(frame.units())));
            }
        }
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(expected.get(i % expected.size()), got.get(i), "slice " + i + " passed through unchanged");
        }
        assertTrue(lastVideoPts >= 5_900_000, "three passes of 2 s span about 6 s (was " + lastVideoPts + " us)");
        assertTrue(audioFrames > 200, "the tone passes through on every loop (" + audioFrames + " AAC frames)");
    }

    @Test
    void readsMpegTsWithInBandParameterSetsAndAdtsAudio() throws Exception {
        Path ts = dir.resolve("clip.ts");
        Ffmpeg.run("-i", mp4.toString(), "-c", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "mpegts", ts.toString());
        int video = 0;
        int audio = 0;
        try (DemuxSource source = open("file:" + ts, false)) {
            StreamInfo info = source.open();
            assertEquals(H264Units.SPS, H264Units.type(info.video().sps()));
            assertEquals(48_000, info.audio().orElseThrow().sampleRate());
            MediaFrame frame;
            while ((frame = source.read()) != null) {
                if (frame.kind() == MediaFrame.Kind.VIDEO) {
                    video++;
                } else {
                    byte[] aac = frame.units().get(0);
                    assertTrue(aac.length > 0 && (aac[0] & 0xFF) != 0xFF || (aac[1] & 0xF6) != 0xF0,
                            "ADTS header removed");
                    audio++;
                }
            }
            assertNull(source.read(), "a file without loop stays ended");
        }
        assertEquals(60, video);
        assertTrue(audio >= 90, "about 94 AAC frames in 2 s (was " + audio + ")");
    }

    @Test
    void transcodesOtherCodecsToH264AndAac() throws Exception {
        Path mkv = dir.resolve("clip.mkv");
        Ffmpeg.makeClip(mkv, 1, "mpeg4", "libmp3lame");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int audio = 0;
        try (DemuxSource source = open("file:" + mkv, false)) {
            StreamInfo info = source.open();
            assertEquals(48_000, info.audio().orElseThrow().sampleRate());
            MediaFrame frame;
            boolean first = true;
            while ((frame = source.read()) != null) {
                if (frame.kind() == MediaFrame.Kind.AUDIO) {
                    audio++;
                    continue;
                }
                if (first) {
                    out.write(annexB(List.of(info.video().sps(), info.video().pps())));
                    first = false;
                }
                out.write(annexB(frame.units()));
            }
        }
        Path h264 = dir.resolve("transcoded.h264");
        Files.write(h264, out.toByteArray());
        assertEquals("320,240,30", Ffprobe.countVideoFrames(h264));
        assertTrue(audio >= 40, "about 47 AAC frames in 1 s (was " + audio + ")");
    }

    private static byte[] annexB(List<byte[]> units) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] unit : units) {
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }
}
