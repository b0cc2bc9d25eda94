package io.omnicast.media.rtcp;

import java.util.List;

/**
 * Sender report (PT=200), <a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1">RFC 3550 section
 * 6.4.1</a>: header, sender SSRC, NTP timestamp (64 bits), RTP timestamp, sender's packet and octet counts, then
 * RC {@link ReportBlock}s.
 *
 * @param ntpTimestamp 64-bit NTP time (seconds since 1900 in the high 32 bits), see {@link NtpTime}
 */
public record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
                           List<ReportBlock> reportBlocks) implements RtcpPacket {
    public SenderReport {
        RtcpCodec.checkUnsigned32("ssrc", ssrc);
        RtcpCodec.checkUnsigned32("rtpTimestamp", rtpTimestamp);
        RtcpCodec.checkUnsigned32("packetCount", packetCount);
        RtcpCodec.checkUnsigned32("octetCount", octetCount);
        reportBlocks = List.copyOf(reportBlocks);
        RtcpCodec.checkCount("report blocks", reportBlocks.size());
    }

    @Override
    public int packetType() {
        return RtcpPacketTypes.SENDER_REPORT;
    }
}
