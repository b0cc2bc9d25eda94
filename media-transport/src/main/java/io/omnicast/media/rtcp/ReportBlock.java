package io.omnicast.media.rtcp;

/**
 * One reception report block, <a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1">RFC 3550 section
 * 6.4.1</a>.
 *
 * <pre>
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * </pre>
 *
 * @param ssrc                    source this block reports on (unsigned 32 bits)
 * @param fractionLost            loss since the previous report, 8-bit fixed point (0..255 = 0..~100%)
 * @param cumulativeLost          signed 24-bit: duplicates can make it negative
 * @param extendedHighestSequence cycles * 65536 + highest sequence number (unsigned 32 bits)
 * @param jitter                  interarrival jitter in RTP timestamp units (unsigned 32 bits)
 * @param lastSenderReport        middle 32 bits of the last SR's NTP timestamp, 0 if none
 * @param delaySinceLastSenderReport in 1/65536 s, 0 if no SR was received
 */
public record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long extendedHighestSequence,
                          long jitter, long lastSenderReport, long delaySinceLastSenderReport) {
    public static final int MIN_CUMULATIVE_LOST = -(1 << 23);
    public static final int MAX_CUMULATIVE_LOST = (1 << 23) - 1;

    public ReportBlock {
        RtcpCodec.checkUnsigned32("ssrc", ssrc);
        if (fractionLost < 0 || fractionLost > 255) {
            throw new IllegalArgumentException("fractionLost must be between 0 and 255 (was " + fractionLost + ")");
        }
        if (cumulativeLost < MIN_CUMULATIVE_LOST || cumulativeLost > MAX_CUMULATIVE_LOST) {
            throw new IllegalArgumentException("cumulativeLost must be between " + MIN_CUMULATIVE_LOST + " and "
                    + MAX_CUMULATIVE_LOST + " (was " + cumulativeLost + ")");
        }
        RtcpCodec.checkUnsigned32("extendedHighestSequence", extendedHighestSequence);
        RtcpCodec.checkUnsigned32("jitter", jitter);
        RtcpCodec.checkUnsigned32("lastSenderReport", lastSenderReport);
        RtcpCodec.checkUnsigned32("delaySinceLastSenderReport", delaySinceLastSenderReport);
    }
}
