package io.omnicast.peer.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.server.LocalPublisher;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import io.omnicast.server.channel.ChannelStats;
import io.omnicast.server.channel.ReaderAdmission;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's relay service: serves children (and local players) at {@code rtsp://bind:relay-port/live/<channel>}.
 * It is the streaming server's own reader side, started inside the peer: start at the latest keyframe, NACK
 * answers, slow-reader skipping and the 453 beyond capacity all come from there. The peer publishes into that
 * server in-process ({@link StreamingServer#publishLocal}): every packet it keeps goes to the channel unchanged,
 * so SSRC, sequence numbers and timestamps hold end to end, with no RTSP hop over loopback in between.
 */
public final class RelayService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayService.class);

    private static final java.time.Duration CHILD_EARLY_WAIT = java.time.Duration.ofSeconds(3);

    private final PeerConfig config;
    private final StreamingServer server;
    private volatile LocalPublisher publisher;

    /**
     * @param loop the peer's stream loop: the relay's connections and channel run on it too, so a packet from the
     *             parent reaches every child on the thread that read it
     */
    public RelayService(PeerConfig config, int maxChildren, ReaderAdmission admission, EventLoop loop) {
        this.config = config;
        ServerConfig serverConfig = ServerConfig.builder().bindAddress(config.bindAddress().getHostAddress())
                .rtspPort(config.relayPort()).udpRtpPort(0).maxReadersPerChannel(Math.max(1, maxChildren))
                .bufferAge(config.ringBufferDuration())
                // A child placed under us while we still open our own parent waits for the stream, not a 404.
                .describeWait(CHILD_EARLY_WAIT).build();
        this.server = StreamingServer.start(serverConfig, admission, loop);
    }

    public InetSocketAddress endpoint() {
        return new InetSocketAddress(config.bindAddress(), server.rtspPort());
    }

    public String url() {
        return url(config.channel());
    }

    /** The RTSP URL of {@code channel} on this relay (the warm-up's channels are others than the peer's). */
    public String url(String channel) {
        return "rtsp://" + config.bindAddress().getHostAddress() + ":" + server.rtspPort() + "/live/" + channel;
    }

    /**
     * Starts publishing the stream described by {@code sdp} into the relay. The channel is live when this returns,
     * so the next packet {@link #forward}ed (the parent's keyframe, when called as the parent link opens) is the
     * first in the relay's ring. Once; later calls do nothing while that publish lasts.
     */
    public synchronized void publish(String sdp) {
        LocalPublisher p = publisher;
        if (p != null && p.isOpen()) {
            return;
        }
        try {
            publisher = server.publishLocal(config.channel(), sdp);
            log.info("relay of {} serving {}", config.user(), url());
        } catch (RuntimeException e) {
            log.warn("relay of {} could not start publishing: {}", config.user(), e.getMessage());
        }
    }

    /**
     * Publishes a stream other than the channel into this relay (the start-up warm-up plays one from 127.0.0.1 to
     * run the RTSP and RTP paths once before the join).
     */
    public LocalPublisher publishOther(String channel, String sdp) {
        if (channel.equals(config.channel())) {
            throw new IllegalArgumentException("the relay's own channel is published with publish()");
        }
        return server.publishLocal(channel, sdp);
    }

    /** One packet the peer kept (only read; the caller keeps ownership). */
    public void forward(int track, ByteBuf packet) {
        LocalPublisher p = publisher;
        if (p != null) {
            p.offer(track, packet.retainedDuplicate());
        }
    }

    /**
     * Tells the children now, with RTCP BYE, that this relay is leaving; they keep getting packets until
     * {@link #close}, so each can open its next parent first.
     */
    public void announceDeparture(String reason) {
        LocalPublisher p = publisher;
        if (p != null) {
            p.announceDeparture(reason);
        }
    }

    /** Readers now (children and local players). */
    public int readers() {
        int n = 0;
        for (ChannelStats stats : server.stats()) {
            n += stats.readerCount();
        }
        return n;
    }

    @Override
    public void close() {
        LocalPublisher p = publisher;
        if (p != null) {
            p.close();
        }
        server.close();
    }
}
