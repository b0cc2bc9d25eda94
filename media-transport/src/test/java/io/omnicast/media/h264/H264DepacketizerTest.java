package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.omnicast.media.h264.H264Depacketizer.DropReason;
import io.omnicast.media.h264.H264Depacketizer.Status;
import io.omnicast.media.rtp.RtpPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.omnicast.media.h264.H264TestPackets.packet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class H264DepacketizerTest {
    private final List<String> drops = new ArrayList<>();
    private final H264Depacketizer depacketizer = new H264Depacketizer(UnpooledByteBufAllocator.DEFAULT, 4096, 8,
            (reason, detail) -> drops.add(reason + ": " + detail));
    private final List<AccessUnit> out = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        out.forEach(AccessUnit::release);
        depacketizer.reset();
    }

    private Status push(ByteBuf buf) {
        try {
            return depacketizer.push(RtpPacket.parse(buf), out);
        } finally {
            buf.release();
        }
    }

    @Test
    void singleNalUnitPacketWithMarkerCompletesAnAccessUnit() {
        assertEquals(Status.ACCESS_UNIT_COMPLETE, push(packet(1, 3000, true, 0x65, 0xAA, 0xBB)));
        assertEquals(1, out.size());
        AccessUnit unit = out.get(0);
        assertEquals(3000, unit.timestamp());
        assertEquals("65aabb", ByteBufUtil.hexDump(unit.nalUnit(0)));
        assertTrue(unit.isKeyframe());
        assertFalse(unit.isDamaged());
    }

    @Test
    void stapAIsSplitIntoItsNalUnits() {
        assertEquals(Status.NEED_MORE_PACKETS,
                push(packet(1, 0, false, 0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x01, 0x68)));
        assertEquals(Status.ACCESS_UNIT_COMPLETE, push(packet(2, 0, true, 0x65, 0x01)));
        AccessUnit unit = out.get(0);
        assertEquals(3, unit.nalUnitCount());
        assertEquals("6742", ByteBufUtil.hexDump(unit.nalUnit(0)));
        assertEquals("68", ByteBufUtil.hexDump(unit.nalUnit(1)));
        assertEquals("6501", ByteBufUtil.hexDump(unit.nalUnit(2)));
    }

    @Test
    void fuARunIsReassembledWithTheOriginalNalHeader() {
        assertEquals(Status.NEED_MORE_PACKETS, push(packet(10, 0, false, 0x7C, 0x85, 0x01, 0x02)));
        assertEquals(Status.NEED_MORE_PACKETS, push(packet(11, 0, false, 0x7C, 0x05, 0x03)));
        assertEquals(Status.ACCESS_UNIT_COMPLETE, push(packet(12, 0, true, 0x7C, 0x45, 0x04)));
        assertEquals("6501020304", ByteBufUtil.hexDump(out.get(0).nalUnit(0)));
    }

    @Test
    void fuARunAcrossTheSequenceWrapIsNotALoss() {
        push(packet(65534, 0, false, 0x5C, 0x81, 0x01));
        push(packet(65535, 0, false, 0x5C, 0x01, 0x02));
        assertEquals(Status.ACCESS_UNIT_COMPLETE, push(packet(0, 0, true, 0x5C, 0x41, 0x03)));
        assertEquals("41010203", ByteBufUtil.hexDump(out.get(0).nalUnit(0)));
        assertFalse(out.get(0).isDamaged());
        assertTrue(drops.isEmpty(), drops.toString());
    }

    @Test
    void lossInTheMiddleOfAnFuARunDropsThatNalUnitOnlyAndSaysWhy() {
        push(packet(100, 0, false, 0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x01, 0x68)); // SPS+PPS
        push(packet(101, 0, false, 0x7C, 0x85, 0x01)); // IDR start
        // 102 lost
        assertEquals(Status.DROPPED, push(packet(103, 0, false, 0x7C, 0x05, 0x03)));
        assertEquals(2, drops.size(), drops.toString());
        assertTrue(drops.get(0).startsWith(DropReason.FU_A_SEQUENCE_GAP.name()), "the partial IDR goes first");
        assertTrue(drops.get(1).startsWith(DropReason.FU_A_WITHOUT_START.name()), "then the orphan fragment");
        assertEquals(Status.ACCESS_UNIT_COMPLETE, push(packet(104, 0, true, 0x41, 0x09)));
        AccessUnit unit = out.get(0);
        assertTrue(unit.isDamaged());
        assertEquals(3, unit.nalUnitCount(), "SPS, PPS and the later slice survive; the broken IDR does not");
        assertEquals("4109", ByteBufUtil.hexDump(unit.nalUnit(2)));
        assertTrue(drops.get(0).contains("seq 103 follows 101 (1 lost)"), drops.toString());
    }

    @Test
    void fragmentsWhoseStartWasLostAreDropped() {
        push(packet(1, 0, true, 0x41, 0x01));
        assertEquals(Status.DROPPED, push(packet(3, 90, false, 0x7C, 0x05, 0x03)));
        assertEquals(DropReason.FU_A_WITHOUT_START, depacketizer.lastDropReason());
        assertEquals(Status.DROPPED, push(packet(4, 90, true, 0x7C, 0x45, 0x04)));
        assertEquals(1, out.size(), "nothing survives of the second access unit");
        assertEquals(Status.ACCESS_UNIT_COMPLETE, push(packet(5, 180, true, 0x41, 0x02)));
    }

    @Test
    void timestampChangeCompletesAnAccessUnitWithoutMarker() {
        assertEquals(Status.NEED_MORE_PACKETS, push(packet(1, 0, false, 0x41, 0x01)));
        assertEquals(Status.ACCESS_UNIT_COMPLETE, push(packet(2, 3000, false, 0x41, 0x02)));
        assertEquals(0, out.get(0).timestamp());
        assertEquals(Status.ACCESS_UNIT_COMPLETE, push(packet(3, 6000, true, 0x41, 0x03)));
        assertEquals(3000, out.get(1).timestamp());
        assertEquals(6000, out.get(2).timestamp());
    }

    @Test
    void timestampChangeDuringAnFuARunDropsThePartialNalUnit() {
        push(packet(1, 0, false, 0x41, 0x01));
        push(packet(2, 0, false, 0x5C, 0x81, 0x02));
        assertEquals(Status.ACCESS_UNIT_COMPLETE, push(packet(3, 3000, false, 0x41, 0x03)));
        assertEquals(DropReason.FU_A_INCOMPLETE, depacketizer.lastDropReason());
        assertEquals(1, out.get(0).nalUnitCount());
        assertTrue(out.get(0).isDamaged());
    }

    @Test
    void accessUnitOverTheSizeCapIsDroppedWhole() {
        int[] big = new int[1400];
        big[0] = 0x5C;
        big[1] = 0x81;
        push(packet(1, 0, false, big));
        big[1] = 0x01;
        push(packet(2, 0, false, big));
        push(packet(3, 0, false, big));
        assertEquals(Status.DROPPED, push(packet(4, 0, false, big)));
        assertEquals(DropReason.ACCESS_UNIT_TOO_LARGE, depacketizer.lastDropReason());
        assertEquals(Status.DROPPED, push(packet(5, 0, true, 0x5C, 0x41, 0x01)));
        assertEquals(Status.ACCESS_UNIT_COMPLETE, push(packet(6, 3000, true, 0x41, 0x01)));
        assertEquals(1, out.size());
    }

    @Test
    void tooManyNalUnitsIsDroppedWhole() {
        for (int i = 0; i < 8; i++) {
            push(packet(i, 0, false, 0x41, i));
        }
        assertEquals(Status.DROPPED, push(packet(8, 0, false, 0x41, 8)));
        assertEquals(DropReason.TOO_MANY_NAL_UNITS, depacketizer.lastDropReason());
        push(packet(9, 0, true, 0x41, 9));
        assertTrue(out.isEmpty());
    }

    @Test
    void malformedPayloadsAreDroppedNotThrown() {
        assertEquals(Status.DROPPED, push(packet(1, 0, false, 0x78, 0x00, 0x05, 0x67)));
        assertEquals(DropReason.MALFORMED_STAP_A, depacketizer.lastDropReason());
        assertEquals(Status.DROPPED, push(packet(2, 0, false, 0x7C)));
        assertEquals(DropReason.MALFORMED_FU_A, depacketizer.lastDropReason());
        assertEquals(Status.DROPPED, push(packet(3, 0, false, 0x7C, 0xC5, 0x01)));
        assertEquals(DropReason.MALFORMED_FU_A, depacketizer.lastDropReason());
        assertEquals(Status.DROPPED, push(packet(4, 0, false, 0x79, 0x00)));
        assertEquals(DropReason.UNSUPPORTED_PACKET_TYPE, depacketizer.lastDropReason());
        assertEquals(Status.DROPPED, push(packet(5, 0, false)));
        assertEquals(DropReason.EMPTY_PAYLOAD, depacketizer.lastDropReason());
        assertEquals(Status.DROPPED, push(packet(4, 0, false, 0x41)));
        assertEquals(DropReason.OUT_OF_ORDER, depacketizer.lastDropReason());
    }

    @Test
    void parsesPacketsAtNonZeroOffsets() {
        ByteBuf carrier = io.netty.buffer.Unpooled.buffer();
        carrier.writeZero(7);
        ByteBuf inner = packet(1, 0, true, 0x41, 0x55);
        carrier.writeBytes(inner);
        inner.release();
        carrier.writeZero(5);
        try {
            RtpPacket rtp = RtpPacket.parse(carrier, 7, carrier.readableBytes() - 12);
            assertEquals(Status.ACCESS_UNIT_COMPLETE, depacketizer.push(rtp, out));
            assertEquals("4155", ByteBufUtil.hexDump(out.get(0).nalUnit(0)));
        } finally {
            carrier.release();
        }
    }
}
