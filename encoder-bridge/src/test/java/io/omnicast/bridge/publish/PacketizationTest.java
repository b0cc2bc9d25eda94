package io.omnicast.bridge.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.omnicast.bridge.media.AacConfig;
import io.omnicast.bridge.media.AudioTrack;
import io.omnicast.bridge.media.StreamInfo;
import io.omnicast.bridge.media.VideoTrack;
import io.omnicast.media.rtp.RtpPacketWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PacketizationTest {
    /** A real x264 baseline SPS (profile 66, level 3.0) and PPS. */
    private static final byte[] SPS = {0x67, 0x42, (byte) 0xC0, 0x1E, (byte) 0xD9, 0x01, 0x40, 0x16, (byte) 0xE8};
    private static final byte[] PPS = {0x68, (byte) 0xCE, 0x0F, (byte) 0xC8};

    @Test
    void sdpAdvertisesTheActualParameterSetsAndAacConfig() {
        byte[] config = AacConfig.audioSpecificConfig(2, AacConfig.frequencyIndex(48_000), 2);
        StreamInfo info = new StreamInfo(new VideoTrack(320, 240, 30, SPS, PPS),
                Optional.of(new AudioTrack(48_000, 2, config)), "test");
        String sdp = SdpDescription.write(info, 1);
        assertTrue(sdp.contains("a=rtpmap:96 H264/90000\r\n"), sdp);
        assertTrue(sdp.contains("profile-level-id=42C01E"), sdp);
        assertTrue(sdp.contains("sprop-parameter-sets=Z0LAHtkBQBbo,aM4PyA=="), sdp);
        assertTrue(sdp.contains("a=rtpmap:97 mpeg4-generic/48000/2\r\n"), sdp);
        assertTrue(sdp.contains("mode=AAC-hbr; sizelength=13; indexlength=3; indexdeltalength=3; config=1190"), sdp);
        assertTrue(sdp.contains("a=control:trackID=0") && sdp.contains("a=control:trackID=1"), sdp);
    }

    @Test
    void aacFrameGoesInOnePacketBehindOneAuHeader() {
        List<ByteBuf> out = new ArrayList<>();
        byte[] frame = new byte[300];
        frame[299] = 7;
        new AacPacketizer(1400).packetize(frame, 1234, new RtpPacketWriter(1, 97, 10),
                UnpooledByteBufAllocator.DEFAULT, out);
        assertEquals(1, out.size());
        ByteBuf p = out.get(0);
        assertEquals(0x80, p.getUnsignedByte(1) & 0x80, "marker on the last packet");
        assertEquals(16, p.getUnsignedShort(12), "AU-headers-length in bits");
        assertEquals(300, p.getUnsignedShort(14) >> 3, "AU-size");
        assertEquals(12 + 4 + 300, p.readableBytes());
        assertEquals(7, p.getByte(p.writerIndex() - 1));
        out.forEach(ByteBuf::release);
    }

    @Test
    void largeAacFrameIsFragmentedWithTheWholeSizeInEveryHeader() {
        List<ByteBuf> out = new ArrayList<>();
        new AacPacketizer(100).packetize(new byte[250], 0, new RtpPacketWriter(1, 97, 65535),
                UnpooledByteBufAllocator.DEFAULT, out);
        assertEquals(3, out.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(250, out.get(i).getUnsignedShort(14) >> 3);
            assertEquals(i == 2, (out.get(i).getUnsignedByte(1) & 0x80) != 0);
        }
        assertEquals(0, out.get(1).getUnsignedShort(2), "sequence numbers wrap");
        out.forEach(ByteBuf::release);
        assertThrows(IllegalArgumentException.class, () -> new AacPacketizer(100).packetize(new byte[8192], 0,
                new RtpPacketWriter(1, 97, 0), UnpooledByteBufAllocator.DEFAULT, new ArrayList<ByteBuf>()));
        assertFalse(out.isEmpty());
    }
}
