package io.omnicast.peer.perf;

import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The paper's performance calculator: how many children this peer can serve. Each child costs the stream's
 * bitrate x 1.05 (RTP/UDP/IP overhead) x 1.25 (headroom), so {@code children = uplink / (bitrate x 1.3125)}.
 * The result is lowered when the machine is loaded: above {@link #BUSY_CPU_PERCENT} % CPU or
 * {@link #BUSY_MEMORY_PERCENT} % memory it is scaled down linearly, reaching 0 at 100 %.
 *
 * <p>The uplink is the configured one, or else the measured one (the highest send rate seen so far, which only
 * grows as the peer relays), or else a conservative {@link #DEFAULT_UPLINK_KBPS}. A configured child limit caps
 * the result. Thread-safe: the beat thread and the stream thread both call it.
 */
public final class PerformanceCalculator {
    private final boolean followLoad;
    /** RTP, UDP and IP headers on top of the payload bitrate (the paper's 5 %). */
    public static final double PROTOCOL_OVERHEAD = 1.05;
    /** Safety margin so a child never gets less than the stream needs (the paper's 25 %). */
    public static final double HEADROOM = 1.25;
    public static final double BUSY_CPU_PERCENT = 80;
    public static final double BUSY_MEMORY_PERCENT = 90;
    /** Upload assumed before anything is configured or measured: a modest home line. */
    public static final long DEFAULT_UPLINK_KBPS = 10_000;
    /** Bitrate assumed before the stream's own is known. */
    public static final long DEFAULT_BITRATE_KBPS = 2_000;

    private final OptionalLong configuredUplinkKbps;
    private final OptionalInt configuredMaxChildren;
    private final Supplier<LoadSample> load;
    private volatile long measuredUplinkKbps;
    private volatile LoadSample lastLoad = new LoadSample(0, 0);

    public PerformanceCalculator(OptionalLong configuredUplinkKbps, OptionalInt configuredMaxChildren,
            Supplier<LoadSample> load) {
        this(configuredUplinkKbps, configuredMaxChildren, load, true);
    }

    /** @param followLoad lower the capacity when the machine is loaded (the paper's rule); false keeps it fixed */
    public PerformanceCalculator(OptionalLong configuredUplinkKbps, OptionalInt configuredMaxChildren,
            Supplier<LoadSample> load, boolean followLoad) {
        this.followLoad = followLoad;
        this.configuredUplinkKbps = configuredUplinkKbps;
        this.configuredMaxChildren = configuredMaxChildren;
        this.load = load;
    }

    /** Reports a send rate actually achieved (kbit/s); the measured uplink is the highest seen. */
    public void observeUplink(long kbps) {
        if (kbps > measuredUplinkKbps) {
            measuredUplinkKbps = kbps;
        }
    }

    /** The uplink the calculation uses, kbit/s. */
    public long uplinkKbps() {
        if (configuredUplinkKbps.isPresent()) {
            return configuredUplinkKbps.getAsLong();
        }
        long measured = measuredUplinkKbps;
        return measured > 0 ? Math.max(measured, DEFAULT_UPLINK_KBPS) : DEFAULT_UPLINK_KBPS;
    }

    /** Samples the machine's load now (and remembers it for {@link #lastLoad()}). */
    public LoadSample sampleLoad() {
        LoadSample sample = load.get();
        lastLoad = sample;
        return sample;
    }

    public LoadSample lastLoad() {
        return lastLoad;
    }

    /** Children this peer can serve for a stream of {@code bitrateKbps} (0 = unknown, use the default). */
    public int maxChildren(long bitrateKbps) {
        return maxChildren(bitrateKbps, lastLoad);
    }

    /** As {@link #maxChildren(long)} with an explicit load sample. */
    public int maxChildren(long bitrateKbps, LoadSample sample) {
        long bitrate = bitrateKbps > 0 ? bitrateKbps : DEFAULT_BITRATE_KBPS;
        int byUplink = (int) Math.min(Integer.MAX_VALUE,
                (long) Math.floor(uplinkKbps() / (bitrate * PROTOCOL_OVERHEAD * HEADROOM)));
        double factor = !followLoad ? 1 : Math.min(loadFactor(sample.cpuPercent(), BUSY_CPU_PERCENT),
                loadFactor(sample.memoryPercent(), BUSY_MEMORY_PERCENT));
        int children = (int) Math.floor(byUplink * factor);
        if (configuredMaxChildren.isPresent()) {
            // An explicit limit is the user's decision; the load may still lower it, never raise it.
            int limit = configuredMaxChildren.getAsInt();
            return factor < 1 ? Math.min(limit, (int) Math.floor(limit * factor)) : limit;
        }
        return Math.min(children, 1024);
    }

    private static double loadFactor(double percent, double busy) {
        if (percent <= busy) {
            return 1;
        }
        return Math.max(0, (100 - percent) / (100 - busy));
    }
}
