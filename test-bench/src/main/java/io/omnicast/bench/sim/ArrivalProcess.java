package io.omnicast.bench.sim;

import java.util.SplittableRandom;

/** When viewers arrive: the time of the next arrival after the current one. */
public sealed interface ArrivalProcess {
    long NANOS_PER_SECOND = 1_000_000_000L;

    /** The time (ns of simulated time) of the arrival after one at {@code nowNanos}. */
    long next(long nowNanos, SplittableRandom random);

    /** Mean arrivals per second at simulated time {@code nowNanos}. */
    double rateAt(long nowNanos);

    /** An exponential variate with the given rate (per second), in nanoseconds; inverse transform. */
    static long exponentialNanos(double ratePerSecond, SplittableRandom random) {
        double u = random.nextDouble();
        return Math.max(1, Math.round(-Math.log1p(-u) / ratePerSecond * NANOS_PER_SECOND));
    }

    /** A homogeneous Poisson process: exponential gaps with mean {@code 1 / ratePerSecond}. */
    record Poisson(double ratePerSecond) implements ArrivalProcess {
        public Poisson {
            if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
                throw new IllegalArgumentException("rate must be > 0 arrivals/s (was " + ratePerSecond + ")");
            }
        }

        @Override
        public long next(long nowNanos, SplittableRandom random) {
            return nowNanos + exponentialNanos(ratePerSecond, random);
        }

        @Override
        public double rateAt(long nowNanos) {
            return ratePerSecond;
        }
    }

    /**
     * A flash crowd: Poisson arrivals at {@code baseRate} until {@code startSeconds}, when the rate jumps to
     * {@code factor x baseRate} and decays back exponentially with time constant {@code decaySeconds}:
     * {@code rate(t) = base * (1 + (factor - 1) * exp(-(t - start) / decay))} for t >= start. A non-homogeneous
     * Poisson process drawn by thinning (Lewis and Shedler 1979): candidates at the peak rate, each kept with
     * probability rate(t) / peak.
     */
    record FlashCrowd(double baseRate, double factor, double startSeconds, double decaySeconds)
            implements ArrivalProcess {
        public FlashCrowd {
            if (!(baseRate > 0) || Double.isInfinite(baseRate)) {
                throw new IllegalArgumentException("rate must be > 0 arrivals/s (was " + baseRate + ")");
            }
            if (!(factor >= 1)) {
                throw new IllegalArgumentException("flash-factor must be >= 1 (was " + factor + ")");
            }
            if (!(startSeconds >= 0)) {
                throw new IllegalArgumentException("flash-start-s must be >= 0 s (was " + startSeconds + ")");
            }
            if (!(decaySeconds > 0)) {
                throw new IllegalArgumentException("flash-decay-s must be > 0 s (was " + decaySeconds + ")");
            }
        }

        @Override
        public long next(long nowNanos, SplittableRandom random) {
            double peak = baseRate * factor;
            long t = nowNanos;
            while (true) {
                t += exponentialNanos(peak, random);
                if (random.nextDouble() * peak <= rateAt(t)) {
                    return t;
                }
            }
        }

        @Override
        public double rateAt(long nowNanos) {
            double seconds = (double) nowNanos / NANOS_PER_SECOND;
            if (seconds < startSeconds) {
                return baseRate;
            }
            return baseRate * (1 + (factor - 1) * Math.exp(-(seconds - startSeconds) / decaySeconds));
        }
    }
}
