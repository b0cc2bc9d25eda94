package io.omnicast.media.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Transport, Session, RTP-Info, URL and authentication headers. */
class RtspHeadersTest {
    @Test
    void parsesUdpTransportAsFfmpegSendsIt() {
        RtspTransport t = RtspTransport.parse("RTP/AVP/UDP;unicast;client_port=20000-20001;mode=record");
        assertFalse(t.isTcp());
        assertEquals(new RtspTransport.Pair(20000, 20001), t.clientPorts());
        assertTrue(t.isRecord());
        assertEquals("RTP/AVP;unicast;client_port=20000-20001;server_port=8000-8001;ssrc=0000ABCD;mode=record",
                t.toBuilder().serverPorts(new RtspTransport.Pair(8000, 8001)).ssrc(0xABCD).build().format());
    }

    @Test
    void parsesInterleavedTransportAndAlternatives() {
        List<RtspTransport> list = RtspTransport.parseList(
                "RTP/AVP/TCP;unicast;interleaved=2-3;mode=\"RECORD\", RTP/AVP;unicast;client_port=4000");
        assertEquals(2, list.size());
        assertTrue(list.get(0).isTcp());
        assertEquals(new RtspTransport.Pair(2, 3), list.get(0).interleaved());
        assertTrue(list.get(0).isRecord());
        assertEquals(new RtspTransport.Pair(4000, 4001), list.get(1).clientPorts());
        assertEquals("play", list.get(1).mode());
        assertEquals("RTP/AVP/TCP;unicast;interleaved=0-1", RtspTransport.interleaved(0, 1).format());
    }

    @Test
    void refusesBadTransports() {
        assertEquals("unsupported transport protocol 'RAW/RAW/UDP'",
                assertThrows(IllegalArgumentException.class, () -> RtspTransport.parse("RAW/RAW/UDP;unicast"))
                        .getMessage());
        assertEquals("client_port must be between 0 and 65535 (was 70000-70001)",
                assertThrows(IllegalArgumentException.class,
                        () -> RtspTransport.parse("RTP/AVP;client_port=70000-70001")).getMessage());
        assertEquals("interleaved must be between 0 and 255 (was 300-301)",
                assertThrows(IllegalArgumentException.class,
                        () -> RtspTransport.parse("RTP/AVP/TCP;interleaved=300-301")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RtspTransport.parse("RTP/AVP;client_port=a-b")).getMessage().contains("not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RtspTransport.parse("RTP/AVP/UDP;interleaved=0-1")).getMessage().contains("need RTP/AVP/TCP"));
    }

    @Test
    void sessionHeaderRoundTripsWithTimeout() {
        RtspSessionHeader s = RtspSessionHeader.parse("12345678abc;timeout=30");
        assertEquals("12345678abc", s.id());
        assertEquals(Duration.ofSeconds(30), s.timeoutOrDefault());
        assertEquals("12345678abc;timeout=30", s.format());
        assertEquals(Duration.ofSeconds(60), RtspSessionHeader.parse("abc").timeoutOrDefault());
        assertThrows(IllegalArgumentException.class, () -> RtspSessionHeader.parse("a b"));
        assertThrows(IllegalArgumentException.class, () -> RtspSessionHeader.parse("abc;timeout=x"));
    }

    @Test
    void rtpInfoFormatsAndParses() {
        RtpInfo info = new RtpInfo(List.of(RtpInfo.Entry.of("rtsp://h/live/a/trackID=0", 65535, 4294967295L),
                RtpInfo.Entry.of("rtsp://h/live/a/trackID=1", 0, 0)));
        String s = "url=rtsp://h/live/a/trackID=0;seq=65535;rtptime=4294967295,url=rtsp://h/live/a/trackID=1;seq=0;rtptime=0";
        assertEquals(s, info.format());
        assertEquals(info, RtpInfo.parse(s));
        assertThrows(IllegalArgumentException.class, () -> RtpInfo.Entry.of("u", 65536, 0));
    }

    @Test
    void urlSplitsPathQueryAndTheTrackSuffixFfmpegAppendsAfterTheQuery() {
        RtspUrl u = RtspUrl.parse("rtsp://127.0.0.1:8554/live/demo?key=K%20Y/streamid=1");
        assertEquals("/live/demo", u.path());
        assertEquals(Map.of("key", "K Y"), u.query());
        assertEquals(Optional.of("streamid=1"), u.control());
        assertEquals(1, u.trackNumber().getAsInt());
        RtspUrl plain = RtspUrl.parse("rtsp://h/live/trackless/");
        assertEquals("/live/trackless", plain.path());
        assertTrue(plain.control().isEmpty());
        assertEquals(0, RtspUrl.parse("rtsp://h/live/a/trackID=0").trackNumber().getAsInt());
        assertThrows(IllegalArgumentException.class, () -> RtspUrl.parse("http://h/live/a"));
        assertThrows(IllegalArgumentException.class, () -> RtspUrl.parse("rtsp://h/ bad"));
    }

    @Test
    void digestAuthorizationMatchesTheRfc2069Computation() {
        String nonce = "abcdef";
        String header = RtspAuth.authorization("Digest realm=\"OmniCast\", nonce=\"abcdef\"",
                new RtspAuth.Credentials("user", "secret"), "ANNOUNCE", "rtsp://h/live/a");
        assertTrue(RtspAuth.verify(header, "ANNOUNCE", "OmniCast", nonce, "secret"));
        assertFalse(RtspAuth.verify(header, "ANNOUNCE", "OmniCast", nonce, "wrong"));
        assertFalse(RtspAuth.verify(header, "ANNOUNCE", "OmniCast", "other-nonce", "secret"));
        // HA1=md5(user:OmniCast:secret), HA2=md5(ANNOUNCE:rtsp://h/live/a), response=md5(HA1:abcdef:HA2)
        assertEquals(RtspAuth.digestResponse("user", "OmniCast", "secret", "ANNOUNCE", "rtsp://h/live/a", nonce),
                RtspAuth.parseParameters(header.substring(7)).get("response"));
    }

    @Test
    void basicAuthorizationVerifiesThePassword() {
        String header = RtspAuth.authorization("Basic realm=\"x\"", new RtspAuth.Credentials("u", "k:ey"), "PLAY", "x");
        assertEquals("Basic dTprOmV5", header);
        assertTrue(RtspAuth.verify(header, "ANNOUNCE", "x", "n", "k:ey"));
        assertFalse(RtspAuth.verify("Basic !!!", "ANNOUNCE", "x", "n", "k:ey"));
        assertFalse(RtspAuth.verify(null, "ANNOUNCE", "x", "n", "k:ey"));
    }
}
