package io.omnicast.bench.sim;

import io.omnicast.bench.report.Samples;
import java.util.Arrays;

/**
 * What one plugin's simulation measured. Distributions keep every sample; tree-shape figures are aggregated over
 * the periodic snapshots taken while sessions were still arriving. Filled by {@link ChannelSimulation} only.
 */
public final class SimResult {
    /** Utilisation bins of relay-capable peers: idle, then quarters of their capacity. */
    public static final String[] UTILISATION_BINS = {"0 %", "1-25 %", "26-50 %", "51-75 %", "76-100 %"};

    final String topology;
    final int classes;
    /** Startup delay (join to first frame) of every session that started, ms. */
    final Samples startupMs = new Samples();
    /** Interruption of every disrupted peer (stream stopped to stream resumed), ms. */
    final Samples recoveryMs = new Samples();
    /** Peers below a departed node (they all lose the stream), one sample per departure. */
    final Samples disruptedPerDeparture = new Samples();
    /** Hop count each session got at its (first successful) join. */
    final Samples joinHop = new Samples();
    /** Playback lag behind the origin of every streaming peer at every snapshot, ms. */
    final Samples lagMs = new Samples();
    /** Jain's fairness index of relay utilisation, per snapshot. */
    final Samples jainPerSnapshot = new Samples();
    /** Origin utilisation (children / capacity, all origins), per snapshot. */
    final Samples originUtilisation = new Samples();
    /** Share of the relay capacity in use, per snapshot. */
    final Samples capacityUsed = new Samples();
    /** Peer-snapshots per hop count (index = hop). */
    long[] depthCounts = new long[32];
    final long[] utilisationBins = new long[UTILISATION_BINS.length];
    /** Per access class, summed over snapshots: peers in the tree, children they fed, their capacity. */
    final long[] classPeers;
    final long[] classChildren;
    final long[] classCapacity;
    // time series (one point per snapshot)
    double[] seriesTimeS = new double[64];
    double[] seriesPeers = new double[64];
    double[] seriesOriginChildren = new double[64];
    double[] seriesMeanDepth = new double[64];
    int seriesLength;

    long sessions;
    long sessionsStarted;
    long joinsRefused;
    long departures;
    long abruptDepartures;
    long orphans;
    long orphansWaited;
    long placedUnderDeadParent;
    long hopLimitRefusals;
    long maxConcurrentPeers;
    int maxDepth;
    long events;
    long wallNanos;
    long simulatedNanos;
    long peakHeapUsedBytes = -1;
    long peakHeapAfterGcBytes = -1;

    SimResult(String topology, int classes) {
        this.topology = topology;
        this.classes = classes;
        classPeers = new long[classes];
        classChildren = new long[classes];
        classCapacity = new long[classes];
    }

    void countDepth(int hop) {
        if (hop >= depthCounts.length) {
            depthCounts = Arrays.copyOf(depthCounts, Math.max(hop + 1, depthCounts.length * 2));
        }
        depthCounts[hop]++;
        maxDepth = Math.max(maxDepth, hop);
    }

    void addSeriesPoint(double timeS, double peers, double originChildren, double meanDepth) {
        if (seriesLength == seriesTimeS.length) {
            int n = seriesLength * 2;
            seriesTimeS = Arrays.copyOf(seriesTimeS, n);
            seriesPeers = Arrays.copyOf(seriesPeers, n);
            seriesOriginChildren = Arrays.copyOf(seriesOriginChildren, n);
            seriesMeanDepth = Arrays.copyOf(seriesMeanDepth, n);
        }
        seriesTimeS[seriesLength] = timeS;
        seriesPeers[seriesLength] = peers;
        seriesOriginChildren[seriesLength] = originChildren;
        seriesMeanDepth[seriesLength] = meanDepth;
        seriesLength++;
    }

    public String topology() {
        return topology;
    }

    public Samples startupMs() {
        return startupMs;
    }

    public Samples recoveryMs() {
        return recoveryMs;
    }

    public Samples disruptedPerDeparture() {
        return disruptedPerDeparture;
    }

    public Samples joinHop() {
        return joinHop;
    }

    public Samples lagMs() {
        return lagMs;
    }

    public long sessions() {
        return sessions;
    }

    public long sessionsStarted() {
        return sessionsStarted;
    }

    public long joinsRefused() {
        return joinsRefused;
    }

    public long departures() {
        return departures;
    }

    public long orphans() {
        return orphans;
    }

    public long events() {
        return events;
    }

    /** Simulator speed: events handled per second of wall-clock time. */
    public double eventsPerSecond() {
        return wallNanos == 0 ? Double.NaN : events * 1e9 / wallNanos;
    }

    public double wallSeconds() {
        return wallNanos / 1e9;
    }

    public double simulatedSeconds() {
        return simulatedNanos / 1e9;
    }

    public long maxConcurrentPeers() {
        return maxConcurrentPeers;
    }

    public int maxDepth() {
        return maxDepth;
    }

    public long peakHeapUsedBytes() {
        return peakHeapUsedBytes;
    }

    public long peakHeapAfterGcBytes() {
        return peakHeapAfterGcBytes;
    }

    /** Mean hop count over all peer-snapshots. */
    public double meanDepth() {
        long total = 0;
        double sum = 0;
        for (int hop = 0; hop < depthCounts.length; hop++) {
            total += depthCounts[hop];
            sum += (double) hop * depthCounts[hop];
        }
        return total == 0 ? Double.NaN : sum / total;
    }

    /** Share (0..1) of peer-snapshots at {@code hop}. */
    public double depthShare(int hop) {
        long total = Arrays.stream(depthCounts).sum();
        return total == 0 || hop >= depthCounts.length ? 0 : (double) depthCounts[hop] / total;
    }

    /**
     * A fingerprint of every measurement (counts and the exact sample sums), for determinism checks: two runs
     * with the same seed and plugin must agree on it bit for bit.
     */
    public String fingerprint() {
        return sessions + "/" + sessionsStarted + "/" + joinsRefused + "/" + departures + "/" + orphans + "/"
                + orphansWaited + "/" + placedUnderDeadParent + "/" + hopLimitRefusals + "/" + maxConcurrentPeers + "/" + maxDepth + "/"
                + events + "/" + simulatedNanos + "/" + Double.doubleToLongBits(startupMs.mean()) + "/"
                + Double.doubleToLongBits(recoveryMs.mean()) + "/" + Double.doubleToLongBits(lagMs.mean()) + "/"
                + Arrays.toString(Arrays.copyOf(depthCounts, maxDepth + 1)) + "/" + Arrays.toString(utilisationBins);
    }
}
