package io.omnicast.peer.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.omnicast.media.sdp.SdpParser;
import org.junit.jupiter.api.Test;

class StreamPartsTest {
    private static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=demo\r\nt=0 0\r\n"
            + "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\na=control:trackID=0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z0IAH5WoFAFuQA==,aM48gA==; profile-level-id=42001F\r\n"
            + "a=control:trackID=1\r\n";

    @Test
    void findsTheH264TrackEvenWhenAudioComesFirst() {
        assertEquals(1, ParentLink.videoTrack(SdpParser.parse(SDP)));
        assertEquals(-1, ParentLink.videoTrack(SdpParser.parse(SDP.substring(0, SDP.indexOf("m=video")))));
    }

    @Test
    void putsTheTicketInTheUrlQuery() {
        assertEquals("rtsp://h:1/live/demo?ticket=abc.def",
                ParentLink.withTicket("rtsp://h:1/live/demo", "abc.def"));
        assertEquals("rtsp://h:1/live/demo?x=1&ticket=abc", ParentLink.withTicket("rtsp://h:1/live/demo?x=1", "abc"));
    }
}
