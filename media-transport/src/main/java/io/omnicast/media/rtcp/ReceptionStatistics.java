package io.omnicast.media.rtcp;

import io.omnicast.media.rtp.ExtendedSequenceTracker;

/**
 * What a receiver knows about one source, turned into {@link ReportBlock}s for its receiver reports: loss
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#appendix-A.3">RFC 3550 A.3</a>), interarrival jitter
 * (<a href="https://www.rfc-editor.org/rfc/rfc3550#appendix-A.8">A.8</a>) and the LSR/DLSR echo that lets the
 * sender measure round-trip time. One per source; not thread-safe (the receiving event loop owns it).
 */
public final class ReceptionStatistics {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long ssrc;
    private final int clockRate;
    private final ExtendedSequenceTracker sequences;
    private boolean hasTransit;
    private long firstArrivalNanos;
    private int lastTransit;
    /** Jitter scaled by 16, the integer form of A.8 ({@code J += (|D| - J) / 16}). */
    private long jitterScaled;
    private long lastSenderReport;
    private long lastSenderReportArrivalNanos;
    private boolean hasSenderReport;

    /**
     * @param ssrc      the source's SSRC
     * @param clockRate its RTP clock in Hz (90000 for video, the sample rate for audio)
     */
    public ReceptionStatistics(long ssrc, int clockRate) {
        this(ssrc, clockRate, new ExtendedSequenceTracker());
    }

    public ReceptionStatistics(long ssrc, int clockRate, ExtendedSequenceTracker sequences) {
        RtcpCodec.checkUnsigned32("ssrc", ssrc);
        if (clockRate < 1000 || clockRate > 1_000_000) {
            throw new IllegalArgumentException("clockRate must be between 1000 and 1000000 Hz (was " + clockRate + ")");
        }
        this.ssrc = ssrc;
        this.clockRate = clockRate;
        this.sequences = sequences;
    }

    /**
     * Accounts one received RTP packet.
     *
     * @param arrivalNanos arrival time from a monotonic clock ({@link System#nanoTime()})
     */
    public void onPacket(int sequenceNumber, long rtpTimestamp, long arrivalNanos) {
        boolean counted = sequences.update(sequenceNumber);
        if (!counted) {
            return;
        }
        if (!hasTransit) {
            firstArrivalNanos = arrivalNanos;
        }
        // Arrival in RTP clock units, relative to the first packet so the product cannot overflow.
        long arrival = (arrivalNanos - firstArrivalNanos) / 1000 * clockRate / 1_000_000;
        int transit = (int) (arrival - rtpTimestamp);
        if (hasTransit) {
            long d = Math.abs((long) transit - lastTransit);
            jitterScaled += d - ((jitterScaled + 8) >> 4);
        }
        lastTransit = transit;
        hasTransit = true;
    }

    /** Remembers an SR from this source so the next report block echoes it (LSR) with the delay since (DLSR). */
    public void onSenderReport(SenderReport report, long arrivalNanos) {
        lastSenderReport = NtpTime.middle32(report.ntpTimestamp());
        lastSenderReportArrivalNanos = arrivalNanos;
        hasSenderReport = true;
    }

    /** Interarrival jitter in RTP timestamp units. */
    public long jitter() {
        return jitterScaled >> 4;
    }

    public ExtendedSequenceTracker sequences() {
        return sequences;
    }

    public long cumulativeLost() {
        return sequences.cumulativeLost();
    }

    /** True once the source passed probation: only then is a report block meaningful. */
    public boolean hasReport() {
        return sequences.isValid();
    }

    /**
     * The report block for the next RR or SR; starts a new loss interval (the fraction lost is since the previous
     * call).
     *
     * @param nowNanos the same monotonic clock as {@link #onPacket}
     */
    public ReportBlock reportBlock(long nowNanos) {
        long lost = sequences.cumulativeLost();
        int clampedLost = (int) Math.max(ReportBlock.MIN_CUMULATIVE_LOST, Math.min(ReportBlock.MAX_CUMULATIVE_LOST, lost));
        long delay = 0;
        if (hasSenderReport) {
            // DLSR is in units of 1/65536 s.
            delay = Math.min(0xFFFF_FFFFL, Math.max(0, nowNanos - lastSenderReportArrivalNanos) * 65536 / NANOS_PER_SECOND);
        }
        return new ReportBlock(ssrc, sequences.takeFractionLost(), clampedLost,
                sequences.extendedHighestSequence() & 0xFFFF_FFFFL, jitter() & 0xFFFF_FFFFL,
                hasSenderReport ? lastSenderReport : 0, delay);
    }
}
