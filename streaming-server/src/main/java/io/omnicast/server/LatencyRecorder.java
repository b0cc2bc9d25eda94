package io.omnicast.server;

import java.util.Arrays;

/**
 * Keeps the last latencies of one kind (nanoseconds) for percentiles, e.g. PLAY to first packet written.
 * Thread-safe; cheap enough for per-request use.
 */
public final class LatencyRecorder {
    private final long[] samples;
    private long count;

    public LatencyRecorder(int capacity) {
        this.samples = new long[capacity];
    }

    public synchronized void record(long nanos) {
        samples[(int) (count++ % samples.length)] = nanos;
    }

    public synchronized long count() {
        return count;
    }

    /** The {@code p}-th percentile (0..100) in nanoseconds of the kept samples; 0 when there are none. */
    public synchronized long percentileNanos(double p) {
        int n = (int) Math.min(count, samples.length);
        if (n == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, index))];
    }

    public synchronized void clear() {
        count = 0;
    }
}
