package io.omnicast.uscp.ticket;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The ticket token, compact and URL-safe so it fits the schema's {@code Ticket} type
 * ({@code [A-Za-z0-9_\-.]{16,1024}}) and an RTSP URL or header as is:
 *
 * <pre>
 *   token   = base64url(payload) "." base64url(signature)        (no padding)
 *   payload = "1" "|" childId "|" parentIds "|" channel "|" expiry   (UTF-8; expiry in Unix seconds, decimal)
 *   parentIds = parentId *2("," parentId)                      (the parent, then its backups)
 *   signature = Ed25519(proxy's private key, payload bytes)      (64 bytes, RFC 8032)
 * </pre>
 *
 * Node ids and channel names cannot contain {@code |} or {@code ,} (their schema patterns exclude both), so the payload splits
 * unambiguously. The leading {@code 1} is the format version.
 */
public final class TicketFormat {
    /** The version field of the payload. */
    public static final String VERSION = "1";
    /** Longest token the schema accepts. */
    public static final int MAX_TOKEN_CHARS = 1024;
    /** A parent and at most two backups. */
    public static final int MAX_PARENTS = 3;
    private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private TicketFormat() {
    }

    static void checkField(String name, String value) {
        if (value == null || !FIELD.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must match " + FIELD.pattern() + " (was '" + value + "')");
        }
    }

    /** The bytes that are signed. */
    public static byte[] payload(Ticket ticket) {
        return (VERSION + "|" + ticket.childId() + "|" + String.join(",", ticket.parentIds()) + "|" + ticket.channel() + "|"
                + ticket.expiresAt().getEpochSecond()).getBytes(StandardCharsets.UTF_8);
    }

    static String token(byte[] payload, byte[] signature) {
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(signature);
    }

    /** A token split into its signed payload, the ticket it states, and the signature. Not yet verified. */
    record Parsed(byte[] payload, Ticket ticket, byte[] signature) {
    }

    static Parsed parse(String token) throws TicketException {
        if (token == null || token.length() > MAX_TOKEN_CHARS || !TOKEN.matcher(token).matches()) {
            throw new TicketException(TicketException.Reason.MALFORMED, "not a ticket token (expected "
                    + "base64url payload '.' base64url signature, at most " + MAX_TOKEN_CHARS + " characters)");
        }
        int dot = token.indexOf('.');
        byte[] payload;
        byte[] signature;
        try {
            payload = DECODER.decode(token.substring(0, dot));
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw new TicketException(TicketException.Reason.MALFORMED, "ticket is not valid base64url: "
                    + e.getMessage());
        }
        String[] fields = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (fields.length != 5 || !VERSION.equals(fields[0])) {
            throw new TicketException(TicketException.Reason.MALFORMED, "ticket payload must be version " + VERSION
                    + " with 5 fields (had " + fields.length + ")");
        }
        try {
            Ticket ticket = new Ticket(fields[1], java.util.Arrays.asList(fields[2].split(",", -1)), fields[3], Instant.ofEpochSecond(Long.parseLong(fields[4])));
            return new Parsed(payload, ticket, signature);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new TicketException(TicketException.Reason.MALFORMED, "bad ticket field: " + e.getMessage());
        }
    }
}
