package io.omnicast.server.channel;

/**
 * One reader's counters. Loss and jitter come from the reader's RTCP receiver reports (video track when present).
 *
 * @param fractionLost  last reported fraction lost, 0..1
 * @param cumulativeLost last reported cumulative number of packets lost
 * @param jitterMillis  last reported interarrival jitter in milliseconds
 */
public record ReaderStats(String id, String remote, String transport, long packetsSent, long bytesSent,
        long packetsSkipped, long skips, long nacksReceived, long retransmitted, double fractionLost,
        long cumulativeLost, double jitterMillis) {
}
