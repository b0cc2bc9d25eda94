package io.omnicast.proxy.auth;

import io.omnicast.proxy.directory.Account;
import io.omnicast.proxy.directory.NodeDirectory;
import io.omnicast.uscp.v1.ErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Accounts: creation under the password policy, and authentication with the per-address slow-down and the
 * credential cache. Every method blocks (database, PBKDF2): call it from the auth threads or the admin command.
 */
public final class AccountService {
    public static final Set<String> ROLES = Set.of("viewer", "origin");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{2,31}");

    private final NodeDirectory directory;
    private final PasswordHasher hasher;
    private final PasswordPolicy policy;
    private final LoginThrottle throttle;
    private final CredentialCache cache;
    private final AtomicLong passwordChecks = new AtomicLong();
    /** Hashed once so that a login for an unknown user costs as much as one for a known user. */
    private final String decoyHash;
    /**
     * Accounts already read, so a login does not query the database. The proxy is the only process that can
     * open its H2 file (H2 locks it), so the cache cannot go stale; create and remove keep it current. Measured:
     * with the look-up on every login, logins queued behind the event writer's commits.
     */
    private final ConcurrentHashMap<String, Account> known = new ConcurrentHashMap<>();
    private static final int MAX_KNOWN = 1_000_000;

    public AccountService(NodeDirectory directory, PasswordHasher hasher, PasswordPolicy policy, LoginThrottle throttle,
            CredentialCache cache) {
        this.directory = directory;
        this.hasher = hasher;
        this.policy = policy;
        this.throttle = throttle;
        this.cache = cache;
        this.decoyHash = hasher.hash("decoy-password-for-unknown-users");
    }

    /** Creates an account; ACCOUNT_EXISTS or WEAK_PASSWORD (with the rule) when refused. */
    public Account create(String user, String password, String role) throws AuthException {
        if (user == null || !USER.matcher(user).matches()) {
            throw new AuthException(ErrorCode.INVALID_MESSAGE, "user name must match " + USER.pattern()
                    + " (was '" + user + "')");
        }
        if (!ROLES.contains(role)) {
            throw new AuthException(ErrorCode.INVALID_MESSAGE, "role must be one of " + ROLES + " (was '" + role
                    + "')");
        }
        Optional<String> weak = policy.violation(user, password);
        if (weak.isPresent()) {
            throw new AuthException(ErrorCode.WEAK_PASSWORD, weak.get());
        }
        if (find(user).isPresent()) {
            throw new AuthException(ErrorCode.ACCOUNT_EXISTS, "user name '" + user + "' is taken");
        }
        Account account = new Account(user, hasher.hash(password), role, Instant.now());
        if (!directory.createAccount(account)) {
            throw new AuthException(ErrorCode.ACCOUNT_EXISTS, "user name '" + user + "' is taken");
        }
        remember(account);
        return account;
    }

    /** Logins that needed the PBKDF2 check (credentials not in the cache) since the start. */
    public long passwordChecks() {
        return passwordChecks.get();
    }

    /**
     * Checks credentials from {@code address}. AUTH_FAILED for an unknown user or a wrong password (not told
     * apart), RATE_LIMITED while the address is locked out.
     */
    public Account authenticate(String user, String password, String address) throws AuthException {
        Duration locked = throttle.lockedFor(address);
        if (!locked.isZero()) {
            throw new AuthException(ErrorCode.RATE_LIMITED, "too many failed logins from " + address
                    + "; try again in " + Math.max(1, locked.toMillis()) + " ms");
        }
        Optional<Account> account = find(user);
        if (account.isPresent() && cache.matches(user, password, account.get().passwordHash())) {
            throttle.succeeded(address);
            return account.get();
        }
        passwordChecks.incrementAndGet();
        boolean ok = hasher.verify(password, account.map(Account::passwordHash).orElse(decoyHash))
                && account.isPresent();
        if (!ok) {
            throttle.failed(address);
            throw new AuthException(ErrorCode.AUTH_FAILED, "user name or password is wrong");
        }
        throttle.succeeded(address);
        cache.remember(user, password, account.get().passwordHash());
        return account.get();
    }

    /**
     * The answer to a login that needs neither the database nor PBKDF2: the account is already known and these
     * exact credentials were verified within the cache TTL, and the address is not locked out. Null means "ask
     * {@link #authenticate}" (which may block); it never fails a login by itself. Cheap (one HMAC), so it may run
     * on an event loop: a flash crowd on shared accounts is then served without a hop to the auth threads.
     */
    public Account authenticateCached(String user, String password, String address) {
        if (!cache.enabled() || !throttle.lockedFor(address).isZero()) {
            return null;
        }
        Account account = known.get(user);
        if (account == null || !cache.matches(user, password, account.passwordHash())) {
            return null;
        }
        throttle.succeeded(address);
        return account;
    }

    public boolean remove(String user) {
        cache.forget(user);
        known.remove(user);
        return directory.removeAccount(user);
    }

    private Optional<Account> find(String user) {
        Account cached = known.get(user);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Account> stored = directory.findAccount(user);
        stored.ifPresent(this::remember);
        return stored;
    }

    private void remember(Account account) {
        if (known.size() < MAX_KNOWN) {
            known.put(account.user(), account);
        }
    }
}
