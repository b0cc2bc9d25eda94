package io.omnicast.proxy.directory;

import java.time.Instant;

/**
 * An account. {@code passwordHash} is the self-describing PBKDF2 string, never the password.
 *
 * @param role {@code viewer} or {@code origin}
 */
public record Account(String user, String passwordHash, String role, Instant createdAt) {
}
