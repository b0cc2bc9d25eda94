package io.omnicast.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.bridge.source.SourceSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {
    private static BridgeConfig.Builder valid() {
        return BridgeConfig.defaults().streamKey("k");
    }

    @Test
    void defaultsFileGivesAWorkingConfiguration() {
        BridgeConfig config = valid().build();
        assertEquals(SourceSpec.Kind.TESTSRC, config.input().kind());
        assertEquals(1280, config.input().width());
        assertEquals(BridgeConfig.Transport.TCP, config.transport());
        assertEquals(Duration.ofMillis(1000), config.publishRetryMax());
        assertEquals(config.toString(), config.toBuilder().build().toString());
    }

    @Test
    void rejectsBadValuesNamingFieldValueAndLimit() {
        assertEquals("bitrateKbps must be between 50 and 100000 kbit/s (was 10)",
                assertThrows(IllegalArgumentException.class, () -> valid().bitrateKbps(10).build()).getMessage());
        assertEquals("gopFrames must be between 1 and 1000 frames (was 0)",
                assertThrows(IllegalArgumentException.class, () -> valid().gopFrames(0).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().preset("warp").build()).getMessage()
                .contains("(was 'warp')"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BridgeConfig.defaults().build()).getMessage()
                .startsWith("streamKey must not be empty"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().loop(true).build()).getMessage()
                .startsWith("loop applies to file inputs only"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> valid().publishUrl("rtsp://h:8554/live/x?key=k").build()).getMessage().contains("no user info"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> valid().publishUrl("http://h/live/x").build()).getMessage().startsWith("publishUrl must be"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> valid().publishRetryInitial(Duration.ofSeconds(5)).build()).getMessage()
                .startsWith("publishRetryMax must be at least"));
    }

    @Test
    void parsesEveryInputForm() {
        assertEquals(640, SourceSpec.parse("testsrc:640x360@25").width());
        assertEquals(25, SourceSpec.parse("testsrc:640x360@25").frameRate());
        assertEquals(SourceSpec.Kind.FILE, SourceSpec.parse("file:/tmp/a.mp4").kind());
        assertEquals("video4linux2", SourceSpec.parse("v4l2:/dev/video0").format());
        assertEquals("sdp", SourceSpec.parse("rtp:/tmp/s.sdp").format());
        SourceSpec udp = SourceSpec.parse("udp://0.0.0.0:5000");
        assertEquals("mpegts", udp.format());
        assertEquals("udp://0.0.0.0:5000", udp.label());
        assertEquals("1", SourceSpec.parse("rtmp://0.0.0.0:1935/live/KEY").options().get("listen"));
        assertEquals("tcp", SourceSpec.parse("rtsp://camera/stream").options().get("rtsp_transport"));
        assertTrue(SourceSpec.parse("rtsp://camera/stream").kind().reconnectable());
        assertTrue(!SourceSpec.parse("file:x").kind().reconnectable());
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("testsrc:641x360"));
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("rtmp://0.0.0.0:1935/live"));
        assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("udp://0.0.0.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SourceSpec.parse("gopher://x")).getMessage()
                .startsWith("unknown input"));
    }

    @Test
    void audioInputIsAutoByDefaultAndValidated() {
        assertEquals(io.omnicast.bridge.source.AudioInputSpec.AUTO, valid().build().audioInput());
        BridgeConfig pulse = valid().input("v4l2:/dev/video0").audioInput("pulse:default").build();
        assertEquals("pulse:default", pulse.audioInput().label());
        assertEquals(pulse.toString(), pulse.toBuilder().build().toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().audioInput("alsa").build())
                .getMessage().startsWith("audioInput must be auto, none or FORMAT:DEVICE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> valid().audioInput("alsa:default").build())
                .getMessage().contains("does not apply to testsrc"));
    }
}
