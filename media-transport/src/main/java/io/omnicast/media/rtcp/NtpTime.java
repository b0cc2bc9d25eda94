package io.omnicast.media.rtcp;

import java.time.Instant;

/**
 * 64-bit NTP timestamps as carried in sender reports (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-4">
 * RFC 3550 section 4</a>): seconds since 1900-01-01 in the high 32 bits, the binary fraction in the low 32.
 */
public final class NtpTime {
    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
    public static final long SECONDS_1900_TO_1970 = 2_208_988_800L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private NtpTime() {
    }

    public static long fromInstant(Instant instant) {
        long seconds = instant.getEpochSecond() + SECONDS_1900_TO_1970;
        long fraction = (((long) instant.getNano()) << 32) / NANOS_PER_SECOND;
        return (seconds << 32) | fraction;
    }

    public static Instant toInstant(long ntpTimestamp) {
        long seconds = (ntpTimestamp >>> 32) - SECONDS_1900_TO_1970;
        long nanos = ((ntpTimestamp & 0xFFFF_FFFFL) * NANOS_PER_SECOND) >>> 32;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** The middle 32 bits, the "compact" form used by LSR in report blocks (units of 1/65536 s). */
    public static long middle32(long ntpTimestamp) {
        return (ntpTimestamp >>> 16) & 0xFFFF_FFFFL;
    }
}
