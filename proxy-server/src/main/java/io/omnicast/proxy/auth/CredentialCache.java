package io.omnicast.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers recently verified credentials so that a node reconnecting (fail-over, a new channel, a flash crowd
 * on shared accounts) does not pay the deliberately slow PBKDF2 check again, as Elasticsearch's realm cache
 * does. It stores only an HMAC-SHA256, under a random per-process key, of user, password and the stored hash:
 * never the password, useless outside this process, and void as soon as the account's hash changes. Entries
 * expire after the TTL. Thread-safe.
 */
public final class CredentialCache {
    private static final int MAX_ENTRIES = 200_000;

    private final long ttlNanos;
    private final LongSupplier clock;
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(byte[] digest, long expiresAt) {
    }

    public CredentialCache(Duration ttl, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.clock = nanoClock;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        });
    }

    public boolean enabled() {
        return ttlNanos > 0;
    }

    /** True when exactly these credentials were verified against {@code storedHash} within the TTL. */
    public boolean matches(String user, String password, String storedHash) {
        if (!enabled()) {
            return false;
        }
        Entry entry = entries.get(user);
        if (entry == null) {
            return false;
        }
        if (clock.getAsLong() - entry.expiresAt > 0) {
            entries.remove(user, entry);
            return false;
        }
        return MessageDigest.isEqual(entry.digest, digest(user, password, storedHash));
    }

    public void remember(String user, String password, String storedHash) {
        if (!enabled()) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            long now = clock.getAsLong();
            entries.values().removeIf(e -> now - e.expiresAt > 0);
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
        entries.put(user, new Entry(digest(user, password, storedHash), clock.getAsLong() + ttlNanos));
    }

    public void forget(String user) {
        entries.remove(user);
    }

    private byte[] digest(String user, String password, String storedHash) {
        Mac mac = macs.get();
        mac.update(user.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        mac.update(password.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return mac.doFinal(storedHash.getBytes(StandardCharsets.UTF_8));
    }
}
