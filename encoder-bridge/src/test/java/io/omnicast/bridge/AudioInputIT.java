package io.omnicast.bridge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second audio input end to end: video from one input, audio from an FFmpeg input device (lavfi standing in
 * for ALSA/PulseAudio, through the same code path), published as one stream; ffprobe sees AAC in the server's SDP
 * and ffmpeg decodes both.
 */
class AudioInputIT {
    @TempDir
    Path dir;

    @Test
    void audioFromTheSecondInputIsPublishedAsTheAacTrack() throws Exception {
        Path clip = dir.resolve("video-only.mp4");
        Ffmpeg.makeClip(clip, 3, "libx264", "aac", "-an");
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            live.startBridge(live.config("file:" + clip, "mic").loop(true)
                    .audioInput("lavfi:sine=frequency=440:sample_rate=44100,arealtime").build());
            assertTrue(LiveFixture.await(() -> live.isLive("mic"), Duration.ofSeconds(20)), "channel goes live");
            String streams = live.capture(List.of("/usr/bin/ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                    "-show_entries", "stream=codec_type,codec_name,sample_rate", "-of", "csv=p=0", live.url("mic")), 30);
            assertTrue(streams.contains("video,h264") || streams.contains("h264,video"), "video track: " + streams);
            assertTrue(streams.contains("aac") && streams.contains("48000"), "AAC 48 kHz audio track: " + streams);
            LiveFixture.Played played = live.play(live.url("mic"), 3);
            assertTrue(played.frames() >= 45, "decoded " + played.frames() + " frames\n" + played.log());
            assertTrue(played.audioKb() > 0, "the tone decodes\n" + played.log());
        }
    }
}
