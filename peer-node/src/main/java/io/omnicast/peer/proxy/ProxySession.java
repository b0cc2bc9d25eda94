package io.omnicast.peer.proxy;

import io.omnicast.uscp.ticket.TicketVerifier;
import io.omnicast.uscp.v1.Session;
import java.time.Duration;

/** What a successful login taught us: our node id, the beat interval, and the verifier for children's tickets. */
public record ProxySession(String nodeId, Duration beatInterval, TicketVerifier ticketVerifier) {
    static ProxySession of(Session session) {
        return new ProxySession(session.getNodeId(), Duration.ofMillis(session.getBeatIntervalMs()),
                TicketVerifier.fromX509(session.getProxyKey().getValue()));
    }
}
