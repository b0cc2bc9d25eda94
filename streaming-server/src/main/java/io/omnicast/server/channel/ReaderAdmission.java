package io.omnicast.server.channel;

import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a reader may play a channel. The proxy issue plugs in a ticket verifier here (the ticket comes as
 * a URL query parameter or a header); the default admits everyone. Called on a connection's event loop: it must not
 * block.
 */
@FunctionalInterface
public interface ReaderAdmission {
    /** Admits everyone. */
    ReaderAdmission ALLOW_ALL = request -> Optional.empty();

    /** What the verifier can look at. */
    record Request(String channel, String remoteAddress, Map<String, String> query, Map<String, String> headers) {
        public Request {
            query = Map.copyOf(query);
            headers = Map.copyOf(headers);
        }
    }

    /** Empty to admit, or the reason the reader is refused (answered with 401). */
    Optional<String> refuse(Request request);
}
