package io.omnicast.bridge.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.bridge.Ffmpeg;
import io.omnicast.bridge.media.MediaFrame;
import io.omnicast.bridge.media.StreamInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second, audio-only input of a camera set-up. There is no camera and no sound card here, so the device code
 * path is driven by a file for the video and, for the audio, a device that does not exist (video-only) or FFmpeg's
 * lavfi device, which opens through the same {@link AudioCapture} as alsa and pulse do.
 */
class AudioInputTest {
    /** A real-time tone through the lavfi input device: what a microphone looks like to the bridge. */
    static final String LAVFI_TONE = "lavfi:sine=frequency=440:sample_rate=44100,arealtime";

    @TempDir
    static Path dir;
    static Path silentClip;

    @BeforeAll
    static void makeClip() throws Exception {
        silentClip = dir.resolve("video-only.mp4");
        Ffmpeg.makeClip(silentClip, 2, "libx264", "aac", "-an");
    }

    private static DemuxSource open(String audioInput) {
        return new DemuxSource(new DemuxSource.Settings(SourceSpec.parse("file:" + silentClip), false, 500, 30,
                "ultrafast", true, Duration.ofSeconds(10), Duration.ofSeconds(5), AudioInputSpec.parse(audioInput)));
    }

    @Test
    void parsesAutoNoneAndDevices() {
        assertEquals(AudioInputSpec.AUTO, AudioInputSpec.parse(" Auto "));
        assertEquals(AudioInputSpec.NONE, AudioInputSpec.parse("none"));
        AudioInputSpec hw = AudioInputSpec.parse("ALSA:hw:1,0");
        assertEquals("alsa", hw.format());
        assertEquals("hw:1,0", hw.device());
        assertEquals("alsa:hw:1,0", hw.label());
        assertEquals(List.of(hw), hw.candidates(SourceSpec.Kind.FILE));
        for (String bad : List.of("", "alsa", "alsa:", ":default", "al sa:default", "x".repeat(40) + ":d")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AudioInputSpec.parse(bad));
            assertTrue(e.getMessage().startsWith("audioInput must"), e.getMessage());
        }
    }

    @Test
    void aCameraLooksForTheDefaultAlsaThenPulseInputOtherInputsKeepTheirOwnAudio() {
        assertEquals(List.of(AudioInputSpec.parse("alsa:default"), AudioInputSpec.parse("pulse:default")),
                AudioInputSpec.AUTO.candidates(SourceSpec.Kind.V4L2));
        assertEquals(List.of(), AudioInputSpec.AUTO.candidates(SourceSpec.Kind.RTMP));
        assertEquals(List.of(), AudioInputSpec.NONE.candidates(SourceSpec.Kind.V4L2));
    }

    @Test
    void anAudioDeviceThatCannotOpenLeavesTheInputVideoOnlyWithAClearReason() {
        for (String device : List.of("alsa:omnicast-no-such-device", "nosuchdevicefmt:default")) {
            try (DemuxSource source = open(device)) {
                StreamInfo info = source.open();
                assertTrue(info.audio().isEmpty(), device + ": no audio track");
                String problem = source.audioInputProblem();
                assertNotNull(problem, device + ": says why");
                assertTrue(problem.startsWith("audio input " + AudioInputSpec.parse(device).label()), problem);
                assertTrue(problem.contains("cannot be opened") || problem.contains("has no 'nosuchdevicefmt'"),
                        problem);
                for (int i = 0; i < 30; i++) {
                    assertEquals(MediaFrame.Kind.VIDEO, source.read().kind(), "video goes on");
                }
            }
        }
    }

    @Test
    void aLavfiToneThroughTheSecondAudioInputBecomesTheAacTrackOnTheVideoClock() throws Exception {
        try (DemuxSource source = open(LAVFI_TONE)) {
            StreamInfo info = source.open();
            assertTrue(info.audio().isPresent(), "the device gives the audio track");
            assertEquals(48_000, info.audio().get().sampleRate(), "encoded to AAC at 48 kHz");
            assertNull(source.audioInputProblem());
            List<MediaFrame> audio = new ArrayList<>();
            long lastVideoDts = 0;
            long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < end) { // pace the file roughly in real time, as the bridge does
                MediaFrame frame = source.read();
                if (frame.kind() == MediaFrame.Kind.AUDIO) {
                    audio.add(frame);
                } else {
                    lastVideoDts = frame.dtsMicros();
                    Thread.sleep(33);
                }
            }
            // 1.5 s of 48 kHz audio in 1024-sample frames is ~70; the first ones wait for the device to start.
            assertTrue(audio.size() >= 30, "AAC frames from the tone: " + audio.size());
            for (int i = 1; i < audio.size(); i++) {
                assertEquals(1024L * 1_000_000 / 48_000, audio.get(i).ptsMicros() - audio.get(i - 1).ptsMicros(),
                        1, "audio timestamps advance by one AAC frame");
            }
            long skew = Math.abs(audio.get(audio.size() - 1).ptsMicros() - lastVideoDts);
            assertTrue(skew < 500_000, "audio stays within 0.5 s of the video clock (skew " + skew + " us)");
        }
    }
}
