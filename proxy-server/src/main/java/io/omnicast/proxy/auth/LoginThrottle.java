package io.omnicast.proxy.auth;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down addresses that keep failing to log in: after {@code limit} failures within {@code window}, the
 * address is locked out for 1 s, doubling with each further failure up to {@code maxLockout}. A success clears
 * the address. Refused attempts cost no hashing, which also protects the proxy's CPU. Thread-safe.
 */
public final class LoginThrottle {
    private static final long FIRST_LOCKOUT_NANOS = Duration.ofSeconds(1).toNanos();
    private static final int MAX_TRACKED = 100_000;

    private final int limit;
    private final long windowNanos;
    private final long maxLockoutNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Record> records = new ConcurrentHashMap<>();

    private static final class Record {
        long windowStart;
        int failures;
        long lockedUntil;
    }

    public LoginThrottle(int limit, Duration window, Duration maxLockout, LongSupplier nanoClock) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.maxLockoutNanos = maxLockout.toNanos();
        this.clock = nanoClock;
    }

    /** How much longer {@code address} is locked out; zero when it may try. */
    public Duration lockedFor(String address) {
        Record r = records.get(address);
        if (r == null) {
            return Duration.ZERO;
        }
        synchronized (r) {
            long left = r.lockedUntil - clock.getAsLong();
            return left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
        }
    }

    public void failed(String address) {
        if (records.size() > MAX_TRACKED) {
            prune();
        }
        Record r = records.computeIfAbsent(address, a -> new Record());
        synchronized (r) {
            long now = clock.getAsLong();
            if (r.failures == 0 || now - r.windowStart > windowNanos) {
                r.windowStart = now;
                r.failures = 0;
            }
            r.failures++;
            if (r.failures >= limit) {
                int doublings = Math.min(30, r.failures - limit);
                long lockout = Math.min(maxLockoutNanos, FIRST_LOCKOUT_NANOS << doublings);
                r.lockedUntil = now + lockout;
            }
        }
    }

    public void succeeded(String address) {
        records.remove(address);
    }

    private void prune() {
        long now = clock.getAsLong();
        records.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                return now - e.getValue().windowStart > windowNanos && e.getValue().lockedUntil < now;
            }
        });
    }
}
