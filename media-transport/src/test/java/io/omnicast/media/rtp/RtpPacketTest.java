package io.omnicast.media.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RtpPacketTest {
    /** V=2, M=1, PT=96, seq=65535, ts=0xFFFFFFF0, ssrc=0xCAFEBABE, payload 01 02 03. */
    private static final String SIMPLE = "80e0ffff" + "fffffff0" + "cafebabe" + "010203";

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    }

    @Test
    void parsesFixedHeaderFieldsAndPayload() {
        ByteBuf buf = hex(SIMPLE);
        try {
            RtpPacket packet = RtpPacket.parse(buf);
            assertEquals(2, packet.version());
            assertTrue(packet.marker());
            assertEquals(96, packet.payloadType());
            assertEquals(65535, packet.sequenceNumber());
            assertEquals(0xFFFFFFF0L, packet.timestamp());
            assertEquals(0xCAFEBABEL, packet.ssrc());
            assertFalse(packet.hasPadding());
            assertFalse(packet.hasExtension());
            assertEquals(0, packet.csrcCount());
            assertEquals(12, packet.headerLength());
            assertEquals("010203", ByteBufUtil.hexDump(packet.payload()));
            assertEquals(0, buf.readerIndex(), "parsing must not move the reader index");
        } finally {
            buf.release();
        }
    }

    @Test
    void parsesAtNonZeroOffsetInsideALargerBuffer() {
        ByteBuf big = hex("deadbeefdeadbeef" + SIMPLE + "0badf00d");
        try {
            ByteBuf slice = big.slice(8, SIMPLE.length() / 2);
            RtpPacket viaSlice = RtpPacket.parse(slice);
            RtpPacket viaOffset = RtpPacket.parse(big, 8, SIMPLE.length() / 2);
            for (RtpPacket packet : new RtpPacket[] {viaSlice, viaOffset}) {
                assertEquals(65535, packet.sequenceNumber());
                assertEquals(0xCAFEBABEL, packet.ssrc());
                assertEquals("010203", ByteBufUtil.hexDump(packet.payload()));
                assertEquals(SIMPLE, ByteBufUtil.hexDump(packet.packet()));
            }
        } finally {
            big.release();
        }
    }

    @Test
    void skipsCsrcListAndHeaderExtensionAndStripsPadding() {
        // V=2 P=1 X=1 CC=2; two CSRCs; extension profile 0xBEDE with 1 word; payload aa bb; 2 padding bytes.
        String hex = "b260" + "0001" + "00000064" + "00000001"
                + "11111111" + "22222222"
                + "bede0001" + "12345678"
                + "aabb" + "0002";
        ByteBuf buf = hex(hex);
        try {
            RtpPacket packet = RtpPacket.parse(buf);
            assertTrue(packet.hasPadding());
            assertTrue(packet.hasExtension());
            assertArrayEquals(new long[] {0x11111111L, 0x22222222L}, packet.csrcs());
            assertEquals(0xBEDE, packet.extensionProfile());
            assertEquals("12345678", ByteBufUtil.hexDump(packet.extension()));
            assertEquals(12 + 8 + 8, packet.headerLength());
            assertEquals("aabb", ByteBufUtil.hexDump(packet.payload()));
            assertFalse(packet.marker());
            assertEquals(96, packet.payloadType());
        } finally {
            buf.release();
        }
    }

    @Test
    void acceptsAnEmptyPayload() {
        ByteBuf buf = hex("80600001000000000000000a");
        try {
            assertEquals(0, RtpPacket.parse(buf).payloadLength());
        } finally {
            buf.release();
        }
    }

    @Test
    void rejectsTruncatedAndInconsistentPackets() {
        assertRejected("80e0ffff", "truncated");
        assertRejected("40e0ffff" + "00000000" + "00000000", "version must be 2 (was 1)");
        assertRejected("8f60" + "0001" + "00000000" + "00000000" + "11111111", "CSRC count 15");
        assertRejected("9060" + "0001" + "00000000" + "00000000" + "bede", "extension truncated");
        assertRejected("9060" + "0001" + "00000000" + "00000000" + "bede0002" + "00000000", "extension length 2 words");
        assertRejected("a060" + "0001" + "00000000" + "00000000" + "aa00", "padding count is 0");
        assertRejected("a060" + "0001" + "00000000" + "00000000" + "aa10", "padding of 16 bytes");
    }

    private static void assertRejected(String hex, String expectedMessagePart) {
        ByteBuf buf = hex(hex);
        try {
            RtpFormatException e = assertThrows(RtpFormatException.class, () -> RtpPacket.parse(buf));
            assertTrue(e.getMessage().contains(expectedMessagePart), e.getMessage());
        } finally {
            buf.release();
        }
    }

    @Test
    void rejectsRangesOutsideTheBuffer() {
        ByteBuf buf = hex(SIMPLE);
        try {
            assertThrows(IndexOutOfBoundsException.class, () -> RtpPacket.parse(buf, 4, SIMPLE.length()));
        } finally {
            buf.release();
        }
    }

    @Test
    void writerProducesExactBytesAndWrapsTheSequenceNumber() {
        RtpPacketWriter writer = new RtpPacketWriter(0xCAFEBABEL, 96, 65535);
        ByteBuf payload = hex("010203");
        ByteBuf first = writer.write(Unpooled.buffer().alloc(), 0xFFFFFFF0L, true, payload);
        ByteBuf second = writer.write(Unpooled.buffer().alloc(), 0xFFFFFFF0L, false, payload);
        try {
            assertEquals(SIMPLE, ByteBufUtil.hexDump(first));
            RtpPacket parsed = RtpPacket.parse(second);
            assertEquals(0, parsed.sequenceNumber());
            assertFalse(parsed.marker());
            assertEquals(1, writer.nextSequenceNumber());
            assertEquals(0, payload.readerIndex());
        } finally {
            payload.release();
            first.release();
            second.release();
        }
    }

    @Test
    void writerWritesCsrcsAndRejectsBadFields() {
        ByteBuf out = Unpooled.buffer();
        try {
            RtpPacketWriter.writeHeader(out, false, 0, 7, 8, 9, 0x11111111L);
            assertEquals("8100" + "0007" + "00000008" + "00000009" + "11111111", ByteBufUtil.hexDump(out));
            assertThrows(IllegalArgumentException.class, () -> RtpPacketWriter.writeHeader(out, false, 128, 0, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> RtpPacketWriter.writeHeader(out, false, 0, 65536, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> RtpPacketWriter.writeHeader(out, false, 0, 0, 1L << 32, 0));
        } finally {
            out.release();
        }
    }
}
