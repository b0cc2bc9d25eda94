package io.omnicast.bench.report;

import java.util.Arrays;

/**
 * A growable list of measurements (doubles, optionally weighted) with the statistics reports need: count, mean,
 * percentiles, and CDF points for charts. Memory is 8 bytes per sample (16 when weighted), so millions are fine.
 * Not thread-safe.
 */
public final class Samples {
    private double[] values = new double[1024];
    private double[] weights;
    private int size;
    private boolean sorted = true;

    /** Adds a measurement of weight 1. */
    public void add(double value) {
        add(value, 1);
    }

    /**
     * Adds a measurement that stands for {@code weight} observations (e.g. one re-parenting that interrupted a
     * whole subtree). Weights must be positive.
     */
    public void add(double value, double weight) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("a sample cannot be NaN");
        }
        if (!(weight > 0)) {
            throw new IllegalArgumentException("a sample's weight must be > 0 (was " + weight + ")");
        }
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
            if (weights != null) {
                weights = Arrays.copyOf(weights, size * 2);
            }
        }
        if (weight != 1 && weights == null) {
            weights = new double[values.length];
            Arrays.fill(weights, 0, size, 1);
        }
        values[size] = value;
        if (weights != null) {
            weights[size] = weight;
        }
        size++;
        sorted = false;
    }

    /** Number of samples added (not their total weight). */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public double totalWeight() {
        if (weights == null) {
            return size;
        }
        double total = 0;
        for (int i = 0; i < size; i++) {
            total += weights[i];
        }
        return total;
    }

    /** Weighted mean, NaN when empty. */
    public double mean() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        double total = 0;
        for (int i = 0; i < size; i++) {
            double w = weights == null ? 1 : weights[i];
            sum += values[i] * w;
            total += w;
        }
        return sum / total;
    }

    /** Sample standard deviation (unweighted), NaN with fewer than two samples. */
    public double stdDev() {
        if (size < 2) {
            return Double.NaN;
        }
        double mean = 0;
        for (int i = 0; i < size; i++) {
            mean += values[i];
        }
        mean /= size;
        double squares = 0;
        for (int i = 0; i < size; i++) {
            double d = values[i] - mean;
            squares += d * d;
        }
        return Math.sqrt(squares / (size - 1));
    }

    public double min() {
        sort();
        return size == 0 ? Double.NaN : values[0];
    }

    public double max() {
        sort();
        return size == 0 ? Double.NaN : values[size - 1];
    }

    /**
     * The weighted {@code p}-quantile (0 <= p <= 1): the smallest value whose cumulative weight reaches
     * {@code p} of the total. NaN when empty.
     */
    public double quantile(double p) {
        if (p < 0 || p > 1) {
            throw new IllegalArgumentException("quantile must be between 0 and 1 (was " + p + ")");
        }
        if (size == 0) {
            return Double.NaN;
        }
        sort();
        if (weights == null) {
            int index = (int) Math.ceil(p * size) - 1;
            return values[Math.max(0, Math.min(size - 1, index))];
        }
        double target = p * totalWeight();
        double cumulative = 0;
        for (int i = 0; i < size; i++) {
            cumulative += weights[i];
            if (cumulative >= target) {
                return values[i];
            }
        }
        return values[size - 1];
    }

    /** Share of the weight at or below {@code threshold}. */
    public double shareAtMost(double threshold) {
        if (size == 0) {
            return Double.NaN;
        }
        double below = 0;
        double total = 0;
        for (int i = 0; i < size; i++) {
            double w = weights == null ? 1 : weights[i];
            total += w;
            if (values[i] <= threshold) {
                below += w;
            }
        }
        return below / total;
    }

    /**
     * Points of the empirical CDF, at most {@code maxPoints} of them (evenly spaced in probability, the extreme
     * values always included): {@code [0]} the values, {@code [1]} the cumulative share in percent.
     */
    public double[][] cdf(int maxPoints) {
        if (maxPoints < 2) {
            throw new IllegalArgumentException("a CDF needs at least 2 points (was " + maxPoints + ")");
        }
        if (size == 0) {
            return new double[][] {new double[0], new double[0]};
        }
        sort();
        double total = totalWeight();
        int points = Math.min(size, maxPoints);
        double[] x = new double[points];
        double[] y = new double[points];
        double cumulative = 0;
        int next = 0;
        for (int i = 0; i < size && next < points; i++) {
            cumulative += weights == null ? 1 : weights[i];
            double share = cumulative / total;
            boolean last = i == size - 1;
            if (last || share >= (double) (next + 1) / points) {
                x[next] = values[i];
                y[next] = 100 * share;
                next++;
            }
        }
        return new double[][] {Arrays.copyOf(x, next), Arrays.copyOf(y, next)};
    }

    /** The value at {@code index} in ascending order. */
    public double sortedValue(int index) {
        sort();
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("sample " + index + " of " + size);
        }
        return values[index];
    }

    private void sort() {
        if (sorted) {
            return;
        }
        if (weights == null) {
            Arrays.sort(values, 0, size);
        } else {
            sortWeighted();
        }
        sorted = true;
    }

    /** Sorts values and their weights together (indirect sort of packed value/index pairs). */
    private void sortWeighted() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        double[] v = values;
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] newValues = new double[values.length];
        double[] newWeights = new double[values.length];
        for (int i = 0; i < size; i++) {
            newValues[i] = values[order[i]];
            newWeights[i] = weights[order[i]];
        }
        values = newValues;
        weights = newWeights;
    }
}
