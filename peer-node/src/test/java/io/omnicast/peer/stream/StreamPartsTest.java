package io.omnicast.peer.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamPartsTest {
    private static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=demo\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1; sprop-parameter-sets=Z0IAH5WoFAFuQA==,aM48gA==; profile-level-id=42001F\r\n"
            + "a=control:trackID=0\r\n"
            + "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\na=control:trackID=1\r\n";

    @Test
    void readsTracksControlsAndParameterSetsFromSdp() {
        SdpTracks tracks = SdpTracks.parse(SDP);
        assertEquals(2, tracks.tracks().size());
        assertEquals(0, tracks.videoTrack());
        assertEquals("trackID=0", tracks.tracks().get(0).control());
        assertTrue(tracks.tracks().get(0).parameterSets().isComplete());
        assertEquals(48_000, tracks.tracks().get(1).clockRate());
    }

    @Test
    void writesGenericNackWithBitmask() {
        ByteBuf nack = RtcpPackets.genericNack(ByteBufAllocator.DEFAULT, 1, 2, List.of(100, 101, 103, 200));
        assertEquals(0x81, nack.getUnsignedByte(0));
        assertEquals(205, nack.getUnsignedByte(1));
        assertEquals(4, nack.getUnsignedShort(2), "RFC 3550 length: 3 header words + 2 FCI words, minus one");
        assertEquals(100, nack.getUnsignedShort(12));
        assertEquals(0b101, nack.getUnsignedShort(14), "101 and 103 in the bitmask");
        assertEquals(200, nack.getUnsignedShort(16));
        assertEquals(0, nack.getUnsignedShort(18));
        nack.release();
    }

    @Test
    void findsByeInACompoundPacketAndToleratesGarbage() {
        ByteBuf rr = RtcpPackets.receiverReport(ByteBufAllocator.DEFAULT, 1, 2, 0, 0, 10, 0);
        ByteBuf bye = Unpooled.buffer().writeByte(0x81).writeByte(203).writeShort(1).writeInt(2);
        ByteBuf compound = Unpooled.wrappedBuffer(rr, bye);
        assertTrue(RtcpPackets.containsBye(compound));
        ByteBuf onlyRr = RtcpPackets.receiverReport(ByteBufAllocator.DEFAULT, 1, 2, 0, 0, 10, 0);
        assertFalse(RtcpPackets.containsBye(onlyRr));
        ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4, 5, 6});
        assertFalse(RtcpPackets.containsBye(garbage));
        compound.release();
        onlyRr.release();
        garbage.release();
    }

    @Test
    void putsTheTicketInTheUrlQuery() {
        assertEquals("rtsp://h:1/live/demo?ticket=abc.def",
                ParentLink.withTicket("rtsp://h:1/live/demo", "abc.def"));
        assertEquals("rtsp://h:1/live/demo?x=1&ticket=abc", ParentLink.withTicket("rtsp://h:1/live/demo?x=1", "abc"));
    }
}
