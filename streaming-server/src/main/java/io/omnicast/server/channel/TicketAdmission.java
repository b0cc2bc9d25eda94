package io.omnicast.server.channel;

import io.omnicast.uscp.ticket.TicketException;
import io.omnicast.uscp.ticket.TicketVerifier;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Admits a reader when it presents a proxy ticket ({@code ticket} URL query parameter, or the
 * {@code X-OmniCast-Ticket} header) issued for this node and channel, verified with the proxy's public key. A
 * player on this machine's own loopback (127.0.0.1 or ::1) needs none, so a person can watch in ffplay or VLC.
 * Peer relays (one node id for their channel) and streaming servers registered as origins (a node id per channel)
 * both use it. Called on event loops; never blocks.
 */
public final class TicketAdmission implements ReaderAdmission {
    private final Function<String, TicketVerifier> verifier;
    private final Function<String, String> nodeId;

    /** For a relay: one proxy login, one node id; either supplier gives null while not logged in. */
    public TicketAdmission(Supplier<TicketVerifier> verifier, Supplier<String> nodeId) {
        this(channel -> verifier.get(), channel -> nodeId.get());
    }

    /**
     * For an origin serving several channels, each with its own proxy login: the verifier and this node's id for a
     * channel, or null while that channel is not registered with the proxy.
     */
    public TicketAdmission(Function<String, TicketVerifier> verifierOfChannel, Function<String, String> nodeIdOfChannel) {
        this.verifier = Objects.requireNonNull(verifierOfChannel, "verifierOfChannel");
        this.nodeId = Objects.requireNonNull(nodeIdOfChannel, "nodeIdOfChannel");
    }

    @Override
    public Optional<String> refuse(Request request) {
        String ticket = request.query().get("ticket");
        if (ticket == null) {
            ticket = request.headers().get("x-omnicast-ticket");
        }
        if (ticket == null) {
            return isLocalPlayer(request.remoteAddress()) ? Optional.empty()
                    : Optional.of("a proxy ticket is required from " + request.remoteAddress());
        }
        TicketVerifier v = verifier.apply(request.channel());
        String me = nodeId.apply(request.channel());
        if (v == null || me == null) {
            return Optional.of("not logged in to the proxy yet: cannot check tickets");
        }
        try {
            v.verify(ticket, me, request.channel(), Instant.now());
            return Optional.empty();
        } catch (TicketException e) {
            return Optional.of("ticket refused: " + e.reason() + " (" + e.getMessage() + ")");
        }
    }

    /** True for 127.0.0.1 and ::1 in the forms Netty prints ("/127.0.0.1:5000", "/[0:0:0:0:0:0:0:1]:5000"). */
    static boolean isLocalPlayer(String remote) {
        if (remote == null) {
            return false;
        }
        String r = remote.startsWith("/") ? remote.substring(1) : remote;
        int colon = r.lastIndexOf(':');
        String host = r.startsWith("[") ? r.substring(1, r.indexOf(']')) : colon > 0 && r.indexOf(':') == colon
                ? r.substring(0, colon) : r;
        return host.equals("127.0.0.1") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
    }
}
