package io.omnicast.bridge.publish;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free histogram of latencies with 10-microsecond buckets up to 100 ms (larger values land in the last
 * bucket): enough resolution for a p99 target of a few milliseconds, at the cost of one array increment per frame.
 */
public final class LatencyHistogram {
    private static final long BUCKET_NANOS = 10_000;
    private static final int BUCKETS = 10_000;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long nanos) {
        int bucket = (int) Math.min(BUCKETS - 1, Math.max(0, nanos / BUCKET_NANOS));
        counts.incrementAndGet(bucket);
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The upper bound of the bucket holding the {@code quantile} (0..1) in microseconds; 0 when empty. */
    public double quantileMicros(double quantile) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(quantile * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return (i + 1) * BUCKET_NANOS / 1000.0;
            }
        }
        return BUCKETS * BUCKET_NANOS / 1000.0;
    }

    public void reset() {
        for (int i = 0; i < BUCKETS; i++) {
            counts.set(i, 0);
        }
    }
}
