package io.omnicast.proxy.auth;

import io.omnicast.proxy.directory.NodeDirectory;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The proxy's Ed25519 ticket key pair, created on first start and kept in the directory database. */
public final class SigningKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

    private SigningKeys() {
    }

    public static KeyPair loadOrCreate(NodeDirectory directory) {
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            Optional<byte[][]> stored = directory.loadSigningKey();
            if (stored.isPresent()) {
                return new KeyPair(factory.generatePublic(new X509EncodedKeySpec(stored.get()[1])),
                        factory.generatePrivate(new PKCS8EncodedKeySpec(stored.get()[0])));
            }
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            directory.storeSigningKey("Ed25519", pair.getPrivate().getEncoded(), pair.getPublic().getEncoded());
            LOG.info("created a new Ed25519 ticket signing key in {}", directory.url());
            return pair;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load or create the Ed25519 ticket key: " + e.getMessage(), e);
        }
    }
}
