package io.omnicast.media.rtcp;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceptionStatisticsTest {
    private static final long MS = 1_000_000L;

    @Test
    void perfectlyPacedPacketsHaveNoJitterAndNoLoss() {
        ReceptionStatistics stats = new ReceptionStatistics(5, 90_000);
        for (int i = 0; i < 100; i++) {
            stats.onPacket((65500 + i) & 0xFFFF, 1000 + i * 3000L, 1_000 * MS + i * 33_333_333L);
        }
        ReportBlock block = stats.reportBlock(5_000 * MS);
        assertEquals(0, block.fractionLost());
        assertEquals(0, block.cumulativeLost());
        assertTrue(block.jitter() <= 1, "rounding only, was " + block.jitter());
        assertEquals(65500 + 99, block.extendedHighestSequence(), "65500 + 99 extended across the wrap");
        assertEquals(0, block.lastSenderReport());
    }

    @Test
    void jitterConvergesToTheMeanDeviationOfTransitTime() {
        ReceptionStatistics stats = new ReceptionStatistics(5, 90_000);
        // Every other packet arrives 10 ms late: |D| is 900 ticks each time, so J tends to 900.
        for (int i = 0; i < 400; i++) {
            long late = (i % 2) * 10 * MS;
            stats.onPacket(i, i * 3000L, i * 33_333_333L + late);
        }
        assertTrue(Math.abs(stats.jitter() - 900) <= 10, "jitter " + stats.jitter());
    }

    @Test
    void lossFractionAndLsrDlsrAreReported() {
        ReceptionStatistics stats = new ReceptionStatistics(5, 90_000);
        for (int i = 0; i < 10; i++) {
            if (i != 4 && i != 7) {
                stats.onPacket(i, i * 3000L, i * 33 * MS);
            }
        }
        long ntp = NtpTime.fromInstant(Instant.parse("2024-01-01T00:00:00Z"));
        stats.onSenderReport(new SenderReport(5, ntp, 0, 1, 1, List.of()), 400 * MS);
        ReportBlock block = stats.reportBlock(900 * MS);
        assertEquals(2, block.cumulativeLost());
        assertEquals((2 << 8) / 9, block.fractionLost(), "9 expected after probation (first packet), 2 lost");
        assertEquals(NtpTime.middle32(ntp), block.lastSenderReport());
        assertEquals(65536 / 2, block.delaySinceLastSenderReport(), "0.5 s in 1/65536 s units");
    }

    @Test
    void senderReportCountsAndExtrapolatesTheRtpTimestamp() {
        SenderStatistics sender = new SenderStatistics(9, 90_000);
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        sender.onPacketSent(1000, 0xFFFF_FFF0L, start);
        sender.onPacketSent(500, 0xFFFF_FFF0L, start);
        SenderReport report = sender.senderReport(start.plusMillis(100), List.of());
        assertEquals(2, report.packetCount());
        assertEquals(1500, report.octetCount());
        assertEquals((0xFFFF_FFF0L + 9000) & 0xFFFF_FFFFL, report.rtpTimestamp(), "wraps past 2^32");
        assertEquals(start.plusMillis(100), NtpTime.toInstant(report.ntpTimestamp()).plusNanos(1)
                .truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }
}
