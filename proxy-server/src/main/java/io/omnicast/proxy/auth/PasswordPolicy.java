package io.omnicast.proxy.auth;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The password rules for new accounts (NIST SP 800-63B style: length over composition rules, and no
 * trivially guessable values). {@link #violation} returns the rule broken, in words a user understands.
 */
public final class PasswordPolicy {
    /** The schema's limit on a password's length. */
    public static final int MAX_LENGTH = 128;
    private static final Set<String> COMMON = Set.of("password", "password1", "password12", "password123",
            "1234567890", "12345678901", "123456789012", "qwertyuiop", "qwertyuiop1", "iloveyou12", "letmein123",
            "passw0rd12", "administrator", "omnicast123", "omnicast1234", "abcdefghij", "0987654321");

    private final int minLength;

    public PasswordPolicy(int minLength) {
        this.minLength = minLength;
    }

    public Optional<String> violation(String user, String password) {
        int length = password.codePointCount(0, password.length());
        if (length < minLength) {
            return Optional.of("password must be at least " + minLength + " characters long (was " + length + ")");
        }
        if (length > MAX_LENGTH) {
            return Optional.of("password must be at most " + MAX_LENGTH + " characters long (was " + length + ")");
        }
        if (password.codePoints().distinct().count() < 4) {
            return Optional.of("password must use at least 4 different characters");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (user != null && lower.contains(user.toLowerCase(Locale.ROOT))) {
            return Optional.of("password must not contain the user name");
        }
        if (COMMON.contains(lower)) {
            return Optional.of("password is on the list of commonly used passwords");
        }
        return Optional.empty();
    }
}
