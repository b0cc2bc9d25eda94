package io.omnicast.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.proxy.directory.NodeDirectory;
import io.omnicast.uscp.v1.ErrorCode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccountServiceTest {
    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong();
    private NodeDirectory directory;
    private AccountService accounts;

    @BeforeEach
    void open() {
        directory = NodeDirectory.open(dir.resolve("proxy"));
        accounts = new AccountService(directory, new PasswordHasher(10_000), new PasswordPolicy(10),
                new LoginThrottle(3, Duration.ofMinutes(1), Duration.ofSeconds(8), clock::get),
                new CredentialCache(Duration.ofMinutes(1), clock::get));
    }

    @AfterEach
    void close() {
        directory.close();
    }

    @Test
    void storesOnlyASaltedHash() throws AuthException {
        accounts.create("alice", "correct-horse-battery", "viewer");
        String stored = directory.findAccount("alice").orElseThrow().passwordHash();
        assertTrue(stored.startsWith("pbkdf2-sha256$10000$"), stored);
        assertFalse(stored.contains("correct-horse-battery"));
        assertEquals("viewer", accounts.authenticate("alice", "correct-horse-battery", "10.0.0.1").role());
    }

    @Test
    void weakPasswordsAreRefusedWithTheRule() {
        AuthException shortOne = assertThrows(AuthException.class, () -> accounts.create("bob", "short", "viewer"));
        assertEquals(ErrorCode.WEAK_PASSWORD, shortOne.code());
        assertEquals("password must be at least 10 characters long (was 5)", shortOne.getMessage());
        assertEquals("password must not contain the user name",
                assertThrows(AuthException.class, () -> accounts.create("bobby", "xx-bobby-yy-zz", "viewer"))
                        .getMessage());
        assertEquals("password must use at least 4 different characters",
                assertThrows(AuthException.class, () -> accounts.create("bob", "aaaaaaaaaaaa", "viewer"))
                        .getMessage());
    }

    @Test
    void duplicateUserNamesAreRefused() throws AuthException {
        accounts.create("carol", "another-passphrase", "viewer");
        assertEquals(ErrorCode.ACCOUNT_EXISTS,
                assertThrows(AuthException.class, () -> accounts.create("carol", "yet-another-one", "viewer")).code());
    }

    @Test
    void wrongPasswordAndUnknownUserLookTheSame() throws AuthException {
        accounts.create("dave", "a-long-passphrase", "viewer");
        AuthException wrong = assertThrows(AuthException.class, () -> accounts.authenticate("dave", "nope", "a"));
        AuthException unknown = assertThrows(AuthException.class, () -> accounts.authenticate("erin", "nope", "b"));
        assertEquals(ErrorCode.AUTH_FAILED, wrong.code());
        assertEquals(wrong.getMessage(), unknown.getMessage());
    }

    @Test
    void repeatedFailuresFromOneAddressAreRateLimitedUntilTheLockoutPasses() throws AuthException {
        accounts.create("frank", "a-long-passphrase", "viewer");
        for (int i = 0; i < 3; i++) {
            assertEquals(ErrorCode.AUTH_FAILED,
                    assertThrows(AuthException.class, () -> accounts.authenticate("frank", "bad", "1.2.3.4")).code());
        }
        AuthException limited = assertThrows(AuthException.class,
                () -> accounts.authenticate("frank", "a-long-passphrase", "1.2.3.4"));
        assertEquals(ErrorCode.RATE_LIMITED, limited.code());
        assertEquals("viewer", accounts.authenticate("frank", "a-long-passphrase", "5.6.7.8").role());
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals("viewer", accounts.authenticate("frank", "a-long-passphrase", "1.2.3.4").role());
    }

    @Test
    void countsTheLoginsThatNeededThePasswordCheck() throws AuthException {
        accounts.create("hugo", "a-long-passphrase", "viewer");
        accounts.authenticate("hugo", "a-long-passphrase", "x");
        accounts.authenticate("hugo", "a-long-passphrase", "x");
        assertEquals(1, accounts.passwordChecks(), "the second login found the verified credentials in the cache");
        clock.addAndGet(Duration.ofMinutes(2).toNanos());
        accounts.authenticate("hugo", "a-long-passphrase", "x");
        assertEquals(2, accounts.passwordChecks(), "checked again once the cache expired");
        assertThrows(AuthException.class, () -> accounts.authenticate("hugo", "a-wrong-passphrase", "x"));
        assertEquals(3, accounts.passwordChecks(), "a wrong password is checked too");
    }

    @Test
    void credentialCacheNeverAcceptsAnotherPassword() throws AuthException {
        accounts.create("gina", "a-long-passphrase", "viewer");
        accounts.authenticate("gina", "a-long-passphrase", "x");
        accounts.authenticate("gina", "a-long-passphrase", "x");
        assertEquals(ErrorCode.AUTH_FAILED,
                assertThrows(AuthException.class, () -> accounts.authenticate("gina", "b-long-passphrase", "x")).code());
    }
}
