package io.omnicast.server.origin;

import io.netty.channel.EventLoopGroup;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.channel.ReaderAdmission;
import io.omnicast.server.channel.TicketAdmission;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The streaming server's registrations with the proxy: one {@link OriginSession} per channel, started when the
 * channel is first announced by a publisher and kept until the server stops (a publisher that reconnects does not
 * tear the channel's tree down). Its {@link #admission()} admits readers holding a ticket for this origin's node
 * id on that channel. Thread-safe.
 */
public final class OriginRegistrations implements AutoCloseable {
    private final ServerConfig config;
    private final InetSocketAddress proxy;
    private final EventLoopGroup group;
    private final ConcurrentMap<String, OriginSession> sessions = new ConcurrentHashMap<>();
    private volatile InetSocketAddress rtsp;
    private volatile boolean closed;

    public OriginRegistrations(ServerConfig config, EventLoopGroup group) {
        this.config = config;
        this.proxy = config.proxy().orElseThrow(() -> new IllegalArgumentException("no proxy configured"));
        this.group = group;
    }

    /** Where peers reach the RTSP port; set once the port is bound, before any channel is served. */
    public void rtspPort(int port) {
        this.rtsp = new InetSocketAddress(config.advertisedHost(), port);
    }

    /**
     * Registers {@code channel} with the proxy unless it already is, with {@code description}, what its readers get
     * (a registered channel whose publisher announced again tells the proxy its new description).
     */
    public void serve(String channel, String description) {
        if (closed || rtsp == null) {
            return;
        }
        OriginSession session = sessions.computeIfAbsent(channel, c -> new OriginSession(proxy, config.originUser(),
                config.originPassword(), c, rtsp, config.originMaxChildren(), group));
        session.describe(description);
        session.start();
    }

    /** The registration of {@code channel}, if it was announced. */
    public Optional<OriginSession> session(String channel) {
        return Optional.ofNullable(sessions.get(channel));
    }

    public List<OriginSession> sessions() {
        return List.copyOf(sessions.values());
    }

    /** Tickets checked with the proxy's key against this origin's node id for the channel; loopback exempt. */
    public ReaderAdmission admission() {
        return new TicketAdmission(channel -> {
            OriginSession s = sessions.get(channel);
            return s == null ? null : s.ticketVerifier();
        }, channel -> {
            OriginSession s = sessions.get(channel);
            return s == null ? null : s.nodeId();
        });
    }

    /** Logs every channel out of the proxy (best effort). */
    @Override
    public void close() {
        closed = true;
        sessions.values().forEach(OriginSession::close);
    }
}
