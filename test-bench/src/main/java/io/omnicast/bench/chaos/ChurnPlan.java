package io.omnicast.bench.chaos;

import io.omnicast.bench.report.CsvWriter;
import io.omnicast.bench.report.RunDirectory;
import io.omnicast.bench.sim.ArrivalProcess;
import io.omnicast.bench.sim.SessionLengths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The schedule of a chaos run, fixed by the seed before anything starts: who joins when, how long each stays, how
 * each leaves, and with which capacity and player. The same seed and options give the same plan, so a run can be
 * repeated against another topology plugin or build.
 *
 * <p>The population is an M/G/infinity system kept at {@code peers} on average: Poisson arrivals at
 * {@code peers / mean session}, heavy-tailed session lengths. The run starts in that equilibrium rather than empty:
 * {@code peers} initial viewers are launched during a ramp, each with the <em>residual</em> session of a viewer
 * found already watching (a length-biased draw times a uniform share; Cox's renewal theory), otherwise the first
 * minutes would be dominated by the short sessions of a cohort that all started at once.
 *
 * <p>Each model draws from its own random stream, so changing the kill share does not move the arrival times.
 */
public final class ChurnPlan {
    /** Candidates of the length-biased draw for the initial viewers' residual sessions. */
    private static final int RESIDUAL_POOL = 8192;

    /** How a session ends. */
    public enum Departure {
        /** SIGTERM: the peer logs out and tells its children (RTCP BYE) before it goes. */
        SIGTERM,
        /** SIGKILL: the process vanishes; the kernel closes its sockets. */
        SIGKILL;

        String csv() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One viewer's session.
     *
     * @param joinAtSeconds when the peer process is launched, seconds after the run started
     * @param lengthSeconds how long it plays, counted from its first played frame
     * @param initial one of the population the run starts with (launched during the ramp)
     */
    public record Session(int index, String user, boolean initial, double joinAtSeconds, double lengthSeconds,
            Departure departure, int maxChildren, boolean decode) {
    }

    private final List<Session> sessions;
    private final double rampEndSeconds;
    private final double endSeconds;
    private final double arrivalsPerSecond;

    private ChurnPlan(List<Session> sessions, double rampEndSeconds, double endSeconds, double arrivalsPerSecond) {
        this.sessions = List.copyOf(sessions);
        this.rampEndSeconds = rampEndSeconds;
        this.endSeconds = endSeconds;
        this.arrivalsPerSecond = arrivalsPerSecond;
    }

    /**
     * Draws a plan.
     *
     * @param peers          target population (the initial viewers, and the mean afterwards)
     * @param durationSeconds how long churn runs after the ramp
     * @param rampPerSecond  launches per second of the initial viewers
     * @param lengths        the session-length model (its mean must be finite)
     * @param killShare      share of departures by SIGKILL (0..1)
     * @param decodeShare    share of peers that decode with FFmpeg (0..1); the others only count frames
     * @param capacities     maxChildren values, one drawn uniformly per peer
     */
    public static ChurnPlan draw(int peers, double durationSeconds, double rampPerSecond, SessionLengths lengths,
            double killShare, double decodeShare, int[] capacities, long seed) {
        if (peers < 1) {
            throw new IllegalArgumentException("peers must be >= 1 (was " + peers + ")");
        }
        if (!(durationSeconds > 0) || !(rampPerSecond > 0)) {
            throw new IllegalArgumentException("duration and ramp rate must be > 0 (were " + durationSeconds + " s, "
                    + rampPerSecond + "/s)");
        }
        double mean = lengths.meanSeconds();
        if (!(mean > 0) || Double.isInfinite(mean)) {
            throw new IllegalArgumentException("the session model needs a finite mean (" + lengths.params()
                    + " has " + mean + " s); with Pareto take alpha > 1");
        }
        if (killShare < 0 || killShare > 1 || decodeShare < 0 || decodeShare > 1) {
            throw new IllegalArgumentException("kill share and decode share must be between 0 and 1 (were "
                    + killShare + ", " + decodeShare + ")");
        }
        if (capacities.length == 0) {
            throw new IllegalArgumentException("at least one capacity (maxChildren) is needed");
        }
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom arrivals = root.split();
        SplittableRandom sessionDraws = root.split();
        SplittableRandom kinds = root.split();
        SplittableRandom capacityDraws = root.split();
        SplittableRandom decodeDraws = root.split();

        double[] pool = new double[RESIDUAL_POOL];
        double[] cumulative = new double[RESIDUAL_POOL];
        SplittableRandom poolDraws = root.split();
        double total = 0;
        for (int i = 0; i < pool.length; i++) {
            pool[i] = lengths.sampleSeconds(poolDraws);
            total += pool[i];
            cumulative[i] = total;
        }

        List<Session> list = new ArrayList<>();
        double rampEnd = peers / rampPerSecond;
        for (int i = 0; i < peers; i++) {
            int pick = Arrays.binarySearch(cumulative, poolDraws.nextDouble() * total);
            double biased = pool[pick >= 0 ? pick : Math.min(pool.length - 1, -pick - 1)];
            double residual = Math.max(0.001, biased * poolDraws.nextDouble());
            list.add(session(list.size(), true, i / rampPerSecond, residual, kinds, killShare, capacityDraws,
                    capacities, decodeDraws, decodeShare));
        }
        double rate = peers / mean;
        ArrivalProcess process = new ArrivalProcess.Poisson(rate);
        double end = rampEnd + durationSeconds;
        long t = secondsToNanos(rampEnd);
        while (true) {
            t = process.next(t, arrivals);
            double at = t / 1e9;
            if (at >= end) {
                break;
            }
            list.add(session(list.size(), false, at, lengths.sampleSeconds(sessionDraws), kinds, killShare,
                    capacityDraws, capacities, decodeDraws, decodeShare));
        }
        return new ChurnPlan(list, rampEnd, end, rate);
    }

    private static Session session(int index, boolean initial, double at, double length, SplittableRandom kinds,
            double killShare, SplittableRandom capacityDraws, int[] capacities, SplittableRandom decodeDraws,
            double decodeShare) {
        Departure departure = kinds.nextDouble() < killShare ? Departure.SIGKILL : Departure.SIGTERM;
        int capacity = capacities[capacityDraws.nextInt(capacities.length)];
        boolean decode = decodeDraws.nextDouble() < decodeShare;
        return new Session(index, String.format(java.util.Locale.ROOT, "chaos-%03d", index), initial, at, length,
                departure, capacity, decode);
    }

    private static long secondsToNanos(double seconds) {
        return Math.round(seconds * 1e9);
    }

    /** Every session in launch order. */
    public List<Session> sessions() {
        return sessions;
    }

    /** When the last initial viewer is launched and Poisson arrivals begin. */
    public double rampEndSeconds() {
        return rampEndSeconds;
    }

    /** When the run ends: no launches or departures after it; who is still there is stopped and not counted. */
    public double endSeconds() {
        return endSeconds;
    }

    public double arrivalsPerSecond() {
        return arrivalsPerSecond;
    }

    /** Writes the plan as {@code plan.csv}. */
    public void write(RunDirectory run) {
        try (CsvWriter csv = run.csv("plan", "index", "user", "initial", "join_at_s", "session_s", "departure",
                "max_children", "decode")) {
            for (Session s : sessions) {
                csv.row(s.index(), s.user(), s.initial(), s.joinAtSeconds(), s.lengthSeconds(), s.departure().csv(),
                        s.maxChildren(), s.decode());
            }
        }
    }
}
