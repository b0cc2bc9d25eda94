package io.omnicast.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.server.channel.ChannelRegistry;
import io.omnicast.server.channel.ChannelStats;
import io.omnicast.server.channel.LiveChannel;
import io.omnicast.server.channel.PublishedSdp;
import io.omnicast.server.channel.ReaderAdmission;
import io.omnicast.server.origin.OriginRegistrations;
import io.omnicast.server.origin.OriginSession;
import io.omnicast.server.rtsp.RtspServer;
import io.omnicast.server.rtsp.UdpMediaPorts;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming server: the RTSP listener, the shared UDP media ports and the channels. The Java API other
 * components use: {@link #start}, {@link #stats()}, {@link #channel(String)}, {@link #close()}.
 */
public final class StreamingServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingServer.class);

    private final ServerConfig config;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    /** Whether the loops are this server's own (shut down on close) or lent by the embedding application. */
    private final boolean ownsLoops;
    private final UdpMediaPorts ports;
    private final ChannelRegistry channels;
    private final RtspServer rtsp;
    private final OriginRegistrations origins;

    private StreamingServer(ServerConfig config, ReaderAdmission admission, EventLoopGroup lent) {
        this.config = config;
        this.ownsLoops = lent == null;
        this.boss = lent != null ? lent : new NioEventLoopGroup(1, new DefaultThreadFactory("omnicast-rtsp-accept"));
        this.workers = lent != null ? lent : new NioEventLoopGroup(0, new DefaultThreadFactory("omnicast-rtsp"));
        try {
            // Channels run on the UDP sockets' loop: UDP fan-out then needs no hand-off between threads.
            this.ports = UdpMediaPorts.bind(workers.next(), config.bindAddress(), config.udpRtpPort());
            this.origins = config.proxy().isPresent() ? new OriginRegistrations(config, workers) : null;
            this.channels = origins == null ? new ChannelRegistry(config, ports::eventLoop)
                    : new ChannelRegistry(config, ports::eventLoop, origins::serve);
            this.rtsp = RtspServer.start(config, boss, workers, ports, channels,
                    admission != null ? admission : origins != null ? origins.admission() : ReaderAdmission.ALLOW_ALL);
            if (origins != null) {
                origins.rtspPort(rtsp.port());
            }
        } catch (RuntimeException e) {
            if (ownsLoops) {
                workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            throw e;
        }
        LOG.info("streaming server listening on rtsp://{}:{}/live/<channel>, RTP/RTCP on UDP {}-{}",
                config.bindAddress().getHostAddress(), rtsp.port(), ports.rtpPort(), ports.rtcpPort());
        config.proxy().ifPresent(p -> LOG.info("registering channels with proxy {} as origin {} at rtsp://{}:{}; "
                + "readers need its tickets", p, config.originUser(), config.advertisedHost(), rtsp.port()));
    }

    /**
     * Starts a server. Without {@link ServerConfig#proxy()} it admits every reader; with one it registers each
     * announced channel with the proxy as its origin and admits only readers with the proxy's ticket for it
     * (players on 127.0.0.1/::1 need none).
     */
    public static StreamingServer start(ServerConfig config) {
        return new StreamingServer(config, null, null);
    }

    /** Starts a server whose readers must pass {@code admission} (e.g. a ticket verifier). */
    public static StreamingServer start(ServerConfig config, ReaderAdmission admission) {
        return new StreamingServer(config, java.util.Objects.requireNonNull(admission, "admission"), null);
    }

    /**
     * Starts a server embedded in an application that lends it its event loops: accepting, every connection, the
     * UDP ports and the channels all run on {@code loops}, which {@link #close()} leaves running. Given a single
     * {@link io.netty.channel.EventLoop} (the peer's relay), a packet its owner publishes in-process reaches every
     * reader without a hand-off between threads.
     */
    public static StreamingServer start(ServerConfig config, ReaderAdmission admission, EventLoopGroup loops) {
        return new StreamingServer(config, java.util.Objects.requireNonNull(admission, "admission"),
                java.util.Objects.requireNonNull(loops, "loops"));
    }

    public ServerConfig config() {
        return config;
    }

    /** The RTSP port actually bound (useful with port 0). */
    public int rtspPort() {
        return rtsp.port();
    }

    public int udpRtpPort() {
        return ports.rtpPort();
    }

    public int udpRtcpPort() {
        return ports.rtcpPort();
    }

    /** This server's registration with the proxy for {@code channel}, if it has a proxy and the channel was announced. */
    public Optional<OriginSession> origin(String channel) {
        return origins == null ? Optional.empty() : origins.session(channel);
    }

    /** The live channel {@code name}, if any. */
    public Optional<LiveChannel> channel(String name) {
        return channels.live(name);
    }

    /**
     * Publishes {@code channel} from this JVM: the channel goes live at once with the tracks {@code sdp} describes,
     * and readers get the packets {@link LocalPublisher#offer} hands in, unchanged. Fails with
     * {@link IllegalArgumentException} for an unusable SDP and {@link IllegalStateException} if the channel already
     * has a publisher.
     */
    public LocalPublisher publishLocal(String channel, String sdp) {
        PublishedSdp described = PublishedSdp.parse(sdp);
        LocalPublisher.Endpoint endpoint = new LocalPublisher.Endpoint();
        LiveChannel live = channels.claim(channel, endpoint, described).orElseThrow(() -> new IllegalStateException(
                "channel " + channel + " already has a publisher"));
        live.startRecording(); // queued on the channel's loop after the claim's attach, before any offer
        LOG.info("channel {}: published in-process ({})", channel, endpoint.id());
        return new LocalPublisher(live, endpoint);
    }

    /** Stats of every channel (waits briefly for each channel's loop). */
    public List<ChannelStats> stats() {
        List<ChannelStats> result = new ArrayList<>();
        for (LiveChannel c : channels.all()) {
            try {
                result.add(c.stats().get(2, TimeUnit.SECONDS));
            } catch (Exception e) {
                LOG.debug("no stats from channel {}: {}", c.name(), e.toString());
            }
        }
        return result;
    }

    public ServerCounters counters() {
        return rtsp.counters();
    }

    /** Datagrams to the UDP ports from addresses no session announced. */
    public long udpUnknownSourcePackets() {
        return ports.unknownSourcePackets();
    }

    /**
     * PLAY request decoded to the reader's first packet (the keyframe it starts at) handed to its transport, in
     * nanoseconds: the server's share of the time to first frame.
     */
    public LatencyRecorder firstPacketLatency() {
        return channels.firstPacketLatency();
    }

    @Override
    public void close() {
        if (origins != null) {
            origins.close();
        }
        channels.endAll("server shutting down");
        rtsp.close();
        ports.close();
        if (ownsLoops) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        LOG.info("streaming server stopped");
    }
}
