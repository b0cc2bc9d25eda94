package io.omnicast.bridge.media;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns H.264 as FFmpeg hands it over into NAL units: Annex-B byte streams (MPEG-TS, RTP, raw .h264, our own x264
 * output) or AVCC length-prefixed samples (MP4, FLV/RTMP), plus the {@code avcC} decoder configuration record
 * (ISO 14496-15 5.3.3.1) that carries SPS and PPS for the latter.
 *
 * <pre>
 * avcC: configurationVersion(8)=1 profile(8) compat(8) level(8) 111111b lengthSizeMinusOne(2)
 *       111b numSPS(5) { spsLength(16) sps } numPPS(8) { ppsLength(16) pps }
 * </pre>
 */
public final class H264Units {
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int IDR = 5;
    public static final int AUD = 9;

    /** The parameter sets and NAL length size of an extradata blob. */
    public record DecoderConfig(List<byte[]> sps, List<byte[]> pps, int nalLengthSize) {
        /** True when the samples are AVCC (length-prefixed); false for Annex B. */
        public boolean isAvcc() {
            return nalLengthSize > 0;
        }
    }

    private H264Units() {
    }

    public static int type(byte[] nalUnit) {
        return nalUnit[0] & 0x1F;
    }

    /**
     * Reads FFmpeg's {@code extradata} for H.264: an avcC record (first byte 1) or Annex-B SPS/PPS (or empty, as
     * MPEG-TS often leaves it: then the parameter sets come in-band).
     */
    public static DecoderConfig parseExtradata(byte[] extradata) {
        if (extradata == null || extradata.length == 0) {
            return new DecoderConfig(List.of(), List.of(), 0);
        }
        if (extradata[0] == 1) {
            if (extradata.length < 7) {
                throw new IllegalArgumentException("avcC record too short (" + extradata.length + " bytes)");
            }
            int lengthSize = (extradata[4] & 0x03) + 1;
            int pos = 5;
            List<byte[]> sps = new ArrayList<>();
            List<byte[]> pps = new ArrayList<>();
            int spsCount = extradata[pos++] & 0x1F;
            pos = readSets(extradata, pos, spsCount, sps);
            if (pos >= extradata.length) {
                throw new IllegalArgumentException("avcC record ends before its PPS count");
            }
            int ppsCount = extradata[pos++] & 0xFF;
            readSets(extradata, pos, ppsCount, pps);
            return new DecoderConfig(sps, pps, lengthSize);
        }
        List<byte[]> sps = new ArrayList<>();
        List<byte[]> pps = new ArrayList<>();
        for (byte[] nal : splitAnnexB(extradata, 0, extradata.length)) {
            if (type(nal) == SPS) {
                sps.add(nal);
            } else if (type(nal) == PPS) {
                pps.add(nal);
            }
        }
        return new DecoderConfig(sps, pps, 0);
    }

    private static int readSets(byte[] data, int pos, int count, List<byte[]> out) {
        for (int i = 0; i < count; i++) {
            if (pos + 2 > data.length) {
                throw new IllegalArgumentException("avcC record truncated in parameter set " + i);
            }
            int length = (data[pos] & 0xFF) << 8 | data[pos + 1] & 0xFF;
            pos += 2;
            if (length == 0 || pos + length > data.length) {
                throw new IllegalArgumentException("avcC parameter set of " + length + " bytes does not fit");
            }
            out.add(Arrays.copyOfRange(data, pos, pos + length));
            pos += length;
        }
        return pos;
    }

    /** NAL units of a sample in the given format: AVCC when {@code nalLengthSize > 0}, else Annex B. */
    public static List<byte[]> split(byte[] data, int offset, int length, int nalLengthSize) {
        return nalLengthSize > 0 ? splitLengthPrefixed(data, offset, length, nalLengthSize)
                : splitAnnexB(data, offset, length);
    }

    /** NAL units of an AVCC sample; a length that overruns the sample fails (a corrupt sample, not a guess). */
    public static List<byte[]> splitLengthPrefixed(byte[] data, int offset, int length, int nalLengthSize) {
        if (nalLengthSize < 1 || nalLengthSize > 4) {
            throw new IllegalArgumentException("NAL length size must be 1..4 bytes (was " + nalLengthSize + ")");
        }
        List<byte[]> units = new ArrayList<>();
        int pos = offset;
        int end = offset + length;
        while (pos + nalLengthSize <= end) {
            int size = 0;
            for (int i = 0; i < nalLengthSize; i++) {
                size = size << 8 | data[pos + i] & 0xFF;
            }
            pos += nalLengthSize;
            if (size < 0 || size > end - pos) {
                throw new IllegalArgumentException("AVCC NAL unit of " + size + " bytes overruns the sample ("
                        + (end - pos) + " bytes left)");
            }
            if (size > 0) {
                units.add(Arrays.copyOfRange(data, pos, pos + size));
            }
            pos += size;
        }
        return units;
    }

    /** NAL units between start codes (3 or 4 bytes); trailing zero bytes are not part of a NAL unit. */
    public static List<byte[]> splitAnnexB(byte[] data, int offset, int length) {
        List<byte[]> units = new ArrayList<>();
        int end = offset + length;
        int nalStart = -1;
        int i = offset;
        while (i + 2 < end) {
            if ((data[i + 2] & 0xFF) > 1) {
                i += 3;
            } else if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) {
                if (nalStart >= 0) {
                    addTrimmed(data, nalStart, i, units);
                }
                i += 3;
                nalStart = i;
            } else {
                i++;
            }
        }
        if (nalStart >= 0) {
            addTrimmed(data, nalStart, end, units);
        }
        return units;
    }

    private static void addTrimmed(byte[] data, int start, int end, List<byte[]> out) {
        while (end > start && data[end - 1] == 0) {
            end--;
        }
        if (end > start) {
            out.add(Arrays.copyOfRange(data, start, end));
        }
    }

    /** True when one of the units is an IDR slice. */
    public static boolean containsIdr(List<byte[]> units) {
        for (byte[] unit : units) {
            if (type(unit) == IDR) {
                return true;
            }
        }
        return false;
    }
}
