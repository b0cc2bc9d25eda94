package io.omnicast.bridge.publish;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.omnicast.bridge.media.MediaFrame;
import io.omnicast.bridge.media.StreamInfo;
import io.omnicast.media.h264.H264Packetizer;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.media.rtp.RtpTimestamp;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the bridge's stream to the streaming server with media-transport's {@link RtspClient}: ANNOUNCE with
 * the SDP of the actual tracks, SETUP {@code mode=record} per track (UDP or TCP interleaved), RECORD; then every
 * frame is packetized (H.264 by media-transport's {@link H264Packetizer}, AAC by {@link AacPacketizer}) and sent.
 * Each track's RTCP (the UDP RTCP port, or the interleaved channel after the RTP one over TCP) carries a sender
 * report with the CNAME about once a second, and SR + BYE when publishing stops cleanly ({@link SenderReports}).
 *
 * <p>Resilience: when the connection drops or the server refuses for a reason that may pass, it reconnects with
 * exponential back-off (a new session, new SSRCs) while frames keep coming and are dropped; after reconnecting it
 * waits for the next keyframe, so the server and its players start clean. A rejected stream key (401/403) ends
 * publishing at once with {@link PublishState#REJECTED} and one clear message: no retry storm.
 *
 * <p>{@link #send} is called by the bridge's input thread; connection work runs on one Netty event loop.
 */
public final class RtspPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtspPublisher.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration UDP_KEEP_ALIVE = Duration.ofSeconds(20);
    /**
     * SETUP runs off the event loop: RtspClient binds the UDP port pair with a blocking sync, which Netty forbids on
     * the loop itself (BlockingOperationException).
     */
    private static final java.util.concurrent.Executor SETUP_EXECUTOR = java.util.concurrent.ForkJoinPool.commonPool();

    /** One RTSP session: a connection, its SSRCs and numbering. Replaced on every reconnect. */
    private static final class Session {
        final RtspClient client;
        final RtpPacketWriter video;
        final RtpPacketWriter audio;
        final long videoTimestampBase = RANDOM.nextInt() & 0xFFFF_FFFFL;
        final long audioTimestampBase = RANDOM.nextInt() & 0xFFFF_FFFFL;
        final int audioClockRate;
        /** Sender reports of this session's SSRCs; guarded by the session's lock (input thread and close()). */
        final SenderReports rtcp;
        boolean waitingForKeyframe = true;

        Session(RtspClient client, int audioClockRate, boolean hasAudio, String cname) {
            this.client = client;
            this.video = new RtpPacketWriter(RANDOM.nextInt() & 0xFFFF_FFFFL, SdpDescription.VIDEO_PAYLOAD_TYPE,
                    RANDOM.nextInt(1 << 16));
            this.audio = new RtpPacketWriter(RANDOM.nextInt() & 0xFFFF_FFFFL, SdpDescription.AUDIO_PAYLOAD_TYPE,
                    RANDOM.nextInt(1 << 16));
            this.audioClockRate = audioClockRate;
            this.rtcp = hasAudio
                    ? new SenderReports(cname, new long[] {video.ssrc(), audio.ssrc()},
                            new int[] {SdpDescription.VIDEO_CLOCK_RATE, audioClockRate}, ByteBufAllocator.DEFAULT)
                    : new SenderReports(cname, new long[] {video.ssrc()}, new int[] {SdpDescription.VIDEO_CLOCK_RATE},
                            ByteBufAllocator.DEFAULT);
        }
    }

    private final PublishTarget target;
    /** One CNAME for all tracks and sessions of this publisher: it tells receivers the tracks belong together. */
    private final String cname = "omnicast-bridge-" + Long.toHexString(RANDOM.nextLong());
    private final Consumer<String> onRejected;
    private final EventLoopGroup group;
    private final H264Packetizer videoPacketizer;
    private final AacPacketizer audioPacketizer;
    private final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    private final List<ByteBuf> packets = new ArrayList<>(64);
    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong framesDropped = new AtomicLong();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();
    private final LatencyHistogram latency = new LatencyHistogram();
    private volatile PublishState state = PublishState.IDLE;
    private volatile Session session;
    private volatile StreamInfo stream;
    private volatile String lastProblem = "";
    private Duration nextBackoff;
    private int failuresInARow;
    private long generation;

    /** {@code onRejected} is told once, with the server's reason, when the stream key is refused. */
    public RtspPublisher(PublishTarget target, Consumer<String> onRejected) {
        this.target = Objects.requireNonNull(target, "target");
        this.onRejected = Objects.requireNonNull(onRejected, "onRejected");
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("bridge-publish", true));
        this.videoPacketizer = new H264Packetizer(H264Packetizer.DEFAULT_MAX_PAYLOAD_BYTES);
        this.audioPacketizer = new AacPacketizer(H264Packetizer.DEFAULT_MAX_PAYLOAD_BYTES);
        this.nextBackoff = target.retryInitial();
    }

    /** Starts (or, with a new track layout, restarts) publishing {@code info}. */
    public void publish(StreamInfo info) {
        Objects.requireNonNull(info, "info");
        group.execute(() -> {
            if (state == PublishState.REJECTED || state == PublishState.CLOSED) {
                return;
            }
            StreamInfo previous = stream;
            stream = info;
            if (previous != null && previous.sameLayout(info) && state != PublishState.IDLE) {
                return; // the same tracks: the running session carries on
            }
            generation++;
            Session old = session;
            session = null;
            if (old != null) {
                old.client.close();
            }
            connect(generation);
        });
    }

    private void connect(long attempt) {
        if (attempt != generation || state == PublishState.CLOSED || state == PublishState.REJECTED) {
            return;
        }
        state = PublishState.CONNECTING;
        StreamInfo info = stream;
        String sdp = SdpDescription.write(info, System.currentTimeMillis());
        RtspClient.Options options = RtspClient.Options.defaults().withCredentials(PublishTarget.USER,
                target.streamKey());
        options = new RtspClient.Options(options.limits(), options.credentials(), target.requestTimeout(),
                "OmniCast-bridge");
        RtspClient[] created = new RtspClient[1];
        CompletableFuture<RtspClient> connected = RtspClient.connect(target.url(), options, group);
        connected.thenCompose(client -> {
            created[0] = client;
            return client.announce(sdp);
        }).thenComposeAsync(r -> setup(created[0], SdpDescription.VIDEO_TRACK), SETUP_EXECUTOR)
                .thenComposeAsync(r -> info.audio().isPresent() ? setup(created[0], SdpDescription.AUDIO_TRACK)
                        : CompletableFuture.completedFuture(r), SETUP_EXECUTOR)
                .thenCompose(r -> created[0].record())
                .whenComplete((r, error) -> group.execute(() -> {
                    if (error == null) {
                        onRecording(attempt, created[0], info);
                    } else {
                        if (created[0] != null) {
                            created[0].close();
                        }
                        onFailure(attempt, RtspClient.failureOf(error));
                    }
                }));
    }

    private CompletableFuture<io.omnicast.media.rtsp.RtspResponse> setup(RtspClient client, int track) {
        String control = RtspClient.resolveControl(client.url(), SdpDescription.control(track));
        return target.tcp() ? client.setupTcp(control, track, true) : client.setupUdp(control, track, true);
    }

    private void onRecording(long attempt, RtspClient client, StreamInfo info) {
        if (attempt != generation || state == PublishState.CLOSED) {
            client.close();
            return;
        }
        Session s = new Session(client, info.audio().map(a -> a.sampleRate()).orElse(1), info.audio().isPresent(),
                cname);
        session = s;
        sessions.incrementAndGet();
        state = PublishState.PUBLISHING;
        if (failuresInARow > 0) {
            LOG.info("publishing to {} again after {} failed attempt(s)", target.url(), failuresInARow);
        } else {
            LOG.info("publishing {} to {} over {}", info, target.url(), target.tcp() ? "TCP" : "UDP");
        }
        failuresInARow = 0;
        nextBackoff = target.retryInitial();
        if (!target.tcp()) {
            client.startKeepAlive(UDP_KEEP_ALIVE);
        }
        client.channel().closeFuture().addListener(f -> group.execute(() -> {
            if (session == s) {
                session = null;
                onFailure(attempt, new RtspException("the streaming server closed the connection", -1));
            }
        }));
    }

    private void onFailure(long attempt, Throwable error) {
        if (attempt != generation || state == PublishState.CLOSED || state == PublishState.REJECTED) {
            return;
        }
        if (error instanceof RtspException rtsp && (rtsp.code() == 401 || rtsp.code() == 403)) {
            state = PublishState.REJECTED;
            lastProblem = "stream key rejected for channel '" + target.channel() + "' at " + target.url() + ": "
                    + rtsp.getMessage();
            LOG.error(lastProblem);
            onRejected.accept(lastProblem);
            return;
        }
        state = PublishState.RETRYING;
        lastProblem = error.getMessage();
        failuresInARow++;
        if (failuresInARow == 1) {
            LOG.warn("publishing to {} interrupted: {}; retrying", target.url(), error.getMessage());
        } else {
            LOG.debug("publish attempt {} to {} failed: {}", failuresInARow, target.url(), error.getMessage());
        }
        Duration delay = nextBackoff;
        nextBackoff = nextBackoff.multipliedBy(2).compareTo(target.retryMax()) > 0 ? target.retryMax()
                : nextBackoff.multipliedBy(2);
        group.schedule(() -> connect(attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Packetizes and sends one frame (called by the input thread). Dropped while not publishing; after a
     * (re)connect video starts at a keyframe. Over TCP a connection that cannot take more drops frames until the
     * next keyframe rather than queueing without bound.
     */
    public void send(MediaFrame frame) {
        Session s = session;
        if (s == null) {
            framesDropped.incrementAndGet();
            return;
        }
        synchronized (s) {
            send(s, frame);
        }
    }

    private void send(Session s, MediaFrame frame) {
        boolean video = frame.kind() == MediaFrame.Kind.VIDEO;
        if (!s.client.channel().isWritable()) {
            s.waitingForKeyframe = true;
        }
        if (s.waitingForKeyframe) {
            if (!video || !frame.keyframe() || !s.client.channel().isWritable()) {
                framesDropped.incrementAndGet();
                return;
            }
            s.waitingForKeyframe = false;
        }
        packets.clear();
        int track;
        long timestamp;
        if (video) {
            track = SdpDescription.VIDEO_TRACK;
            timestamp = RtpTimestamp.add(s.videoTimestampBase,
                    Math.floorMod(frame.ptsMicros() * SdpDescription.VIDEO_CLOCK_RATE / 1_000_000L, RtpTimestamp.MODULUS));
            List<ByteBuf> units = new ArrayList<>(frame.units().size());
            for (byte[] unit : frame.units()) {
                units.add(Unpooled.wrappedBuffer(unit));
            }
            videoPacketizer.packetize(units, timestamp, s.video, allocator, packets);
        } else {
            if (stream == null || stream.audio().isEmpty()) {
                return;
            }
            track = SdpDescription.AUDIO_TRACK;
            timestamp = RtpTimestamp.add(s.audioTimestampBase,
                    Math.floorMod(frame.ptsMicros() * s.audioClockRate / 1_000_000L, RtpTimestamp.MODULUS));
            audioPacketizer.packetize(frame.units().get(0), timestamp, s.audio, allocator, packets);
        }
        long bytes = 0;
        Instant now = Instant.now();
        long nowNanos = System.nanoTime();
        for (ByteBuf packet : packets) {
            bytes += packet.readableBytes();
            s.rtcp.onRtpSent(track, packet, timestamp, now, nowNanos);
            s.client.sendRtp(track, packet);
        }
        packets.clear();
        s.rtcp.sendIfDue(now, nowNanos, s.client::sendRtcp);
        latency.record(System.nanoTime() - frame.arrivalNanos());
        framesSent.incrementAndGet();
        bytesSent.addAndGet(bytes);
    }

    public PublishState state() {
        return state;
    }

    /** The last failure or refusal, for the status line ("" when none). */
    public String lastProblem() {
        return lastProblem;
    }

    public long framesSent() {
        return framesSent.get();
    }

    public long framesDropped() {
        return framesDropped.get();
    }

    public long bytesSent() {
        return bytesSent.get();
    }

    /** RTSP sessions that reached RECORD so far (1 + successful reconnects). */
    public long sessions() {
        return sessions.get();
    }

    /** Input packet in to RTP handed to the socket, per frame. */
    public LatencyHistogram latency() {
        return latency;
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        group.execute(() -> {
            state = PublishState.CLOSED;
            Session s = session;
            session = null;
            if (s != null) {
                synchronized (s) {
                    s.rtcp.sendBye(Instant.now(), "publisher stopped", s.client::sendRtcp);
                }
                s.client.teardown().orTimeout(1, TimeUnit.SECONDS)
                        .whenComplete((r, e) -> {
                            s.client.channel().close();
                            done.complete(null);
                        });
            } else {
                done.complete(null);
            }
        });
        try {
            done.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("teardown of {} did not finish: {}", target.url(), e.toString());
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
