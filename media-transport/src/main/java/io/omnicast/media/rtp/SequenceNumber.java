package io.omnicast.media.rtp;

/**
 * A 16-bit RTP sequence number (RFC 3550 section 5.1) with wrap-aware ordering: {@code 0} comes after
 * {@code 65535}. Two numbers are ordered by their signed 16-bit difference, never by {@code <}, so any two numbers
 * less than 32768 apart compare correctly across the wrap.
 *
 * <p>Deliberately not {@link Comparable}: wrap-aware order is not transitive over the whole 16-bit space, so these
 * values must not be put in sorted collections. The static methods work on plain {@code int}s for hot paths.
 */
public record SequenceNumber(int value) {
    public static final int MODULUS = 1 << 16;
    public static final int MAX_VALUE = MODULUS - 1;

    public SequenceNumber {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("sequence number must be between 0 and " + MAX_VALUE + " (was " + value + ")");
        }
    }

    public static SequenceNumber of(int value) {
        return new SequenceNumber(value);
    }

    /**
     * How far {@code later} is after {@code earlier}, in the range -32768..32767: positive when {@code later} is
     * newer. {@code distance(65535, 0) == 1}.
     */
    public static int distance(int earlier, int later) {
        return (short) (later - earlier);
    }

    /** Wrap-aware comparison: negative when {@code a} is older than {@code b}, 0 when equal, positive when newer. */
    public static int compare(int a, int b) {
        return (short) (a - b);
    }

    /** True when {@code candidate} is strictly newer than {@code reference}. */
    public static boolean isNewer(int candidate, int reference) {
        return compare(candidate, reference) > 0;
    }

    /** {@code value + delta} modulo 2^16 (delta may be negative). */
    public static int add(int value, int delta) {
        return (value + delta) & MAX_VALUE;
    }

    public static int next(int value) {
        return (value + 1) & MAX_VALUE;
    }

    public int distanceTo(SequenceNumber later) {
        return distance(value, later.value);
    }

    public boolean isNewerThan(SequenceNumber other) {
        return isNewer(value, other.value);
    }

    public SequenceNumber next() {
        return new SequenceNumber(next(value));
    }

    public SequenceNumber plus(int delta) {
        return new SequenceNumber(add(value, delta));
    }

    @Override
    public String toString() {
        return Integer.toString(value);
    }
}
