package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.RtpPacketWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.omnicast.media.h264.H264TestPackets.nal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class H264PacketizerTest {
    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;

    @Test
    void aggregatesSpsAndPpsInAStapAAndFragmentsALargeIdr() {
        H264Packetizer packetizer = new H264Packetizer(1000);
        List<ByteBuf> nals = List.of(nal(0x67, 20, 1), nal(0x68, 4, 2), nal(0x65, 2500, 3));
        List<ByteBuf> packets = new ArrayList<>();
        try {
            packetizer.packetize(nals, 90_000, new RtpPacketWriter(1, 96, 65534), ALLOC, packets);
            assertEquals(4, packets.size(), "STAP-A + three FU-A fragments of 998 bytes for 2499 bytes");
            RtpPacket stap = RtpPacket.parse(packets.get(0));
            assertEquals(0x78, stap.payload().getUnsignedByte(0), "STAP-A with the highest NRI (3)");
            assertEquals(1 + 2 + 20 + 2 + 4, stap.payloadLength());
            assertFalse(stap.marker());
            RtpPacket firstFragment = RtpPacket.parse(packets.get(1));
            assertEquals("7c85", ByteBufUtil.hexDump(firstFragment.payload(), 0, 2));
            assertEquals(1000, firstFragment.payloadLength());
            RtpPacket lastFragment = RtpPacket.parse(packets.get(3));
            assertEquals("7c45", ByteBufUtil.hexDump(lastFragment.payload(), 0, 2));
            assertTrue(lastFragment.marker());
            assertEquals(1, lastFragment.sequenceNumber(), "65534, 65535, 0, 1");
            assertTrue(KeyframeDetector.startsIdrSlice(firstFragment));
            assertFalse(KeyframeDetector.startsIdrSlice(lastFragment));
            assertTrue(KeyframeDetector.carriesParameterSet(stap));
            assertFalse(KeyframeDetector.startsIdrSlice(stap));
        } finally {
            nals.forEach(ByteBuf::release);
            packets.forEach(ByteBuf::release);
        }
    }

    @Test
    void aSingleSmallNalUnitGoesInASingleNalUnitPacket() {
        H264Packetizer packetizer = new H264Packetizer();
        ByteBuf nal = nal(0x41, 300, 9);
        List<ByteBuf> packets = new ArrayList<>();
        try {
            packetizer.packetize(List.of(nal), 0, new RtpPacketWriter(1, 96, 0), ALLOC, packets);
            assertEquals(1, packets.size());
            RtpPacket packet = RtpPacket.parse(packets.get(0));
            assertTrue(packet.marker());
            assertEquals(ByteBufUtil.hexDump(nal), ByteBufUtil.hexDump(packet.payload()));
        } finally {
            nal.release();
            packets.forEach(ByteBuf::release);
        }
    }

    @Test
    void rejectsBadLimitsAndEmptyInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new H264Packetizer(10));
        assertEquals("maxPayloadBytes must be between 64 and 65495 bytes (was 10)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new H264Packetizer().packetize(List.of(), 0,
                new RtpPacketWriter(1, 96, 0), ALLOC, new ArrayList<>()));
    }

    @Test
    void packetizeThenDepacketizeGivesBackTheSameNalUnitsForRandomSizes() {
        Random random = new Random(42);
        H264Packetizer packetizer = new H264Packetizer(1200);
        RtpPacketWriter writer = new RtpPacketWriter(7, 96, 65000); // crosses the sequence wrap
        H264Depacketizer depacketizer = new H264Depacketizer(ALLOC);
        for (int frame = 0; frame < 120; frame++) {
            List<ByteBuf> nals = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                int size = 1 + switch (random.nextInt(3)) {
                    case 0 -> random.nextInt(20);
                    case 1 -> random.nextInt(1500);
                    default -> random.nextInt(40_000);
                };
                nals.add(nal(random.nextBoolean() ? 0x65 : 0x41, size, random.nextInt()));
            }
            try {
                roundTrip(nals, frame * 3000L, packetizer, writer, depacketizer);
            } finally {
                nals.forEach(ByteBuf::release);
            }
        }
        assertEquals(0, depacketizer.droppedCount());
    }

    @Test
    void realX264StreamSurvivesARoundTripByteForByte() throws IOException {
        ByteBuf stream;
        try (InputStream in = getClass().getResourceAsStream("testsrc2-320x240-1s.h264")) {
            assertNotNull(in);
            stream = Unpooled.wrappedBuffer(in.readAllBytes());
        }
        try {
            List<ByteBuf> nals = AnnexB.split(stream);
            assertTrue(nals.size() > 30, "30 frames plus parameter sets, got " + nals.size());
            H264Packetizer packetizer = new H264Packetizer();
            RtpPacketWriter writer = new RtpPacketWriter(7, 96, 65530);
            H264Depacketizer depacketizer = new H264Depacketizer(ALLOC);
            List<ByteBuf> accessUnit = new ArrayList<>();
            long timestamp = 0;
            int keyframes = 0;
            for (ByteBuf nal : nals) {
                accessUnit.add(nal);
                int type = NalUnitTypes.typeOf(nal.getByte(nal.readerIndex()));
                if (type == NalUnitTypes.IDR_SLICE || type == NalUnitTypes.NON_IDR_SLICE) {
                    keyframes += type == NalUnitTypes.IDR_SLICE ? 1 : 0;
                    roundTrip(accessUnit, timestamp, packetizer, writer, depacketizer);
                    accessUnit = new ArrayList<>();
                    timestamp += 3000;
                }
            }
            assertEquals(2, keyframes, "GOP of 15 frames in one second");
        } finally {
            stream.release();
        }
    }

    /** Packetizes {@code nals}, depacketizes the packets, checks equality, releases what it made. */
    private static void roundTrip(List<ByteBuf> nals, long timestamp, H264Packetizer packetizer,
                                  RtpPacketWriter writer, H264Depacketizer depacketizer) {
        List<ByteBuf> packets = new ArrayList<>();
        List<AccessUnit> units = new ArrayList<>();
        try {
            packetizer.packetize(nals, timestamp, writer, ALLOC, packets);
            for (int i = 0; i < packets.size(); i++) {
                H264Depacketizer.Status status = depacketizer.push(RtpPacket.parse(packets.get(i)), units);
                assertEquals(i == packets.size() - 1 ? H264Depacketizer.Status.ACCESS_UNIT_COMPLETE
                        : H264Depacketizer.Status.NEED_MORE_PACKETS, status);
                assertTrue(RtpPacket.parse(packets.get(i)).payloadLength() <= packetizer.maxPayloadBytes());
            }
            assertEquals(1, units.size());
            AccessUnit unit = units.get(0);
            assertEquals(timestamp, unit.timestamp());
            assertEquals(nals.size(), unit.nalUnitCount());
            for (int i = 0; i < nals.size(); i++) {
                assertTrue(ByteBufUtil.equals(nals.get(i), unit.nalUnit(i)), "NAL unit " + i + " differs");
            }
        } finally {
            packets.forEach(ByteBuf::release);
            units.forEach(AccessUnit::release);
        }
    }
}
