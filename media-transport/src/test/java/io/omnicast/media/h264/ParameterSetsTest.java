package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.omnicast.media.rtp.RtpPacket;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.omnicast.media.h264.H264TestPackets.packet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterSetsTest {
    /** What ffmpeg 5 with libx264 sends for 1280x720 High profile (see sdp/ffmpeg-announce.sdp). */
    private static final String FFMPEG_SPROP = "Z2QAH6zZQFAFuwEQAAADABAAAAMDwPGDGWA=,aOvjyyLA";

    @Test
    void decodesFfmpegSpropParameterSets() {
        ParameterSets sets = ParameterSets.fromSprop(FFMPEG_SPROP);
        assertTrue(sets.isComplete());
        assertEquals(0x67, sets.sps()[0]);
        assertEquals("68ebe3cb22c0", ByteBufUtil.hexDump(sets.pps()));
        assertEquals("64001F", sets.profileLevelId());
        assertEquals(FFMPEG_SPROP, sets.toSprop());
        assertEquals(2, sets.nalUnits().size());
    }

    @Test
    void rejectsBadSprop() {
        assertThrows(H264FormatException.class, () -> ParameterSets.fromSprop("Z2Q!!,aOvj"));
        assertThrows(H264FormatException.class, () -> ParameterSets.fromSprop("Z2QA,,aOvjyyLA"));
        assertThrows(H264FormatException.class, () -> ParameterSets.fromSprop("A".repeat(9000)));
        assertThrows(H264FormatException.class, () -> ParameterSets.of(new byte[] {0x68}, null));
    }

    @Test
    void trackerFollowsInBandParameterSetsInSingleAndStapAPackets() {
        ParameterSetTracker tracker = new ParameterSetTracker(ParameterSets.fromSprop(FFMPEG_SPROP));
        ByteBuf stap = packet(1, 0, false, 0x78, 0x00, 0x03, 0x67, 0x42, 0x00, 0x00, 0x02, 0x68, 0x01);
        ByteBuf single = packet(2, 0, false, 0x68, 0x02);
        ByteBuf slice = packet(3, 0, false, 0x65, 0x02);
        try {
            assertTrue(tracker.onRtpPacket(RtpPacket.parse(stap)));
            assertEquals("674200", ByteBufUtil.hexDump(tracker.current().sps()));
            assertEquals("6801", ByteBufUtil.hexDump(tracker.current().pps()));
            assertFalse(tracker.onRtpPacket(RtpPacket.parse(stap)), "same sets again: no change");
            assertTrue(tracker.onRtpPacket(RtpPacket.parse(single)));
            assertEquals("6802", ByteBufUtil.hexDump(tracker.current().pps()));
            assertFalse(tracker.onRtpPacket(RtpPacket.parse(slice)));
        } finally {
            stap.release();
            single.release();
            slice.release();
        }
    }

    @Test
    void annexBSplitsThreeAndFourByteStartCodesAtAnOffset() {
        ByteBuf stream = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
                "ffff" + "00000001" + "6742" + "000001" + "68ce" + "0000" + "00000001" + "658880"));
        try {
            stream.skipBytes(2);
            List<ByteBuf> nals = AnnexB.split(stream);
            assertEquals(3, nals.size());
            assertEquals("6742", ByteBufUtil.hexDump(nals.get(0)));
            assertEquals("68ce", ByteBufUtil.hexDump(nals.get(1)), "trailing zeros are not part of the NAL unit");
            assertEquals("658880", ByteBufUtil.hexDump(nals.get(2)));
            ByteBuf written = Unpooled.buffer();
            AnnexB.write(nals, written);
            assertEquals("00000001674200000001" + "68ce" + "00000001658880", ByteBufUtil.hexDump(written));
            written.release();
        } finally {
            stream.release();
        }
    }

    @Test
    void keyframeDetectorLooksInsideStapA() {
        ByteBuf stap = packet(1, 0, false, 0x78, 0x00, 0x01, 0x67, 0x00, 0x02, 0x65, 0x01);
        ByteBuf middleFragment = packet(2, 0, false, 0x7C, 0x05, 0x01);
        ByteBuf empty = packet(3, 0, false);
        try {
            assertTrue(KeyframeDetector.startsIdrSlice(RtpPacket.parse(stap)));
            assertTrue(KeyframeDetector.carriesParameterSet(RtpPacket.parse(stap)));
            assertFalse(KeyframeDetector.startsIdrSlice(RtpPacket.parse(middleFragment)));
            assertFalse(KeyframeDetector.startsIdrSlice(RtpPacket.parse(empty)));
        } finally {
            stap.release();
            middleFragment.release();
            empty.release();
        }
    }
}
