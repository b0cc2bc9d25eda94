package io.omnicast.peer.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspResponse;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.proxy.ParentRef;
import io.omnicast.uscp.v1.FailureReason;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's RTSP session with one parent (the paper's "streaming connection"): DESCRIBE, SETUP of every track
 * (UDP, or TCP interleaved), PLAY, then RTP to the {@link Events}. It presents the proxy's ticket as the
 * {@code ticket} URL query parameter (what the streaming server's {@code ReaderAdmission} reads) and asks to
 * resume at a sequence number with the {@value #RESUME_HEADER} header on PLAY.
 *
 * <p>It declares the parent failed on RTCP BYE, on the RTSP connection closing, or when no RTP came for
 * {@code rtpTimeoutFrames} frame intervals; over UDP, when nothing arrived within the fall-back time after PLAY it
 * reports {@link #UDP_SILENT} so the owner reopens over TCP. Every callback runs on the link's event loop.
 */
public final class ParentLink implements AutoCloseable {
    /** PLAY header naming the next sequence number the child needs (a fail-over resume). */
    public static final String RESUME_HEADER = "X-OmniCast-Resume-Seq";
    /** Detail of the failure reported when UDP stayed silent after PLAY. */
    public static final String UDP_SILENT = "no UDP packet after PLAY";
    private static final Logger log = LoggerFactory.getLogger(ParentLink.class);

    /** What the link reports; called on its event loop. */
    public interface Events {
        void onRtp(ParentLink link, int track, RtpPacket packet, long arrivalNanos);

        void onFailed(ParentLink link, FailureReason reason, String detail);
    }

    /** Timing of the session set-up, in nanoseconds from {@link #open}. */
    public record Timing(long startedNanos, long playRepliedNanos) {
    }

    private final ParentRef parent;
    private final TransportMode transport;
    private final EventLoop loop;
    private final Events events;
    private final int rtpTimeoutFrames;
    private final Duration udpFallback;
    private RtspClient client;
    private SdpTracks sdp;
    private volatile boolean closed;
    private boolean failed;
    private long lastRtpNanos;
    private long frameIntervalNanos = TimeUnit.MILLISECONDS.toNanos(33);
    private long lastTimestamp = -1;
    private long startedNanos;
    private long playRepliedNanos;
    private long firstPacketNanos = -1;
    private ScheduledFuture<?> watchdog;

    private ParentLink(ParentRef parent, TransportMode transport, EventLoopGroup group, Events events,
            int rtpTimeoutFrames, Duration udpFallback) {
        this.parent = parent;
        this.transport = transport;
        this.loop = group.next();
        this.events = events;
        this.rtpTimeoutFrames = rtpTimeoutFrames;
        this.udpFallback = udpFallback;
    }

    /**
     * Opens the session and starts playing.
     * @param resumeSequence the next sequence number needed, or -1 to start at the parent's latest keyframe
     */
    public static CompletableFuture<ParentLink> open(ParentRef parent, TransportMode transport, int resumeSequence,
            EventLoopGroup group, Events events, int rtpTimeoutFrames, Duration udpFallback) {
        ParentLink link = new ParentLink(parent, transport, group, events, rtpTimeoutFrames, udpFallback);
        return link.start(resumeSequence);
    }

    public ParentRef parent() {
        return parent;
    }

    public TransportMode transport() {
        return transport;
    }

    public SdpTracks sdp() {
        return sdp;
    }

    /** The parent's SDP as it sent it (for the relay to serve unchanged). */
    public String sdpText() {
        return sdpText;
    }

    private String sdpText;

    public Timing timing() {
        return new Timing(startedNanos, playRepliedNanos);
    }

    /** Arrival of the first RTP packet, or -1. */
    public long firstPacketNanos() {
        return firstPacketNanos;
    }

    /** Sends an RTCP packet (RR, NACK) on the video track's RTCP path; takes ownership. */
    public void sendRtcp(int track, ByteBuf packet) {
        RtspClient c = client;
        if (c == null || closed) {
            packet.release();
            return;
        }
        c.sendRtcp(track, packet);
    }

    static String withTicket(String url, String ticket) {
        String encoded = URLEncoder.encode(ticket, StandardCharsets.UTF_8);
        return url + (url.contains("?") ? "&" : "?") + "ticket=" + encoded;
    }

    private CompletableFuture<ParentLink> start(int resumeSequence) {
        startedNanos = System.nanoTime();
        CompletableFuture<ParentLink> result = new CompletableFuture<>();
        String url = withTicket(parent.rtspUrl(), parent.ticket());
        RtspClient.connect(url, RtspClient.Options.defaults(), loop).thenCompose(c -> {
            client = c;
            c.channel().closeFuture().addListener(f -> loop.execute(() -> fail(FailureReason.CONNECTION_CLOSED,
                    "RTSP connection to " + parent.nodeId() + " closed")));
            c.mediaListener(new RtspClient.MediaListener() {
                @Override
                public void onRtp(int track, ByteBuf packet) {
                    handleRtp(track, packet);
                }

                @Override
                public void onRtcp(int track, ByteBuf packet) {
                    if (RtcpPackets.containsBye(packet)) {
                        fail(FailureReason.RTCP_BYE, "parent " + parent.nodeId() + " sent RTCP BYE");
                    }
                }
            });
            return c.describe();
        }).thenCompose(described -> {
            sdpText = described.body();
            sdp = SdpTracks.parse(sdpText);
            CompletableFuture<RtspResponse> chain = CompletableFuture.completedFuture(described);
            for (SdpTracks.Track track : sdp.tracks()) {
                String control = RtspClient.resolveControl(client.url(), track.control() == null ? "" : track.control());
                chain = chain.thenCompose(r -> transport == TransportMode.TCP
                        ? client.setupTcp(control, track.index(), false)
                        : client.setupUdp(control, track.index(), false));
            }
            return chain;
        }).thenCompose(r -> {
            Map<CharSequence, String> headers = resumeSequence >= 0
                    ? Map.of(io.netty.handler.codec.rtsp.RtspHeaderNames.RANGE, "npt=0.000-", RESUME_HEADER,
                            Integer.toString(resumeSequence))
                    : Map.of(io.netty.handler.codec.rtsp.RtspHeaderNames.RANGE, "npt=0.000-");
            return client.request(RtspMethods.PLAY, client.url(), headers, null, null);
        }).whenComplete((played, failure) -> loop.execute(() -> {
            if (failure != null) {
                close();
                result.completeExceptionally(failure);
                return;
            }
            playRepliedNanos = System.nanoTime();
            lastRtpNanos = playRepliedNanos;
            if (transport == TransportMode.UDP) {
                client.startKeepAlive(Duration.ofSeconds(20));
            }
            watchdog = loop.scheduleAtFixedRate(this::checkAlive, 10, 10, TimeUnit.MILLISECONDS);
            result.complete(this);
        }));
        return result;
    }

    private void handleRtp(int track, ByteBuf buffer) {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        RtpPacket packet;
        try {
            packet = RtpPacket.parse(buffer);
        } catch (RuntimeException e) {
            log.debug("dropping a malformed RTP packet from {}: {}", parent.nodeId(), e.getMessage());
            return;
        }
        if (firstPacketNanos < 0) {
            firstPacketNanos = now;
        }
        if (sdp != null && track == sdp.videoTrack()) {
            long ts = packet.timestamp();
            if (lastTimestamp >= 0 && ts != lastTimestamp) {
                long ticks = io.omnicast.media.rtp.RtpTimestamp.distance(lastTimestamp, ts);
                if (ticks > 0 && ticks < 90_000) {
                    frameIntervalNanos = ticks * 1_000_000_000L / 90_000;
                }
            }
            lastTimestamp = ts;
        }
        lastRtpNanos = now;
        events.onRtp(this, track, packet, now);
    }

    private void checkAlive() {
        if (closed || failed) {
            return;
        }
        long now = System.nanoTime();
        if (firstPacketNanos < 0) {
            if (transport == TransportMode.UDP && now - playRepliedNanos > udpFallback.toNanos()) {
                fail(FailureReason.RTP_TIMEOUT, UDP_SILENT);
            } else if (now - playRepliedNanos > TimeUnit.SECONDS.toNanos(3)) {
                fail(FailureReason.RTP_TIMEOUT, "no RTP within 3 s of PLAY");
            }
            return;
        }
        long silence = now - lastRtpNanos;
        long limit = Math.max(rtpTimeoutFrames * frameIntervalNanos, TimeUnit.MILLISECONDS.toNanos(60));
        if (silence > limit) {
            fail(FailureReason.RTP_TIMEOUT, "no RTP for " + TimeUnit.NANOSECONDS.toMillis(silence) + " ms ("
                    + rtpTimeoutFrames + " frame intervals)");
        }
    }

    private void fail(FailureReason reason, String detail) {
        if (closed || failed) {
            return;
        }
        failed = true;
        events.onFailed(this, reason, detail);
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        RtspClient c = client;
        if (c != null) {
            if (c.channel().isActive()) {
                c.teardown().whenComplete((r, e) -> c.close());
                loop.schedule(c::close, 500, TimeUnit.MILLISECONDS);
            } else {
                c.close();
            }
        }
    }
}
