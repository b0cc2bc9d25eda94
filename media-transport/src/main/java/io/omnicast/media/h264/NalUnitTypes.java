package io.omnicast.media.h264;

/**
 * NAL unit types of H.264 (ITU-T H.264 table 7-1) and the RTP packetization types of
 * <a href="https://www.rfc-editor.org/rfc/rfc6184#section-5.2">RFC 6184 section 5.2</a>.
 *
 * <pre>
 * NAL unit header (RFC 6184 section 1.3):
 * +---------------+
 * |0|1|2|3|4|5|6|7|
 * +-+-+-+-+-+-+-+-+
 * |F|NRI|  Type   |
 * +---------------+
 * </pre>
 */
public final class NalUnitTypes {
    public static final int NON_IDR_SLICE = 1;
    /** Instantaneous decoder refresh: a decoder can start here (with SPS and PPS). */
    public static final int IDR_SLICE = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int ACCESS_UNIT_DELIMITER = 9;
    /** Single-time aggregation packet (RFC 6184 section 5.7.1). */
    public static final int STAP_A = 24;
    public static final int STAP_B = 25;
    public static final int MTAP16 = 26;
    public static final int MTAP24 = 27;
    /** Fragmentation unit without DON (RFC 6184 section 5.8). */
    public static final int FU_A = 28;
    public static final int FU_B = 29;

    static final int TYPE_MASK = 0x1F;
    /** F and NRI bits, kept when a NAL header is rebuilt from an FU indicator. */
    static final int F_NRI_MASK = 0xE0;
    static final int NRI_MASK = 0x60;
    static final int FORBIDDEN_BIT = 0x80;

    static final int FU_START_BIT = 0x80;
    static final int FU_END_BIT = 0x40;
    /** FU indicator plus FU header. */
    static final int FU_A_HEADER_BYTES = 2;
    /** STAP-A NAL header byte. */
    static final int STAP_A_HEADER_BYTES = 1;
    /** 16-bit NAL unit size in front of every NAL inside a STAP-A. */
    static final int STAP_A_SIZE_BYTES = 2;

    private NalUnitTypes() {
    }

    /** The type field of a NAL unit header (or of an RTP payload's first byte). */
    public static int typeOf(int headerByte) {
        return headerByte & TYPE_MASK;
    }
}
