package io.omnicast.uscp.ticket;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.crypto.util.PrivateKeyFactory;

/**
 * Signs tickets with the proxy's Ed25519 private key, one signature per batch (see {@link TicketFormat}).
 * The signature is RFC 8032 Ed25519, made with Bouncy Castle's implementation: JDK 17's takes 0.6-1.7 ms per
 * signature (it derives the public key again on every call), Bouncy Castle's about 60 us, and a re-parent push waits
 * for one. Any Ed25519 verifier, the JDK's included, checks them. Thread-safe.
 */
public final class TicketSigner {
    private final Ed25519PrivateKeyParameters key;

    public TicketSigner(PrivateKey key) {
        if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm())) {
            throw new IllegalArgumentException("ticket key must be Ed25519 (was " + key.getAlgorithm() + ")");
        }
        try {
            if (!(PrivateKeyFactory.createKey(key.getEncoded()) instanceof Ed25519PrivateKeyParameters ed)) {
                throw new IllegalArgumentException("ticket key is not an Ed25519 private key");
            }
            this.key = ed;
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the Ed25519 ticket key: " + e.getMessage(), e);
        }
    }

    /** The token for one ticket (a batch of one). */
    public String sign(Ticket ticket) {
        return signAll(List.of(ticket)).get(0);
    }

    /** Tokens for up to {@link TicketFormat#MAX_BATCH} tickets, in order, under a single signature. */
    public List<String> signAll(List<Ticket> tickets) {
        int n = tickets.size();
        if (n == 0 || n > TicketFormat.MAX_BATCH) {
            throw new IllegalArgumentException("a batch holds 1 to " + TicketFormat.MAX_BATCH + " tickets (was " + n
                    + ")");
        }
        int depth = 0;
        while ((1 << depth) < n) {
            depth++;
        }
        MessageDigest sha = TicketFormat.sha256();
        byte[][] payloads = new byte[n][];
        // levels[0] are the leaves, padded to a power of two by repeating the last leaf
        byte[][][] levels = new byte[depth + 1][][];
        levels[0] = new byte[1 << depth][];
        for (int i = 0; i < (1 << depth); i++) {
            if (i < n) {
                payloads[i] = TicketFormat.payload(tickets.get(i));
                levels[0][i] = TicketFormat.leaf(sha, payloads[i]);
            } else {
                levels[0][i] = levels[0][n - 1];
            }
        }
        for (int level = 1; level <= depth; level++) {
            byte[][] below = levels[level - 1];
            levels[level] = new byte[below.length / 2][];
            for (int i = 0; i < levels[level].length; i++) {
                levels[level][i] = TicketFormat.node(sha, below[2 * i], below[2 * i + 1]);
            }
        }
        byte[] signed = TicketFormat.signedBytes(levels[depth][0]);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        signer.update(signed, 0, signed.length);
        byte[] signature = signer.generateSignature();
        List<String> tokens = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[][] siblings = new byte[depth][];
            int index = i;
            for (int level = 0; level < depth; level++) {
                siblings[level] = levels[level][index ^ 1];
                index >>= 1;
            }
            tokens.add(TicketFormat.token(payloads[i], TicketFormat.proof(depth, i, siblings), signature));
        }
        return tokens;
    }
}
