package io.omnicast.media.rtcp;

/**
 * RTCP packet types and the common header, <a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1">RFC
 * 3550 section 6.4</a> and <a href="https://www.rfc-editor.org/rfc/rfc4585#section-6.1">RFC 4585 section 6.1</a>.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| RC/FMT  |      PT       |    length (32-bit words - 1)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class RtcpPacketTypes {
    public static final int SENDER_REPORT = 200;
    public static final int RECEIVER_REPORT = 201;
    public static final int SOURCE_DESCRIPTION = 202;
    public static final int GOODBYE = 203;
    public static final int APPLICATION = 204;
    /** Transport-layer feedback (RFC 4585); FMT 1 is the generic NACK. */
    public static final int TRANSPORT_FEEDBACK = 205;
    public static final int PAYLOAD_FEEDBACK = 206;

    public static final int GENERIC_NACK_FMT = 1;
    public static final int SDES_CNAME = 1;

    public static final int VERSION = 2;
    public static final int HEADER_BYTES = 4;
    public static final int REPORT_BLOCK_BYTES = 24;
    /** RC, SC and FMT are 5-bit fields. */
    public static final int MAX_COUNT = 31;

    private RtcpPacketTypes() {
    }
}
