package io.omnicast.bridge.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class BitstreamTest {
    private static final byte[] SPS = {0x67, 0x42, 0x00, 0x1E};
    private static final byte[] PPS = {0x68, (byte) 0xCE};
    private static final byte[] IDR = {0x65, 0x11, 0x22};
    private static final byte[] AUD = {0x09, (byte) 0xF0};

    @Test
    void readsAvccExtradataAndLengthPrefixedSamples() {
        byte[] avcc = {1, 0x42, 0, 0x1E, (byte) 0xFF, (byte) 0xE1, 0, 4, 0x67, 0x42, 0x00, 0x1E, 1, 0, 2, 0x68,
            (byte) 0xCE};
        H264Units.DecoderConfig config = H264Units.parseExtradata(avcc);
        assertEquals(4, config.nalLengthSize());
        assertArrayEquals(SPS, config.sps().get(0));
        assertArrayEquals(PPS, config.pps().get(0));
        byte[] sample = {9, 9, 0, 0, 0, 3, 0x65, 0x11, 0x22, 0, 0, 0, 2, 0x68, (byte) 0xCE};
        List<byte[]> units = H264Units.split(sample, 2, sample.length - 2, 4);
        assertArrayEquals(IDR, units.get(0));
        assertArrayEquals(PPS, units.get(1));
        assertThrows(IllegalArgumentException.class, () -> H264Units.split(sample, 2, 12, 4), "length overruns");
    }

    @Test
    void splitsAnnexBWithThreeAndFourByteStartCodes() {
        byte[] stream = {0, 0, 0, 1, 0x67, 0x42, 0x00, 0x1E, 0, 0, 1, 0x68, (byte) 0xCE, 0, 0, 0, 0, 1, 0x65, 0x11,
            0x22};
        List<byte[]> units = H264Units.splitAnnexB(stream, 0, stream.length);
        assertEquals(3, units.size());
        assertArrayEquals(PPS, units.get(1), "trailing zeros are not part of a NAL unit");
        H264Units.DecoderConfig annexBExtradata = H264Units.parseExtradata(java.util.Arrays.copyOf(stream, 13));
        assertEquals(1, annexBExtradata.sps().size());
        assertEquals(1, annexBExtradata.pps().size());
        assertEquals(false, annexBExtradata.isAvcc());
    }

    @Test
    void injectsParameterSetsBeforeKeyframesOnlyWhereMissingAndAfterTheDelimiter() {
        ParameterSetInjector injector = new ParameterSetInjector(SPS, PPS);
        List<byte[]> key = injector.apply(List.of(AUD, IDR));
        assertEquals(List.of(AUD, SPS, PPS, IDR), key);
        List<byte[]> complete = List.of(SPS, PPS, IDR);
        assertSame(complete, injector.apply(complete));
        List<byte[]> delta = List.of(new byte[] {0x41, 1});
        assertSame(delta, injector.apply(delta));
    }

    @Test
    void readsAacConfigFromAdts() {
        // ADTS header of AAC-LC 48 kHz stereo, 7 bytes, no CRC
        byte[] adts = {(byte) 0xFF, (byte) 0xF1, 0x4C, (byte) 0x80, 0x2E, 0x7F, (byte) 0xFC};
        assertEquals(true, AacConfig.hasAdtsHeader(adts, 0, adts.length));
        assertEquals(7, AacConfig.adtsHeaderBytes(adts, 0));
        byte[] asc = AacConfig.fromAdts(adts, 0);
        assertArrayEquals(new byte[] {0x11, (byte) 0x90}, asc);
        assertEquals(48_000, AacConfig.sampleRateOf(asc));
        assertEquals(2, AacConfig.channelsOf(asc));
    }
}
