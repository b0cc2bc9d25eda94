package io.omnicast.media.rtcp;

import java.util.List;

/**
 * Receiver report (PT=201), <a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.4.2">RFC 3550 section
 * 6.4.2</a>: header, reporter SSRC, then RC {@link ReportBlock}s (possibly none).
 */
public record ReceiverReport(long ssrc, List<ReportBlock> reportBlocks) implements RtcpPacket {
    public ReceiverReport {
        RtcpCodec.checkUnsigned32("ssrc", ssrc);
        reportBlocks = List.copyOf(reportBlocks);
        RtcpCodec.checkCount("report blocks", reportBlocks.size());
    }

    @Override
    public int packetType() {
        return RtcpPacketTypes.RECEIVER_REPORT;
    }
}
