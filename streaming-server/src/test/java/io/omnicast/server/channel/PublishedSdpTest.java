package io.omnicast.server.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PublishedSdpTest {
    /** What ffmpeg 5.1 sends in ANNOUNCE for H.264 + AAC. */
    private static final String FFMPEG_ANNOUNCE = "v=0\r\n"
            + "o=- 0 0 IN IP4 127.0.0.1\r\n"
            + "s=No Name\r\n"
            + "c=IN IP4 127.0.0.1\r\n"
            + "t=0 0\r\n"
            + "a=tool:libavformat 59.27.100\r\n"
            + "m=video 0 RTP/AVP 96\r\n"
            + "b=AS:200\r\n"
            + "a=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z2QADKzZQUH7ARAAAAMAEAAAAwPA8UKZYA==,aOvjyyLA; "
            + "profile-level-id=64000C\r\n"
            + "a=control:streamid=0\r\n"
            + "m=audio 0 RTP/AVP 97\r\n"
            + "b=AS:128\r\n"
            + "a=rtpmap:97 MPEG4-GENERIC/44100/1\r\n"
            + "a=fmtp:97 profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; "
            + "config=1208\r\n"
            + "a=control:streamid=1\r\n";

    @Test
    void readsTheTracksFfmpegAnnounces() {
        PublishedSdp sdp = PublishedSdp.parse(FFMPEG_ANNOUNCE);
        assertEquals(2, sdp.tracks().size());
        MediaTrack video = sdp.tracks().get(0);
        assertTrue(video.isH264());
        assertEquals(90000, video.clockRate());
        assertEquals(96, video.payloadType());
        MediaTrack audio = sdp.tracks().get(1);
        assertEquals("MPEG4-GENERIC", audio.encoding());
        assertEquals(44100, audio.clockRate());
        assertEquals(1, sdp.trackForSetupUrl("rtsp://h:8554/live/demo?key=K/streamid=1", "streamid=1"));
        assertEquals(0, sdp.trackForSetupUrl("rtsp://h:8554/live/demo/streamid=0", "streamid=0"));
        assertEquals(-1, sdp.trackForSetupUrl("rtsp://h:8554/live/demo/streamid=7", "streamid=7"));
    }

    @Test
    void readersGetOurControlsAndNoPublisherAddress() {
        String described = PublishedSdp.parse(FFMPEG_ANNOUNCE).describeToReaders();
        assertTrue(described.contains("a=control:trackID=0\r\n"), described);
        assertTrue(described.contains("a=control:trackID=1\r\n"), described);
        assertTrue(described.contains("a=control:*\r\n"), described);
        assertTrue(described.contains("c=IN IP4 0.0.0.0\r\n"), described);
        assertFalse(described.contains("streamid="), described);
        assertFalse(described.contains("127.0.0.1\r\nt="), described);
        assertTrue(described.contains("sprop-parameter-sets=Z2QADKzZQUH7ARAAAAMAEAAAAwPA8UKZYA==,aOvjyyLA"), described);
        // what readers get parses again to the same tracks
        assertEquals(2, PublishedSdp.parse(described).tracks().size());
    }

    @Test
    void aRelayServesTheDescriptionItGotUnchangedSoItsChecksumHoldsAlongTheChain() {
        PublishedSdp origin = PublishedSdp.parse(FFMPEG_ANNOUNCE);
        PublishedSdp hop1 = PublishedSdp.parse(origin.describeToReaders());
        PublishedSdp hop2 = PublishedSdp.parse(hop1.describeToReaders());
        assertEquals(origin.describeToReaders(), hop1.describeToReaders());
        assertEquals(origin.describeToReaders(), hop2.describeToReaders());
        assertEquals(origin.readersChecksum(), hop2.readersChecksum());
        assertEquals(io.omnicast.media.sdp.SdpChecksum.of(origin.describeToReaders()), origin.readersChecksum());
    }

    @Test
    void refusesMalformedDescriptions() {
        assertThrows(IllegalArgumentException.class, () -> PublishedSdp.parse("hello"));
        assertThrows(IllegalArgumentException.class, () -> PublishedSdp.parse("v=0\r\nm=video nonsense\r\n"));
        IllegalArgumentException noMedia = assertThrows(IllegalArgumentException.class,
                () -> PublishedSdp.parse("v=0\r\no=- 0 0 IN IP4 1.2.3.4\r\ns=x\r\nt=0 0\r\n"));
        assertEquals("SDP has no media section (m=)", noMedia.getMessage());
        IllegalArgumentException noRtpmap = assertThrows(IllegalArgumentException.class,
                () -> PublishedSdp.parse("v=0\r\no=- 0 0 IN IP4 1.2.3.4\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"));
        assertEquals("media 0 has no a=rtpmap for payload type 96", noRtpmap.getMessage());
        IllegalArgumentException protocol = assertThrows(IllegalArgumentException.class,
                () -> PublishedSdp.parse("v=0\r\no=- 0 0 IN IP4 1.2.3.4\r\ns=x\r\nt=0 0\r\nm=video 0 UDP/TLS 96\r\n"));
        assertEquals("media 0 uses unsupported protocol 'UDP/TLS'", protocol.getMessage());
    }
}
