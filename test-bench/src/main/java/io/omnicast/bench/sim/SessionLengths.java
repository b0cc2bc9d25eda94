package io.omnicast.bench.sim;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How long viewers stay. Measurement studies of live P2P streaming find heavy tails (many short visits, a few
 * very long ones), so both models here are heavy-tailed: Weibull with shape below 1, and Pareto.
 */
public sealed interface SessionLengths {
    /** One session length, in seconds (> 0). */
    double sampleSeconds(SplittableRandom random);

    /** The model's mean in seconds (infinite for a Pareto with alpha <= 1). */
    double meanSeconds();

    /** The parameters as the {@code session-params} text that recreates them. */
    String params();

    /**
     * Weibull with {@code shape} k and {@code scale} lambda (seconds): inverse transform
     * {@code lambda * (-ln(1 - u))^(1/k)}; mean {@code lambda * Gamma(1 + 1/k)}.
     */
    record Weibull(double shape, double scaleSeconds) implements SessionLengths {
        public Weibull {
            if (!(shape > 0) || shape > 20) {
                throw new IllegalArgumentException("weibull shape must be > 0 and <= 20 (was " + shape + ")");
            }
            if (!(scaleSeconds > 0)) {
                throw new IllegalArgumentException("weibull scale-s must be > 0 s (was " + scaleSeconds + ")");
            }
        }

        @Override
        public double sampleSeconds(SplittableRandom random) {
            double u = random.nextDouble();
            return Math.max(1e-6, scaleSeconds * Math.pow(-Math.log1p(-u), 1 / shape));
        }

        @Override
        public double meanSeconds() {
            return scaleSeconds * Math.exp(logGamma(1 + 1 / shape));
        }

        @Override
        public String params() {
            return String.format(Locale.ROOT, "shape=%s,scale-s=%s", shape, scaleSeconds);
        }
    }

    /**
     * Pareto (type I) with tail index {@code alpha} and minimum {@code minSeconds}: inverse transform
     * {@code min / (1 - u)^(1/alpha)}; mean {@code alpha * min / (alpha - 1)} for alpha > 1.
     */
    record Pareto(double alpha, double minSeconds) implements SessionLengths {
        public Pareto {
            if (!(alpha > 0) || alpha > 20) {
                throw new IllegalArgumentException("pareto alpha must be > 0 and <= 20 (was " + alpha + ")");
            }
            if (!(minSeconds > 0)) {
                throw new IllegalArgumentException("pareto min-s must be > 0 s (was " + minSeconds + ")");
            }
        }

        @Override
        public double sampleSeconds(SplittableRandom random) {
            double u = random.nextDouble();
            return minSeconds / Math.pow(1 - u, 1 / alpha);
        }

        @Override
        public double meanSeconds() {
            return alpha > 1 ? alpha * minSeconds / (alpha - 1) : Double.POSITIVE_INFINITY;
        }

        @Override
        public String params() {
            return String.format(Locale.ROOT, "alpha=%s,min-s=%s", alpha, minSeconds);
        }
    }

    /**
     * The model named {@code kind} ({@code weibull} or {@code pareto}) with {@code params}, a comma-separated
     * {@code name=value} list: {@code shape=0.6,scale-s=600} for Weibull, {@code alpha=1.5,min-s=120} for Pareto.
     * An empty list takes the defaults just shown.
     */
    static SessionLengths parse(String kind, String params) {
        Map<String, Double> values = SimConfig.parseParams("session-params", params);
        switch (kind) {
            case "weibull" -> {
                SimConfig.onlyKeys("session-params", values, "shape", "scale-s");
                return new Weibull(values.getOrDefault("shape", 0.6), values.getOrDefault("scale-s", 600.0));
            }
            case "pareto" -> {
                SimConfig.onlyKeys("session-params", values, "alpha", "min-s");
                return new Pareto(values.getOrDefault("alpha", 1.5), values.getOrDefault("min-s", 120.0));
            }
            default -> throw new IllegalArgumentException("session must be weibull or pareto (was '" + kind + "')");
        }
    }

    /** ln Gamma(x) for x > 0, Lanczos approximation (g = 7, 9 terms; relative error below 1e-13). */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        double z = x - 1;
        double a = c[0];
        double t = z + 7.5;
        for (int i = 1; i < 9; i++) {
            a += c[i] / (z + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
