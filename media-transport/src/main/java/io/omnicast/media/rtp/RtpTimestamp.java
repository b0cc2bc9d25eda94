package io.omnicast.media.rtp;

/**
 * A 32-bit RTP timestamp (RFC 3550 section 5.1) with wrap-aware ordering by signed 32-bit difference. At 90 kHz
 * the counter wraps every 13.3 hours, so long-running streams do cross the wrap.
 *
 * <p>Not {@link Comparable} for the same reason as {@link SequenceNumber}. Values are carried in a {@code long}
 * holding 0..2^32-1 so that they print unsigned.
 */
public record RtpTimestamp(long value) {
    public static final long MODULUS = 1L << 32;
    public static final long MAX_VALUE = MODULUS - 1;

    public RtpTimestamp {
        if (value < 0 || value > MAX_VALUE) {
            throw new IllegalArgumentException("RTP timestamp must be between 0 and " + MAX_VALUE + " (was " + value + ")");
        }
    }

    public static RtpTimestamp of(long value) {
        return new RtpTimestamp(value);
    }

    /** Signed difference {@code later - earlier} in clock ticks, wrap-aware. */
    public static int distance(long earlier, long later) {
        return (int) (later - earlier);
    }

    /** Wrap-aware comparison: negative when {@code a} is older than {@code b}. */
    public static int compare(long a, long b) {
        return Integer.signum((int) (a - b));
    }

    public static boolean isNewer(long candidate, long reference) {
        return (int) (candidate - reference) > 0;
    }

    /** {@code value + delta} modulo 2^32. */
    public static long add(long value, long delta) {
        return (value + delta) & MAX_VALUE;
    }

    public int distanceTo(RtpTimestamp later) {
        return distance(value, later.value);
    }

    public boolean isNewerThan(RtpTimestamp other) {
        return isNewer(value, other.value);
    }

    public RtpTimestamp plus(long delta) {
        return new RtpTimestamp(add(value, delta));
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
