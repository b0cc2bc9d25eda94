package io.omnicast.uscp.ticket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The ticket token, compact and URL-safe so it fits the schema's {@code Ticket} type
 * ({@code [A-Za-z0-9_\-.]{16,1024}}) and an RTSP URL or header as is:
 *
 * <pre>
 *   token     = base64url(payload) "." base64url(proof) "." base64url(signature)      (no padding)
 *   payload   = "1" "|" childId "|" parentIds "|" channel "|" expiry   (UTF-8; expiry in Unix seconds)
 *   parentIds = parentId *2("," parentId)                             (the parent, then its backups)
 *   proof     = depth (1 byte, 0..8) | index (2 bytes, big-endian) | depth x 32-byte sibling hashes
 *   signature = Ed25519(proxy's private key, "omnicast-ticket-v1" | root)  (64 bytes, RFC 8032)
 *
 *   leaf = SHA-256(0x00 | payload)
 *   node = SHA-256(0x01 | left | right), from the leaf up to the root; bit k of index (from the least
 *          significant) says whether the node at level k is a right child (1) or a left child (0)
 * </pre>
 *
 * The proxy signs tickets in batches: one Ed25519 signature over the root of a Merkle tree whose leaves are the
 * batch's payloads (the domain-separated hashing of RFC 6962, section 2.1), and each ticket carries the path
 * from its leaf to the root. A batch of one has depth 0 and the root is the leaf. This is why a flash crowd of
 * joins, or the 8 orphans of a departed relay, cost one signature rather than one each: the JDK's Ed25519 takes
 * about 0.65 ms per signature on this project's machine.
 *
 * <p>Node ids and channel names cannot contain {@code |} or {@code ,} (their schema patterns exclude both), so
 * the payload splits unambiguously. The leading {@code 1} is the format version.
 */
public final class TicketFormat {
    /** The version field of the payload. */
    public static final String VERSION = "1";
    /** Longest token the schema accepts. */
    public static final int MAX_TOKEN_CHARS = 1024;
    /** A parent and at most two backups. */
    public static final int MAX_PARENTS = 3;
    /** Deepest Merkle path a token may carry: batches of at most 256 tickets. */
    public static final int MAX_DEPTH = 8;
    /** Largest batch one signature covers. */
    public static final int MAX_BATCH = 1 << MAX_DEPTH;
    static final byte[] SIGNING_CONTEXT = "omnicast-ticket-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int HASH_BYTES = 32;
    private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private TicketFormat() {
    }

    static void checkField(String name, String value) {
        if (value == null || !FIELD.matcher(value).matches()) {
            throw new IllegalArgumentException(name + " must match " + FIELD.pattern() + " (was '" + value + "')");
        }
    }

    /** The bytes a ticket states. */
    public static byte[] payload(Ticket ticket) {
        return (VERSION + "|" + ticket.childId() + "|" + String.join(",", ticket.parentIds()) + "|"
                + ticket.channel() + "|" + ticket.expiresAt().getEpochSecond()).getBytes(StandardCharsets.UTF_8);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static byte[] leaf(MessageDigest sha, byte[] payload) {
        sha.reset();
        sha.update((byte) 0);
        return sha.digest(payload);
    }

    static byte[] node(MessageDigest sha, byte[] left, byte[] right) {
        sha.reset();
        sha.update((byte) 1);
        sha.update(left);
        return sha.digest(right);
    }

    /** The bytes that are signed for a batch root. */
    static byte[] signedBytes(byte[] root) {
        byte[] signed = Arrays.copyOf(SIGNING_CONTEXT, SIGNING_CONTEXT.length + root.length);
        System.arraycopy(root, 0, signed, SIGNING_CONTEXT.length, root.length);
        return signed;
    }

    static byte[] proof(int depth, int index, byte[][] siblings) {
        ByteBuffer proof = ByteBuffer.allocate(3 + depth * HASH_BYTES);
        proof.put((byte) depth).putShort((short) index);
        for (int level = 0; level < depth; level++) {
            proof.put(siblings[level]);
        }
        return proof.array();
    }

    static String token(byte[] payload, byte[] proof, byte[] signature) {
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(proof) + "."
                + ENCODER.encodeToString(signature);
    }

    /** A token split into its payload, the ticket it states, the root its proof leads to, and the signature. */
    record Parsed(Ticket ticket, byte[] root, byte[] signature) {
    }

    static Parsed parse(String token) throws TicketException {
        if (token == null || token.length() > MAX_TOKEN_CHARS || !TOKEN.matcher(token).matches()) {
            throw new TicketException(TicketException.Reason.MALFORMED, "not a ticket token (expected "
                    + "payload.proof.signature in base64url, at most " + MAX_TOKEN_CHARS + " characters)");
        }
        String[] parts = token.split("\\.");
        byte[] payload;
        byte[] proof;
        byte[] signature;
        try {
            payload = DECODER.decode(parts[0]);
            proof = DECODER.decode(parts[1]);
            signature = DECODER.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new TicketException(TicketException.Reason.MALFORMED, "ticket is not valid base64url: "
                    + e.getMessage());
        }
        if (proof.length < 3) {
            throw new TicketException(TicketException.Reason.MALFORMED, "ticket proof is too short");
        }
        int depth = proof[0] & 0xff;
        int index = ((proof[1] & 0xff) << 8) | (proof[2] & 0xff);
        if (depth > MAX_DEPTH || proof.length != 3 + depth * HASH_BYTES || index >= (1 << depth)) {
            throw new TicketException(TicketException.Reason.MALFORMED, "ticket proof of depth " + depth
                    + " and index " + index + " is malformed (at most depth " + MAX_DEPTH + ")");
        }
        MessageDigest sha = sha256();
        byte[] hash = leaf(sha, payload);
        for (int level = 0; level < depth; level++) {
            byte[] sibling = Arrays.copyOfRange(proof, 3 + level * HASH_BYTES, 3 + (level + 1) * HASH_BYTES);
            hash = ((index >> level) & 1) == 0 ? node(sha, hash, sibling) : node(sha, sibling, hash);
        }
        String[] fields = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
        if (fields.length != 5 || !VERSION.equals(fields[0])) {
            throw new TicketException(TicketException.Reason.MALFORMED, "ticket payload must be version " + VERSION
                    + " with 5 fields (had " + fields.length + ")");
        }
        try {
            Ticket ticket = new Ticket(fields[1], Arrays.asList(fields[2].split(",", -1)), fields[3],
                    Instant.ofEpochSecond(Long.parseLong(fields[4])));
            return new Parsed(ticket, hash, signature);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new TicketException(TicketException.Reason.MALFORMED, "bad ticket field: " + e.getMessage());
        }
    }
}
