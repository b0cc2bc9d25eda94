package io.omnicast.media.rtsp;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code Session} header (<a href="https://www.rfc-editor.org/rfc/rfc2326#section-12.37">RFC 2326 section
 * 12.37</a>): {@code id[;timeout=seconds]}. The id is 8 or more characters of {@code [A-Za-z0-9$-_.+]}.
 */
public record RtspSessionHeader(String id, Optional<Duration> timeout) {
    /** RFC 2326: without a timeout parameter the session lasts 60 seconds after the last request. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_ID_LENGTH = 128;

    public RtspSessionHeader {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(timeout, "timeout");
        if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("session id must be 1 to " + MAX_ID_LENGTH + " characters (was "
                    + id.length() + ")");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 0x80 || "$-_.+".indexOf(c) >= 0)) {
                throw new IllegalArgumentException("invalid character '" + c + "' in session id");
            }
        }
    }

    public static RtspSessionHeader of(String id, Duration timeout) {
        return new RtspSessionHeader(id, Optional.of(timeout));
    }

    /** Parses the header value; fails with {@link IllegalArgumentException}. */
    public static RtspSessionHeader parse(String value) {
        Objects.requireNonNull(value, "Session header");
        String[] parts = value.trim().split(";");
        Optional<Duration> timeout = Optional.empty();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.regionMatches(true, 0, "timeout=", 0, 8)) {
                try {
                    long seconds = Long.parseLong(p.substring(8).trim());
                    if (seconds <= 0 || seconds > 86_400) {
                        throw new IllegalArgumentException("session timeout must be between 1 and 86400 seconds (was "
                                + seconds + ")");
                    }
                    timeout = Optional.of(Duration.ofSeconds(seconds));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("session timeout is not a number: '" + p + "'", e);
                }
            }
        }
        return new RtspSessionHeader(parts[0].trim(), timeout);
    }

    public Duration timeoutOrDefault() {
        return timeout.orElse(DEFAULT_TIMEOUT);
    }

    public String format() {
        return timeout.map(t -> id + ";timeout=" + t.toSeconds()).orElse(id);
    }

    @Override
    public String toString() {
        return format();
    }
}
