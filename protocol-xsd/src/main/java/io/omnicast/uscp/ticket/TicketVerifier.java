package io.omnicast.uscp.ticket;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * Checks tickets against the proxy's Ed25519 public key. Relays and the streaming server build one from the
 * {@code ProxyKey} of their login reply ({@link #fromX509(byte[])}) and call {@link #verify(String, String,
 * String, Instant)} when a child connects. Verification is Bouncy Castle's RFC 8032 Ed25519 (several times faster than
 * the JDK 17 one; a child's join waits for it at its parent). A child presents its ticket with DESCRIBE and
 * again with SETUP: the tickets whose signature held are remembered (the last {@value #REMEMBERED}), so the
 * signature is checked once per ticket; the expiry is checked at every use. Thread-safe.
 */
public final class TicketVerifier {
    /** Tickets remembered as correctly signed; beyond this many the memory starts afresh. */
    static final int REMEMBERED = 256;

    private final Ed25519PublicKeyParameters key;
    private final Map<String, Ticket> signatureHeld = new ConcurrentHashMap<>();

    public TicketVerifier(PublicKey key) {
        try {
            if (!(PublicKeyFactory.createKey(key.getEncoded()) instanceof Ed25519PublicKeyParameters ed)) {
                throw new IllegalArgumentException("not an Ed25519 public key (" + key.getAlgorithm() + ")");
            }
            this.key = ed;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** A verifier for the X.509 SubjectPublicKeyInfo bytes of an Ed25519 key (the USCP {@code ProxyKey}). */
    public static TicketVerifier fromX509(byte[] subjectPublicKeyInfo) {
        try {
            return new TicketVerifier(KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(subjectPublicKeyInfo)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key in X.509 form: " + e.getMessage(), e);
        }
    }

    /** Checks the signature and the expiry; returns what the ticket grants. */
    public Ticket verify(String token, Instant now) throws TicketException {
        Ticket ticket = token == null ? null : signatureHeld.get(token);
        if (ticket == null) {
            ticket = checkSignature(token); // a null or malformed token fails here
            if (signatureHeld.size() >= REMEMBERED) {
                signatureHeld.clear();
            }
            signatureHeld.put(token, ticket);
        }
        if (!ticket.validAt(now)) {
            throw new TicketException(TicketException.Reason.EXPIRED, "ticket for " + ticket.childId()
                    + " expired at " + ticket.expiresAt() + " (now " + now + ")");
        }
        return ticket;
    }

    private Ticket checkSignature(String token) throws TicketException {
        TicketFormat.Parsed parsed = TicketFormat.parse(token);
        byte[] signed = TicketFormat.signedBytes(parsed.root());
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key);
        verifier.update(signed, 0, signed.length);
        if (!verifier.verifySignature(parsed.signature())) {
            throw new TicketException(TicketException.Reason.BAD_SIGNATURE,
                    "ticket signature does not match the proxy's key");
        }
        return parsed.ticket();
    }

    /** As {@link #verify(String, Instant)}, and checks the ticket admits the child at this parent (its parent or a backup) and channel. */
    public Ticket verify(String token, String parentId, String channel, Instant now) throws TicketException {
        Ticket ticket = verify(token, now);
        if (!ticket.grants(parentId)) {
            throw new TicketException(TicketException.Reason.WRONG_PARENT, "ticket for " + ticket.childId()
                    + " was issued for parents " + ticket.parentIds() + ", not " + parentId);
        }
        if (!ticket.channel().equals(channel)) {
            throw new TicketException(TicketException.Reason.WRONG_CHANNEL, "ticket for " + ticket.childId()
                    + " was issued for channel " + ticket.channel() + ", not " + channel);
        }
        return ticket;
    }
}
