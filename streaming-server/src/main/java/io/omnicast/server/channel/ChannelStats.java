package io.omnicast.server.channel;

import java.util.List;

/**
 * One channel's counters: what its publisher sent and what each reader got.
 *
 * @param packetsReceived RTP packets received from the publisher
 * @param bytesReceived   RTP bytes received from the publisher
 * @param garbagePackets  packets from the publisher that were not valid RTP, counted and dropped
 * @param packetsLost     packets the publisher's sequence numbers show as lost on the way in
 * @param publisherSenderReports RTCP sender reports received from the publisher
 */
public record ChannelStats(String channel, boolean live, String publisher, long packetsReceived, long bytesReceived,
        long garbagePackets, long packetsLost, List<ReaderStats> readers, long publisherSenderReports) {
    public ChannelStats {
        readers = List.copyOf(readers);
    }

    public int readerCount() {
        return readers.size();
    }
}
