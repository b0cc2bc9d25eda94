package io.omnicast.bridge;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.bridge.media.H264Units;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.security.MessageDigest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance with ffmpeg as the independent encoder feeding each network input the way hardware encoders and OBS
 * do, and ffmpeg as the player behind the streaming server.
 */
class NetworkInputsIT {
    @TempDir
    static Path dir;
    static Path clip;

    @BeforeAll
    static void makeClip() throws Exception {
        clip = dir.resolve("clip.mp4");
        Ffmpeg.makeClip(clip, 4, "libx264", "aac");
    }

    @Test
    void mpegTsOverUdpPassesH264ThroughUnchanged() throws Exception {
        Path reference = dir.resolve("reference.h264");
        Ffmpeg.run("-i", clip.toString(), "-c:v", "copy", "-bsf:v", "h264_mp4toannexb", "-an", "-f", "h264",
                reference.toString());
        Set<String> sourceSlices = new HashSet<>(sliceHashes(Files.readAllBytes(reference)));
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            int port = LiveFixture.freeUdpPort();
            live.startBridge(live.config("udp://127.0.0.1:" + port, "ts").build());
            live.ffmpeg("-re", "-stream_loop", "-1", "-i", clip.toString(), "-c", "copy", "-bsf:v",
                    "h264_mp4toannexb", "-f", "mpegts", "udp://127.0.0.1:" + port + "?pkt_size=1316");
            assertTrue(LiveFixture.await(() -> live.isLive("ts"), Duration.ofSeconds(20)), "channel goes live");
            Path received = dir.resolve("received.h264");
            live.capture(List.of("/usr/bin/ffmpeg", "-hide_banner", "-nostdin", "-y", "-rtsp_transport", "tcp", "-i",
                    live.url("ts"), "-t", "3", "-map", "0:v", "-c", "copy", "-f", "h264", received.toString()), 40);
            List<String> receivedSlices = sliceHashes(Files.readAllBytes(received));
            assertTrue(receivedSlices.size() >= 45, "received " + receivedSlices.size() + " slices in 3 s");
            for (String hash : receivedSlices) {
                assertTrue(sourceSlices.contains(hash), "every received slice is byte-identical to a source slice");
            }
        }
    }

    @Test
    void rtmpFromAnObsLikeEncoderPlaysWithAudio() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            int port = LiveFixture.freeTcpPort();
            live.startBridge(live.config("rtmp://127.0.0.1:" + port + "/live/obs", "rtmp").build());
            // The bridge listens like a server; the encoder retries until it is up, as OBS does.
            assertTrue(LiveFixture.await(() -> {
                try {
                    Process p = live.ffmpeg("-re", "-stream_loop", "-1", "-i", clip.toString(), "-c:v", "libx264",
                            "-preset", "ultrafast", "-g", "30", "-c:a", "aac", "-f", "flv",
                            "rtmp://127.0.0.1:" + port + "/live/obs");
                    Thread.sleep(1500);
                    return p.isAlive();
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(20)), "the RTMP encoder connects");
            assertTrue(LiveFixture.await(() -> live.isLive("rtmp"), Duration.ofSeconds(20)), "channel goes live");
            LiveFixture.Played played = live.play(live.url("rtmp"), 3);
            assertTrue(played.frames() >= 45, "decoded " + played.frames() + " frames\n" + played.log());
            assertTrue(played.audioKb() > 0, "audio decodes\n" + played.log());
        }
    }

    /**
     * FFmpeg's RTMP listener alone takes any application and key (it only logs "Unexpected stream"): the bridge's
     * gate must turn a wrong key and a wrong application away before FFmpeg sees them, and keep listening.
     */
    @Test
    void rtmpRefusesAWrongStreamKeyOrApplicationThenTakesTheRightOne() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            int port = LiveFixture.freeTcpPort();
            live.startBridge(live.config("rtmp://127.0.0.1:" + port + "/live/right-key", "gated").build());
            assertTrue(LiveFixture.await(() -> {
                try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                    return true; // a connection that leaves at once must not stop the listener either
                } catch (java.io.IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(20)), "the bridge listens for RTMP");
            for (String wrong : List.of("/live/wrong-key", "/other/right-key")) {
                Process p = live.ffmpeg("-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "20",
                        "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-f", "flv",
                        "rtmp://127.0.0.1:" + port + wrong);
                assertTrue(p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS), wrong + ": the publisher is cut off");
                assertTrue(p.exitValue() != 0, wrong + ": ffmpeg reports the refusal");
                assertFalse(live.isLive("gated"), wrong + ": nothing reaches the server");
            }
            live.ffmpeg("-re", "-stream_loop", "-1", "-i", clip.toString(), "-c:v", "libx264", "-preset", "ultrafast",
                    "-g", "30", "-c:a", "aac", "-f", "flv", "rtmp://127.0.0.1:" + port + "/live/right-key");
            assertTrue(LiveFixture.await(() -> live.isLive("gated"), Duration.ofSeconds(20)),
                    "the right key goes live after the refusals");
            LiveFixture.Played played = live.play(live.url("gated"), 3);
            assertTrue(played.frames() >= 45, "decoded " + played.frames() + " frames\n" + played.log());
            assertTrue(played.audioKb() > 0, "audio decodes\n" + played.log());
        }
    }

    @Test
    void rtpDescribedByAnSdpFilePlays() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            live.startServer();
            int port = LiveFixture.freeEvenUdpPort();
            Path sdp = dir.resolve("s.sdp");
            live.ffmpeg("-re", "-stream_loop", "-1", "-i", clip.toString(), "-an", "-c:v", "copy", "-f", "rtp",
                    "-sdp_file", sdp.toString(), "rtp://127.0.0.1:" + port);
            assertTrue(LiveFixture.await(() -> Files.exists(sdp) && sdp.toFile().length() > 0, Duration.ofSeconds(10)),
                    "ffmpeg wrote the SDP file");
            live.startBridge(live.config("rtp:" + sdp, "rtp").build());
            assertTrue(LiveFixture.await(() -> live.isLive("rtp"), Duration.ofSeconds(20)), "channel goes live");
            LiveFixture.Played played = live.play(live.url("rtp"), 3);
            assertTrue(played.frames() >= 45, "decoded " + played.frames() + " frames\n" + played.log());
        }
    }

    static List<String> sliceHashes(byte[] annexB) throws Exception {
        List<String> out = new ArrayList<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (byte[] unit : H264Units.splitAnnexB(annexB, 0, annexB.length)) {
            int type = H264Units.type(unit);
            if (type >= 1 && type <= 5) {
                out.add(HexFormat.of().formatHex(sha.digest(unit)));
            }
        }
        assertFalse(out.isEmpty(), "no slices");
        return out;
    }
}
