package io.omnicast.server.channel;

import io.netty.util.concurrent.EventExecutor;
import io.omnicast.server.LatencyRecorder;
import io.omnicast.server.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The channels by name. A channel exists from a publisher's ANNOUNCE until it ends; at most one publisher per
 * channel (a second one is refused). Thread-safe.
 */
public final class ChannelRegistry {
    private final ConcurrentMap<String, LiveChannel> channels = new ConcurrentHashMap<>();
    private final ServerConfig config;
    private final Supplier<EventExecutor> executors;
    private final LatencyRecorder firstPacketLatency = new LatencyRecorder(4096);
    private final BiConsumer<String, String> claimed;

    /** {@code executors} picks the event loop that will own a new channel. */
    public ChannelRegistry(ServerConfig config, Supplier<EventExecutor> executors) {
        this(config, executors, (name, description) -> { });
    }

    /**
     * As above; {@code claimed} hears the name of every channel a publisher claims and the description its readers
     * get (e.g. to register it with the proxy).
     */
    public ChannelRegistry(ServerConfig config, Supplier<EventExecutor> executors,
            BiConsumer<String, String> claimed) {
        this.config = config;
        this.executors = executors;
        this.claimed = claimed;
    }

    /** PLAY received to the reader's first packet handed to its transport, for every channel. */
    public LatencyRecorder firstPacketLatency() {
        return firstPacketLatency;
    }

    /**
     * Claims {@code name} for {@code publisher}; empty if another publisher holds it. The channel is not live (not
     * visible to readers) until {@link LiveChannel#startRecording()}.
     */
    public Optional<LiveChannel> claim(String name, Publisher publisher, PublishedSdp sdp) {
        LiveChannel fresh = new LiveChannel(name, executors.get(), config, this::remove, firstPacketLatency);
        LiveChannel existing = channels.putIfAbsent(name, fresh);
        if (existing != null) {
            return Optional.empty();
        }
        fresh.executor().execute(() -> fresh.attach(publisher, sdp));
        claimed.accept(name, sdp.describeToReaders());
        return Optional.of(fresh);
    }

    private void remove(LiveChannel channel) {
        channels.remove(channel.name(), channel);
    }

    /** The live channel called {@code name}, if any. */
    public Optional<LiveChannel> live(String name) {
        LiveChannel c = channels.get(name);
        return c != null && c.isLive() ? Optional.of(c) : Optional.empty();
    }

    /** Every channel that exists now. */
    public List<LiveChannel> all() {
        return new ArrayList<>(channels.values());
    }

    /** Ends every channel (shutdown). */
    public void endAll(String reason) {
        for (LiveChannel c : all()) {
            c.end(reason);
        }
    }
}
