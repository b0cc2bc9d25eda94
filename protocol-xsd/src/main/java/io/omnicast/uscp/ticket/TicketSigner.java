package io.omnicast.uscp.ticket;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;

/** Signs tickets with the proxy's Ed25519 private key. Thread-safe. */
public final class TicketSigner {
    private final PrivateKey key;
    private final ThreadLocal<Signature> signatures;

    public TicketSigner(PrivateKey key) {
        if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())) {
            throw new IllegalArgumentException("ticket key must be Ed25519 (was " + key.getAlgorithm() + ")");
        }
        this.key = key;
        this.signatures = ThreadLocal.withInitial(() -> {
            try {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(this.key);
                return signature;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Ed25519 is not available in this JDK", e);
            }
        });
    }

    /** The token for {@code ticket}. */
    public String sign(Ticket ticket) {
        byte[] payload = TicketFormat.payload(ticket);
        try {
            Signature signature = signatures.get();
            signature.update(payload);
            return TicketFormat.token(payload, signature.sign());
        } catch (GeneralSecurityException e) {
            signatures.remove();
            throw new IllegalStateException("cannot sign ticket for " + ticket.childId() + " -> " + ticket.parentIds()
                    + " on " + ticket.channel() + ": " + e.getMessage(), e);
        }
    }
}
