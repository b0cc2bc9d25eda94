package io.omnicast.proxy.session;

import io.omnicast.uscp.UscpMessages;
import io.omnicast.uscp.ticket.Ticket;
import java.util.concurrent.CompletableFuture;
import io.omnicast.uscp.v1.OK;
import io.omnicast.uscp.v1.Parent;
import io.omnicast.uscp.v1.PlacementReason;
import io.omnicast.uscp.v1.ProxyKey;
import io.omnicast.uscp.v1.ReStreamingConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the proxy's USCP replies and pushes, with one ticket per placement signed by the {@link TicketBatcher}.
 * Thread-safe.
 */
public final class Replies {
    private final TicketBatcher signer;
    private final byte[] proxyKeyX509;
    private final int beatIntervalMs;
    private final Duration ticketLifetime;

    public Replies(TicketBatcher signer, byte[] proxyKeyX509, int beatIntervalMs, Duration ticketLifetime) {
        this.signer = signer;
        this.proxyKeyX509 = proxyKeyX509.clone();
        this.beatIntervalMs = beatIntervalMs;
        this.ticketLifetime = ticketLifetime;
    }

    /** The Session element: node id, beat interval and the proxy's Ed25519 key. */
    public io.omnicast.uscp.v1.Session session(String nodeId) {
        io.omnicast.uscp.v1.Session session = new io.omnicast.uscp.v1.Session();
        session.setNodeId(nodeId);
        session.setBeatIntervalMs(beatIntervalMs);
        ProxyKey key = new ProxyKey();
        key.setAlgorithm("Ed25519");
        key.setValue(proxyKeyX509.clone());
        session.setProxyKey(key);
        return session;
    }

    public OK okWithSession(String requestId, String nodeId) {
        OK ok = UscpMessages.ok(requestId);
        ok.setSession(session(nodeId));
        return ok;
    }

    /** The ticket a placement's node presents to its parent or backups. */
    public Ticket ticket(PlacementOrder order) {
        List<String> parentIds = new ArrayList<>(1 + order.backups().size());
        parentIds.add(order.parent().nodeId());
        for (ParentRef backup : order.backups()) {
            parentIds.add(backup.nodeId());
        }
        return new Ticket(order.nodeId(), parentIds, order.channel(), Instant.now().plus(ticketLifetime));
    }

    /** A {@code ReStreamingConnection}, once its ticket is signed; {@code requestId} null for a push. */
    public CompletableFuture<ReStreamingConnection> placement(PlacementOrder order, PlacementReason reason,
            String requestId, boolean withSession) {
        return signer.sign(ticket(order)).thenApply(token -> message(order, reason, requestId, withSession, token));
    }

    /** The pushes of one departure, signed in one batch. */
    public List<CompletableFuture<ReStreamingConnection>> pushes(List<PlacementOrder> orders) {
        List<Ticket> tickets = new ArrayList<>(orders.size());
        for (PlacementOrder order : orders) {
            tickets.add(ticket(order));
        }
        List<CompletableFuture<String>> tokens = signer.signAll(tickets);
        List<CompletableFuture<ReStreamingConnection>> messages = new ArrayList<>(orders.size());
        for (int i = 0; i < orders.size(); i++) {
            PlacementOrder order = orders.get(i);
            messages.add(tokens.get(i).thenApply(token -> message(order, PlacementReason.REPARENT, null, false, token)));
        }
        return messages;
    }

    private ReStreamingConnection message(PlacementOrder order, PlacementReason reason, String requestId,
            boolean withSession, String ticket) {
        ReStreamingConnection message = new ReStreamingConnection();
        message.setRequestId(requestId);
        message.setReason(reason);
        message.setChannel(order.channel());
        message.setNodeId(order.nodeId());
        message.setHopCount(order.hopCount());
        message.setParent(parent(order.parent(), ticket));
        for (ParentRef backup : order.backups()) {
            message.getBackupParent().add(parent(backup, ticket));
        }
        if (withSession) {
            message.setSession(session(order.nodeId()));
            message.setDescription(order.description()); // a joining viewer skips the DESCRIBE
        }
        return message;
    }

    private static Parent parent(ParentRef ref, String ticket) {
        Parent parent = new Parent();
        parent.setNodeId(ref.nodeId());
        parent.setHopCount(ref.hopCount());
        parent.setRtspUrl(ref.rtspUrl());
        parent.setTicket(ticket);
        return parent;
    }
}
