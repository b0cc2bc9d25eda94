package io.omnicast.peer.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoopGroup;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspResponse;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.media.sdp.SdpParser;
import io.omnicast.media.sdp.SessionDescription;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import io.omnicast.server.channel.ChannelStats;
import io.omnicast.server.channel.ReaderAdmission;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's relay service: serves children (and local players) at {@code rtsp://bind:relay-port/live/<channel>}.
 * It is the streaming server's own reader side, started inside the peer: start at the latest keyframe, NACK
 * answers, slow-reader skipping and the 453 beyond capacity all come from there. The peer is that server's
 * publisher: it ANNOUNCEs its parent's SDP over loopback and RECORDs every packet it keeps, unchanged, so SSRC,
 * sequence numbers and timestamps hold end to end.
 */
public final class RelayService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayService.class);

    private final PeerConfig config;
    private final StreamingServer server;
    private final EventLoopGroup group;
    private volatile RtspClient publisher;
    private volatile boolean publishing;
    private CompletableFuture<Void> starting;
    private final List<Held> early = new ArrayList<>();

    /** A packet that arrived before the relay's publish was ready. */
    private record Held(int track, ByteBuf packet) {
    }

    /** Packets held while the publish is set up (a few seconds of a 2 Mbit/s stream). */
    private static final int MAX_EARLY_PACKETS = 2000;

    public RelayService(PeerConfig config, int maxChildren, ReaderAdmission admission, EventLoopGroup group) {
        this.config = config;
        this.group = group;
        ServerConfig serverConfig = ServerConfig.builder().bindAddress(config.bindAddress().getHostAddress())
                .rtspPort(config.relayPort()).udpRtpPort(0).maxReadersPerChannel(Math.max(1, maxChildren))
                .build();
        this.server = StreamingServer.start(serverConfig, admission);
    }

    public InetSocketAddress endpoint() {
        return new InetSocketAddress(config.bindAddress(), server.rtspPort());
    }

    public String url() {
        return "rtsp://" + config.bindAddress().getHostAddress() + ":" + server.rtspPort() + "/live/"
                + config.channel();
    }

    /** Starts publishing the stream described by {@code sdp} into the relay (once; later calls do nothing). */
    public synchronized CompletableFuture<Void> publish(String sdp) {
        if (starting != null) {
            return starting;
        }
        SessionDescription description = SdpParser.parse(sdp);
        String url = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/" + config.channel();
        if (!config.bindAddress().isAnyLocalAddress()) {
            url = url();
        }
        String base = url;
        starting = RtspClient.connect(base, RtspClient.Options.defaults(), group).thenCompose(c -> {
            publisher = c;
            return c.announce(sdp);
        }).thenCompose(r -> {
            CompletableFuture<RtspResponse> chain = CompletableFuture.completedFuture(r);
            for (int i = 0; i < description.media().size(); i++) {
                int track = i;
                String control = RtspClient.resolveControl(base + "/",
                        description.media().get(i).control().orElse("trackID=" + i));
                chain = chain.thenCompose(x -> publisher.setupTcp(control, track, true));
            }
            return chain;
        }).thenCompose(r -> publisher.record()).thenAccept(r -> {
            synchronized (this) {
                // What arrived while the publish was set up starts with the parent's keyframe: without it the
                // relay's first keyframe would be the next GOP, and children would wait for it.
                for (Held held : early) {
                    publisher.sendRtp(held.track(), held.packet());
                }
                early.clear();
                publishing = true;
            }
            log.info("relay of {} serving {}", config.user(), url());
        });
        starting.exceptionally(e -> {
            log.warn("relay of {} could not start publishing: {}", config.user(), e.getMessage());
            return null;
        });
        return starting;
    }

    /** One packet the peer kept (only read; the caller keeps ownership). */
    public void forward(int track, ByteBuf packet) {
        RtspClient c = publisher;
        if (publishing && c != null) {
            c.sendRtp(track, packet.retainedDuplicate());
            return;
        }
        synchronized (this) {
            if (publishing) {
                publisher.sendRtp(track, packet.retainedDuplicate());
            } else if (starting != null && early.size() < MAX_EARLY_PACKETS) {
                early.add(new Held(track, packet.retainedDuplicate()));
            }
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
        synchronized (this) {
            early.forEach(h -> h.packet().release());
            early.clear();
        }
        RtspClient c = publisher;
        if (c != null) {
            c.close();
        }
        server.close();
    }
}
