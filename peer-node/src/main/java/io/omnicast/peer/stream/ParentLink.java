package io.omnicast.peer.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.omnicast.media.MediaFormatException;
import io.omnicast.media.rtcp.Goodbye;
import io.omnicast.media.rtcp.ReceiverReport;
import io.omnicast.media.rtcp.ReceptionStatistics;
import io.omnicast.media.rtcp.ReportBlock;
import io.omnicast.media.rtcp.RtcpCodec;
import io.omnicast.media.rtcp.RtcpFormatException;
import io.omnicast.media.rtcp.RtcpPacket;
import io.omnicast.media.rtcp.SenderReport;
import io.omnicast.media.rtcp.SourceDescription;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspException;
import io.omnicast.media.rtsp.RtspResponse;
import io.omnicast.media.sdp.H264TrackFormat;
import io.omnicast.media.sdp.MediaDescription;
import io.omnicast.media.sdp.SdpChecksum;
import io.omnicast.media.sdp.SdpParser;
import io.omnicast.media.sdp.SessionDescription;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.proxy.ParentRef;
import io.omnicast.uscp.v1.FailureReason;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's RTSP session with one parent (the paper's "streaming connection"): SETUP of every track (UDP, or TCP
 * interleaved) and PLAY in one round trip, after a DESCRIBE only when the channel's description is not known from
 * the placement or the old parent (or the PLAY reply's {@link SdpChecksum#HEADER} shows the copy out of date), then
 * RTP to the {@link Events}. It presents the proxy's ticket as the
 * {@code ticket} URL query parameter (what the streaming server's {@code ReaderAdmission} reads) and asks to
 * resume at a sequence number with the {@value #RESUME_HEADER} header on PLAY.
 *
 * <p>It declares the parent failed on RTCP BYE, on the RTSP connection closing, or when no RTP came for
 * {@code rtpTimeoutFrames} frame intervals; over UDP, when nothing arrived within the fall-back time after PLAY it
 * reports {@link #UDP_SILENT} so the owner reopens over TCP. Every callback runs on the link's event loop.
 *
 * <p>It sends RTCP receiver reports (RR + SDES CNAME, RFC 3550 section 6.4.2) for every source it hears, about
 * once per {@link #REPORT_INTERVAL}, randomized to 0.5..1.5 times it as section 6.3.1 asks so that the children
 * of one parent do not report in step. The report blocks come from media-transport's {@link ReceptionStatistics}.
 */
public final class ParentLink implements AutoCloseable {
    /** PLAY header naming the next sequence number the child needs (a fail-over resume). */
    public static final String RESUME_HEADER = "X-OmniCast-Resume-Seq";
    /** Detail of the failure reported when UDP stayed silent after PLAY. */
    public static final String UDP_SILENT = "no UDP packet after PLAY";
    /** Nominal receiver report interval (RFC 3550 section 6.2 allows less than 5 s for a known small group). */
    public static final Duration REPORT_INTERVAL = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(ParentLink.class);
    /**
     * How often silence is checked: the limit is at least half the playout delay (250 ms by default), so 25 ms
     * keeps detection within a tenth of it at 40 wake-ups a second per link instead of 100.
     */
    private static final long WATCHDOG_MILLIS = 25;
    private static final long WATCHDOG_NANOS = TimeUnit.MILLISECONDS.toNanos(WATCHDOG_MILLIS);

    /** What the link reports; called on its event loop. */
    public interface Events {
        void onRtp(ParentLink link, int track, RtpPacket packet, long arrivalNanos);

        void onFailed(ParentLink link, FailureReason reason, String detail);

        /** A link already reported failed (kept while the next parent opened) lost its connection. */
        default void onGone(ParentLink link) {
        }
    }

    /** The source heard on one track and what we know about it (ReceptionStatistics does not expose its SSRC). */
    private record Source(long ssrc, ReceptionStatistics statistics) {
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
    private long minSilenceNanos = TimeUnit.MILLISECONDS.toNanos(60);
    private volatile java.net.InetAddress localAddress;
    /** The channel's description when it is known before the session (a fail-over), else null. */
    private volatile String knownSdp;
    private final long reporterSsrc;
    private final String cname;
    private final Map<Integer, Source> reception = new HashMap<>();
    private RtspClient client;
    private SessionDescription sdp;
    /** Set-ups from a known description that the PLAY reply showed out of date; whether a DESCRIBE was sent. */
    private int staleDescriptions;
    private boolean described;
    private int videoTrack = -1;
    private volatile long reportsSent;
    private volatile boolean closed;
    private boolean failed;
    private boolean timedOut;
    private long lastRtpNanos;
    /** When {@link #checkAlive} last ran; a late run means this process, not the parent, was not running. */
    private long lastCheckNanos;
    /** The PLAY reply, moved on by pauses of our own, for the wait for the first packet. */
    private long firstRtpWaitFromNanos;
    private long frameIntervalNanos = TimeUnit.MILLISECONDS.toNanos(33);
    private long lastTimestamp = -1;
    private long startedNanos;
    private long playRepliedNanos;
    private long firstPacketNanos = -1;
    /** A packet received before the owner had the link (see {@link #hold}). */
    private record Held(int track, ByteBuf packet) {
    }

    /** Packets held between the PLAY reply and the hand-over (seconds of a 2 Mbit/s stream; it takes microseconds). */
    private static final int MAX_HELD_PACKETS = 2000;
    private final List<Held> held = new ArrayList<>();
    private boolean handedOver;
    private ScheduledFuture<?> watchdog;
    private ScheduledFuture<?> nextReport;

    private ParentLink(ParentRef parent, TransportMode transport, EventLoopGroup group, Events events,
            int rtpTimeoutFrames, Duration udpFallback, long reporterSsrc, String cname) {
        this.parent = parent;
        this.reporterSsrc = reporterSsrc;
        this.cname = cname;
        this.transport = transport;
        this.loop = group.next();
        this.events = events;
        this.rtpTimeoutFrames = rtpTimeoutFrames;
        this.udpFallback = udpFallback;
    }

    /**
     * Opens the session and starts playing.
     * @param resumeSequence the next sequence number needed, or -1 to start at the parent's latest keyframe
     * @param reporterSsrc   our SSRC in receiver reports and NACKs
     * @param cname          our RTCP CNAME
     */
    public static CompletableFuture<ParentLink> open(ParentRef parent, TransportMode transport, int resumeSequence,
            EventLoopGroup group, Events events, int rtpTimeoutFrames, Duration udpFallback, long reporterSsrc,
            String cname) {
        return open(parent, transport, resumeSequence, group, events, rtpTimeoutFrames, udpFallback, reporterSsrc,
                cname, null);
    }

    /** As above, connecting out from {@code localAddress} (the peer's {@code --bind}), or any when null. */
    public static CompletableFuture<ParentLink> open(ParentRef parent, TransportMode transport, int resumeSequence,
            EventLoopGroup group, Events events, int rtpTimeoutFrames, Duration udpFallback, long reporterSsrc,
            String cname, java.net.InetAddress localAddress) {
        return open(parent, transport, resumeSequence, group, events, rtpTimeoutFrames, udpFallback, reporterSsrc,
                cname, localAddress, null);
    }

    /**
     * As above, with {@code knownSdp}, the channel's description from the proxy's placement or the old parent (null:
     * ask with DESCRIBE), so the session is set up without asking.
     */
    public static CompletableFuture<ParentLink> open(ParentRef parent, TransportMode transport, int resumeSequence,
            EventLoopGroup group, Events events, int rtpTimeoutFrames, Duration udpFallback, long reporterSsrc,
            String cname, java.net.InetAddress localAddress, String knownSdp) {
        ParentLink link = new ParentLink(parent, transport, group, events, rtpTimeoutFrames, udpFallback,
                reporterSsrc, cname);
        link.localAddress = localAddress;
        link.knownSdp = knownSdp;
        return link.start(resumeSequence);
    }

    public ParentRef parent() {
        return parent;
    }

    public TransportMode transport() {
        return transport;
    }

    /** The parent's session description (media-transport's parser; never rewritten). */
    public SessionDescription sdp() {
        return sdp;
    }

    /** Index of the first H.264 video track, or -1. */
    public int videoTrack() {
        return videoTrack;
    }

    /** Receiver reports sent so far. */
    public long reportsSent() {
        return reportsSent;
    }

    /** The first H.264 video section's index, or -1. */
    public static int videoTrack(SessionDescription sdp) {
        for (int i = 0; i < sdp.media().size(); i++) {
            MediaDescription m = sdp.media().get(i);
            if ("video".equals(m.media()) && m.rtpMaps().stream().anyMatch(r -> r.isEncoding(H264TrackFormat.ENCODING_NAME))) {
                return i;
            }
        }
        return -1;
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
        if (ticket.isEmpty()) {
            return url; // a local player's session (the warm-up): loopback needs none
        }
        String encoded = URLEncoder.encode(ticket, StandardCharsets.UTF_8);
        return url + (url.contains("?") ? "&" : "?") + "ticket=" + encoded;
    }

    private CompletableFuture<ParentLink> start(int resumeSequence) {
        startedNanos = System.nanoTime();
        CompletableFuture<ParentLink> result = new CompletableFuture<>();
        String url = withTicket(parent.rtspUrl(), parent.ticket());
        RtspClient.Options options = localAddress == null || localAddress.isAnyLocalAddress()
                ? RtspClient.Options.defaults() : RtspClient.Options.defaults().withLocalAddress(localAddress);
        RtspClient.connect(url, options, loop).thenCompose(c -> {
            client = c;
            c.channel().closeFuture().addListener(f -> loop.execute(() -> {
                if (failed) {
                    if (!closed) {
                        close(); // a parent that said BYE (kept while the next one opens) is gone now
                        events.onGone(this);
                    }
                } else {
                    fail(FailureReason.CONNECTION_CLOSED, "RTSP connection to " + parent.nodeId() + " closed");
                }
            }));
            c.mediaListener(new RtspClient.MediaListener() {
                @Override
                public void onRtp(int track, ByteBuf packet) {
                    if (handedOver) {
                        handleRtp(track, packet);
                    } else {
                        hold(track, packet);
                    }
                }

                @Override
                public void onRtcp(int track, ByteBuf packet) {
                    handleRtcp(track, packet);
                }
            });
            if (knownSdp == null) {
                return describeAndSetUp(resumeSequence);
            }
            // The channel's description is known (the proxy's copy of the origin's at a join, the old parent's at a
            // fail-over; every node relays the origin's unchanged), so the SETUPs and the PLAY go out at once,
            // without a DESCRIBE first. Only a parent that does not have the channel live yet (404) gets the
            // DESCRIBE, which waits for it; a parent that serves another description says so in its PLAY reply.
            CompletableFuture<RtspResponse> fromKnown;
            try {
                fromKnown = setUp(knownSdp, true, resumeSequence);
            } catch (RuntimeException e) {
                fromKnown = CompletableFuture.failedFuture(e); // a description that does not parse
            }
            return fromKnown.exceptionallyCompose(failure -> {
                Throwable cause = RtspClient.failureOf(failure);
                boolean unreadable = cause instanceof MediaFormatException;
                if (unreadable) {
                    log.warn("the channel's known description is unusable ({}); asking parent {}", cause.getMessage(),
                            parent.nodeId());
                }
                boolean ask = unreadable || cause instanceof RtspException e && e.code() == 404;
                return ask && !closed ? describeAndSetUp(resumeSequence) : CompletableFuture.failedFuture(cause);
            }).thenCompose(this::checkDescription);
        }).whenComplete((played, failure) -> loop.execute(() -> {
            if (failure != null) {
                close();
                result.completeExceptionally(failure);
                return;
            }
            playRepliedNanos = System.nanoTime();
            lastRtpNanos = playRepliedNanos;
            lastCheckNanos = playRepliedNanos;
            firstRtpWaitFromNanos = playRepliedNanos;
            if (transport == TransportMode.UDP) {
                client.startKeepAlive(Duration.ofSeconds(20));
            }
            watchdog = loop.scheduleAtFixedRate(this::checkAlive, WATCHDOG_MILLIS, WATCHDOG_MILLIS,
                    TimeUnit.MILLISECONDS);
            scheduleReport();
            result.complete(this);
            handOver();
        }));
        return result;
    }

    /**
     * After a set-up from a known description: when the PLAY reply names another checksum for the parent's
     * description ({@link SdpChecksum#HEADER}; a publisher announced a new one since), asks for it with DESCRIBE
     * and goes on with that, so the player and this peer's own children get the parent's. The session stays as it
     * is set up (the parent took a SETUP of every track): it fails instead when the new description has other
     * media sections. The PLAY reply.
     */
    private CompletableFuture<RtspResponse> checkDescription(RtspResponse play) {
        String served = play.header(SdpChecksum.HEADER);
        if (served == null || served.equalsIgnoreCase(SdpChecksum.of(sdpText))) {
            return CompletableFuture.completedFuture(play);
        }
        staleDescriptions++;
        described = true;
        return client.describe().thenApply(described -> {
            SessionDescription fresh = SdpParser.parse(described.body());
            if (!sameTracks(sdp, fresh)) {
                throw new IllegalStateException("parent " + parent.nodeId() + " serves a description with other "
                        + "tracks than the one the session was set up with");
            }
            log.info("parent {} serves a newer description of the channel than the one known; using it",
                    parent.nodeId());
            sdpText = described.body();
            sdp = fresh;
            videoTrack = videoTrack(fresh);
            return play;
        });
    }

    private static boolean sameTracks(SessionDescription a, SessionDescription b) {
        if (a.media().size() != b.media().size()) {
            return false;
        }
        for (int i = 0; i < a.media().size(); i++) {
            if (!a.media().get(i).media().equals(b.media().get(i).media())) {
                return false;
            }
        }
        return true;
    }

    /** Set-ups from a known description that the parent's PLAY reply showed to be out of date. */
    public int staleDescriptions() {
        return staleDescriptions;
    }

    /** Whether the session's set-up asked the parent with DESCRIBE (no description known, or an outdated one). */
    public boolean described() {
        return described;
    }

    /** DESCRIBE, then the set-up of what it described: pipelined when the parent says it can take that. */
    private CompletableFuture<RtspResponse> describeAndSetUp(int resumeSequence) {
        described = true;
        CompletableFuture<RtspResponse> describing = client.describe();
        if (transport == TransportMode.UDP) {
            // A channel has a video and an audio track as a rule: their ports are bound during the round trip.
            client.bindUdpAhead(2);
        }
        return describing.thenCompose(described -> setUp(described.body(),
                RtspClient.supportsPipelinedRequests(described), resumeSequence));
    }

    /**
     * SETUP of every track of {@code description} and PLAY (from {@code resumeSequence} when it is one): in one
     * round trip when {@code pipelined}, else one request after the other. The PLAY reply.
     */
    private CompletableFuture<RtspResponse> setUp(String description, boolean pipelined, int resumeSequence) {
        sdpText = description;
        sdp = SdpParser.parse(sdpText);
        videoTrack = videoTrack(sdp);
        Map<CharSequence, String> playHeaders = resumeSequence >= 0
                ? Map.of(io.netty.handler.codec.rtsp.RtspHeaderNames.RANGE, "npt=0.000-", RESUME_HEADER,
                        Integer.toString(resumeSequence))
                : Map.of(io.netty.handler.codec.rtsp.RtspHeaderNames.RANGE, "npt=0.000-");
        List<RtspClient.TrackSetup> tracks = new ArrayList<>();
        for (int i = 0; i < sdp.media().size(); i++) {
            tracks.add(new RtspClient.TrackSetup(RtspClient.resolveControl(client.url(),
                    sdp.media().get(i).control().orElse("")), i));
        }
        if (pipelined) {
            // An OmniCast parent: every SETUP and the PLAY in one round trip instead of one each (a join crossed
            // four round trips between two busy processes here, each two thread wake-ups).
            return client.setupAndPlay(tracks, transport == TransportMode.TCP, playHeaders);
        }
        CompletableFuture<RtspResponse> chain = CompletableFuture.completedFuture(null);
        for (RtspClient.TrackSetup t : tracks) {
            // Each SETUP on the loop the previous reply completed on: setupUdp binds its datagram ports without
            // blocking (a hop to the common pool here once cost up to 22 ms on a busy 2-core machine).
            chain = transport == TransportMode.TCP
                    ? chain.thenCompose(r -> client.setupTcp(t.controlUrl(), t.track(), false))
                    : chain.thenCompose(r -> client.setupUdp(t.controlUrl(), t.track(), false));
        }
        return chain.thenCompose(r -> client.request(RtspMethods.PLAY, client.url(), playHeaders, null, null));
    }

    /**
     * A packet that came before the owner has the link: the parent sends its keyframe right behind the PLAY reply
     * (often in the same TCP segment), before the future's callbacks ran. Dropping it made every join wait for the
     * next keyframe (regression: first decoded frame ~700 ms after the first packet with a 1 s GOP).
     */
    private void hold(int track, ByteBuf packet) {
        if (closed) {
            return;
        }
        if (held.size() < MAX_HELD_PACKETS) {
            held.add(new Held(track, packet.retainedDuplicate()));
        } else {
            log.debug("holding no more than {} packets from {} before PLAY completes", MAX_HELD_PACKETS,
                    parent.nodeId());
        }
    }

    private void releaseHeld() {
        held.forEach(h -> h.packet().release());
        held.clear();
    }

    /** After the open future's callbacks ran (the owner made this its link): delivers what was held, in order. */
    private void handOver() {
        handedOver = true;
        for (Held h : held) {
            try {
                handleRtp(h.track(), h.packet());
            } finally {
                h.packet().release();
            }
        }
        held.clear();
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
        Source source = reception.get(track);
        if (source == null || source.ssrc() != packet.ssrc()) {
            source = new Source(packet.ssrc(), new ReceptionStatistics(packet.ssrc(), clockRate(track)));
            reception.put(track, source);
        }
        source.statistics().onPacket(packet.sequenceNumber(), packet.timestamp(), now);
        if (track == videoTrack) {
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
        if (failed && timedOut) {
            // The parent was only late (a scheduling hiccup upstream), not gone: the link is good again and its
            // next silence must be reported again.
            failed = false;
            timedOut = false;
        }
        events.onRtp(this, track, packet, now);
    }

    private int clockRate(int track) {
        if (sdp == null || track < 0 || track >= sdp.media().size()) {
            return 90_000;
        }
        int rate = sdp.media().get(track).rtpMap().map(r -> r.clockRate()).orElse(90_000);
        return rate < 1000 || rate > 1_000_000 ? 90_000 : rate;
    }

    private void handleRtcp(int track, ByteBuf buffer) {
        if (closed) {
            return;
        }
        List<RtcpPacket> packets;
        try {
            packets = RtcpCodec.parse(buffer);
        } catch (RtcpFormatException e) {
            log.debug("dropping malformed RTCP from {}: {}", parent.nodeId(), e.getMessage());
            return;
        }
        long now = System.nanoTime();
        for (RtcpPacket packet : packets) {
            if (packet instanceof Goodbye) {
                fail(FailureReason.RTCP_BYE, "parent " + parent.nodeId() + " sent RTCP BYE");
                return;
            }
            if (packet instanceof SenderReport sr) {
                Source source = reception.get(track);
                if (source != null && source.ssrc() == sr.ssrc()) {
                    source.statistics().onSenderReport(sr, now);
                }
            }
        }
    }

    private void scheduleReport() {
        if (closed) {
            return;
        }
        long nominal = REPORT_INTERVAL.toNanos();
        long delay = nominal / 2 + ThreadLocalRandom.current().nextLong(nominal);
        nextReport = loop.schedule(() -> {
            sendReports();
            scheduleReport();
        }, delay, TimeUnit.NANOSECONDS);
    }

    /** One RR + SDES compound per track that has a source past probation. */
    void sendReports() {
        if (closed || client == null) {
            return;
        }
        long now = System.nanoTime();
        for (Map.Entry<Integer, Source> e : reception.entrySet()) {
            ReceptionStatistics statistics = e.getValue().statistics();
            if (!statistics.hasReport()) {
                continue;
            }
            List<ReportBlock> blocks = List.of(statistics.reportBlock(now));
            List<RtcpPacket> compound = new ArrayList<>(2);
            compound.add(new ReceiverReport(reporterSsrc, blocks));
            compound.add(SourceDescription.cname(reporterSsrc, cname));
            ByteBuf out = ByteBufAllocator.DEFAULT.buffer(64);
            RtcpCodec.write(compound, out);
            sendRtcp(e.getKey(), out);
            reportsSent++;
        }
    }

    private void checkAlive() {
        if (closed || failed) {
            return;
        }
        long now = System.nanoTime();
        long overdue = now - lastCheckNanos - WATCHDOG_NANOS;
        lastCheckNanos = now;
        if (overdue > WATCHDOG_NANOS) {
            // This check ran late: our own process was paused (GC, a saturated CPU, a suspended laptop) and could
            // neither read nor look. Silence we did not observe is not the parent's fault: it is not counted.
            lastRtpNanos = Math.min(now, lastRtpNanos + overdue);
            firstRtpWaitFromNanos = Math.min(now, firstRtpWaitFromNanos + overdue);
            log.debug("link to {}: watchdog ran {} ms late; not counted as silence", parent.nodeId(),
                    TimeUnit.NANOSECONDS.toMillis(overdue));
        }
        if (firstPacketNanos < 0) {
            if (transport == TransportMode.UDP && now - firstRtpWaitFromNanos > udpFallback.toNanos()) {
                fail(FailureReason.RTP_TIMEOUT, UDP_SILENT);
            } else if (now - firstRtpWaitFromNanos > TimeUnit.SECONDS.toNanos(3)) {
                fail(FailureReason.RTP_TIMEOUT, "no RTP within 3 s of PLAY");
            }
            return;
        }
        long silence = now - lastRtpNanos;
        long limit = Math.max(rtpTimeoutFrames * frameIntervalNanos, minSilenceNanos);
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
        timedOut = reason == FailureReason.RTP_TIMEOUT && !UDP_SILENT.equals(detail);
        events.onFailed(this, reason, detail);
    }

    /**
     * Tells the parent with RTCP BYE (RFC 3550 section 6.6) that we are leaving; the stream keeps coming until
     * {@link #close}. The parent then no longer counts us against its capacity, so our replacement gets in.
     */
    public void sendBye(String reason) {
        loop.execute(() -> {
            if (closed || client == null) {
                return;
            }
            String text = reason.length() > 200 ? reason.substring(0, 200) : reason;
            ByteBuf out = ByteBufAllocator.DEFAULT.buffer(64);
            RtcpCodec.write(List.of(new ReceiverReport(reporterSsrc, List.of()), Goodbye.of(reporterSsrc, text)), out);
            sendRtcp(Math.max(0, videoTrack), out);
        });
    }

    /**
     * The shortest silence declared a failure, whatever the frame rate. The peer sets half its playout delay: a
     * gap upstream (every peer below sees it at once) must not make all of them blame their parents, while a hung
     * parent is still left well within the playout delay. A dead parent is seen at once (its connection closes).
     */
    public void minSilence(Duration silence) {
        loop.execute(() -> minSilenceNanos = silence.toNanos());
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
        if (loop.inEventLoop()) {
            releaseHeld();
        } else if (!loop.isShuttingDown()) {
            loop.execute(this::releaseHeld);
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        if (nextReport != null) {
            nextReport.cancel(false);
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
