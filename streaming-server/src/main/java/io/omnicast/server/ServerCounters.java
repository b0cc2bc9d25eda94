package io.omnicast.server;

import java.util.concurrent.atomic.LongAdder;

/** Server-wide counters of refused and dropped input; per-channel counters are in the channel stats. */
public final class ServerCounters {
    /** Connections whose byte stream broke RTSP framing or a size limit, and malformed requests. */
    public final LongAdder rtspErrors = new LongAdder();
    /** Requests answered with an error status. */
    public final LongAdder refusedRequests = new LongAdder();
    /** ANNOUNCEs refused: wrong or missing key, malformed SDP, busy channel. */
    public final LongAdder refusedPublishers = new LongAdder();
    /** Interleaved frames on a channel id no SETUP assigned. */
    public final LongAdder unroutedFrames = new LongAdder();

    @Override
    public String toString() {
        return "rtspErrors=" + rtspErrors.sum() + ", refusedRequests=" + refusedRequests.sum() + ", refusedPublishers="
                + refusedPublishers.sum() + ", unroutedFrames=" + unroutedFrames.sum();
    }
}
