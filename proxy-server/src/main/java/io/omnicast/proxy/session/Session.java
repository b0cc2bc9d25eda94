package io.omnicast.proxy.session;

import io.netty.channel.Channel;
import io.omnicast.uscp.v1.Health;
import java.util.List;

/**
 * One logged-in USCP session: a viewer in one channel or an origin serving several. Immutable facts are set at
 * login; the few mutable fields are written by the session's event loop and read by the channel thread and the
 * HTTP API, hence volatile.
 */
public final class Session {
    /** What the node is. */
    public enum Role { VIEWER, ORIGIN }

    private final String nodeId;
    private final String user;
    private final Role role;
    private final List<String> channels;
    private final String relayHost;
    private final int relayPort;
    private final Channel connection;
    private final long loginNanos;
    private volatile Health health;
    private volatile int maxChildren;
    private volatile long uplinkKbps;
    private volatile boolean gone;

    public Session(String nodeId, String user, Role role, List<String> channels, String relayHost, int relayPort,
            int maxChildren, long uplinkKbps, Channel connection) {
        this.nodeId = nodeId;
        this.user = user;
        this.role = role;
        this.channels = List.copyOf(channels);
        this.relayHost = relayHost;
        this.relayPort = relayPort;
        this.maxChildren = maxChildren;
        this.uplinkKbps = uplinkKbps;
        this.connection = connection;
        this.loginNanos = System.nanoTime();
    }

    public String nodeId() {
        return nodeId;
    }

    public String user() {
        return user;
    }

    public Role role() {
        return role;
    }

    /** The viewer's channel, or the origin's channels. */
    public List<String> channels() {
        return channels;
    }

    public boolean hasRelay() {
        return relayHost != null;
    }

    public String relayHost() {
        return relayHost;
    }

    public int relayPort() {
        return relayPort;
    }

    /** Where children pull {@code channel} from this node. IPv6 hosts are bracketed. */
    public String rtspUrl(String channel) {
        String host = relayHost == null ? "0.0.0.0" : relayHost.contains(":") ? "[" + relayHost + "]" : relayHost;
        return "rtsp://" + host + ":" + relayPort + "/live/" + channel;
    }

    public Channel connection() {
        return connection;
    }

    public long loginNanos() {
        return loginNanos;
    }

    public Health health() {
        return health;
    }

    void health(Health health) {
        this.health = health;
    }

    public int maxChildren() {
        return maxChildren;
    }

    public long uplinkKbps() {
        return uplinkKbps;
    }

    void capacity(int maxChildren, long uplinkKbps) {
        this.maxChildren = maxChildren;
        this.uplinkKbps = uplinkKbps;
    }

    /** True once the session left (logout, close, missed beats); pushes to it are skipped. */
    public boolean gone() {
        return gone;
    }

    void markGone() {
        gone = true;
    }

    @Override
    public String toString() {
        return nodeId + "(" + user + ", " + role.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }
}
