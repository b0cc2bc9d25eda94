package io.omnicast.proxy.session;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.omnicast.proxy.auth.AccountService;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.proxy.directory.DirectoryEvent;
import io.omnicast.proxy.directory.EventRecorder;
import io.omnicast.proxy.metrics.ProxyMetrics;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import io.omnicast.uscp.v1.ReStreamingConnection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * What the sessions and channel owners share: configuration, accounts, node ids, the channel owners, live
 * sessions by node id, reply building, metrics, the event recorder and the prober. Thread-safe.
 */
public final class ProxyServices {
    private final ProxyConfig config;
    private final TopologyAlgorithm algorithm;
    private final AccountService accounts;
    private final NodeIds nodeIds;
    private final Replies replies;
    private final ProxyMetrics metrics;
    private final EventRecorder recorder;
    private final ExecutorService authExecutor;
    private final EventLoopGroup channelThreads;
    private final ConnectBackProber prober;
    private final ConcurrentHashMap<String, ChannelOwner> channels = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

    public ProxyServices(ProxyConfig config, TopologyAlgorithm algorithm, AccountService accounts, NodeIds nodeIds,
            Replies replies, ProxyMetrics metrics, EventRecorder recorder, ExecutorService authExecutor,
            EventLoopGroup channelThreads, ConnectBackProber prober) {
        this.config = config;
        this.algorithm = algorithm;
        this.accounts = accounts;
        this.nodeIds = nodeIds;
        this.replies = replies;
        this.metrics = metrics;
        this.recorder = recorder;
        this.authExecutor = authExecutor;
        this.channelThreads = channelThreads;
        this.prober = prober;
    }

    public ProxyConfig config() {
        return config;
    }

    public TopologyAlgorithm algorithm() {
        return algorithm;
    }

    public AccountService accounts() {
        return accounts;
    }

    public NodeIds nodeIds() {
        return nodeIds;
    }

    public Replies replies() {
        return replies;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    public ExecutorService authExecutor() {
        return authExecutor;
    }

    public ConnectBackProber prober() {
        return prober;
    }

    public void record(DirectoryEvent event) {
        recorder.record(event);
    }

    /** The owner of {@code channel}, or null when no origin ever announced it. */
    public ChannelOwner channel(String channel) {
        return channels.get(channel);
    }

    /** The owner of {@code channel}, created (and pinned to one channel thread) on first use. */
    ChannelOwner channelOrCreate(String channel) {
        return channels.computeIfAbsent(channel, c -> {
            EventExecutor executor = channelThreads.next();
            return new ChannelOwner(c, executor, this);
        });
    }

    public Map<String, ChannelOwner> channels() {
        return Collections.unmodifiableMap(channels);
    }

    public Session session(String nodeId) {
        return sessions.get(nodeId);
    }

    public Collection<Session> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    void register(Session session) {
        sessions.put(session.nodeId(), session);
        metrics.sessions().incrementAndGet();
    }

    void unregister(Session session) {
        if (sessions.remove(session.nodeId(), session)) {
            metrics.sessions().decrementAndGet();
        }
    }

    /**
     * Pushes new parents to the orphans of one departure: their tickets are signed in one batch, and each
     * message is then written to its orphan's connection (encoded on that connection's event loop).
     */
    void pushAll(List<Session> orphans, List<PlacementOrder> orders, long detectedNanos) {
        List<CompletableFuture<ReStreamingConnection>> messages = replies.pushes(orders);
        for (int i = 0; i < orphans.size(); i++) {
            Session orphan = orphans.get(i);
            messages.get(i).whenComplete((message, failure) -> {
                if (failure != null || orphan.gone() || !orphan.connection().isActive()) {
                    return;
                }
                orphan.connection().writeAndFlush(message).addListener(f -> {
                    if (f.isSuccess()) {
                        metrics.reparented(System.nanoTime() - detectedNanos);
                    }
                });
            });
        }
    }
}
