package io.omnicast.media.rtcp;

import java.time.Instant;
import java.util.List;

/**
 * What a sender counts for its sender reports (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.4.1">RFC
 * 3550 section 6.4.1</a>): packets and payload octets sent, and the NTP/RTP timestamp pair that lets receivers
 * synchronise tracks. One per outgoing source; not thread-safe.
 */
public final class SenderStatistics {
    private final long ssrc;
    private final int clockRate;
    private long packetCount;
    private long octetCount;
    private boolean hasReference;
    private long referenceRtpTimestamp;
    private Instant referenceTime;

    public SenderStatistics(long ssrc, int clockRate) {
        RtcpCodec.checkUnsigned32("ssrc", ssrc);
        if (clockRate < 1000 || clockRate > 1_000_000) {
            throw new IllegalArgumentException("clockRate must be between 1000 and 1000000 Hz (was " + clockRate + ")");
        }
        this.ssrc = ssrc;
        this.clockRate = clockRate;
    }

    /**
     * Counts one sent packet.
     *
     * @param payloadBytes RTP payload bytes (header and padding are not counted, RFC 3550)
     * @param rtpTimestamp the packet's timestamp, remembered with {@code sentAt} to extrapolate SR timestamps
     */
    public void onPacketSent(int payloadBytes, long rtpTimestamp, Instant sentAt) {
        packetCount++;
        octetCount += payloadBytes;
        referenceRtpTimestamp = rtpTimestamp;
        referenceTime = sentAt;
        hasReference = true;
    }

    public long packetCount() {
        return packetCount;
    }

    public long octetCount() {
        return octetCount;
    }

    /** True once a packet was sent: a sender report before that would carry no useful timestamp. */
    public boolean hasSent() {
        return hasReference;
    }

    /**
     * A sender report for {@code now}: the RTP timestamp is extrapolated from the last packet sent, as RFC 3550
     * asks (the timestamp "corresponds to the same time as the NTP timestamp"). Counts wrap at 2^32.
     */
    public SenderReport senderReport(Instant now, List<ReportBlock> reportBlocks) {
        long rtpTimestamp = 0;
        if (hasReference) {
            long elapsedMicros = java.time.Duration.between(referenceTime, now).toNanos() / 1000;
            rtpTimestamp = (referenceRtpTimestamp + elapsedMicros * clockRate / 1_000_000) & 0xFFFF_FFFFL;
        }
        return new SenderReport(ssrc, NtpTime.fromInstant(now), rtpTimestamp, packetCount & 0xFFFF_FFFFL,
                octetCount & 0xFFFF_FFFFL, reportBlocks);
    }
}
