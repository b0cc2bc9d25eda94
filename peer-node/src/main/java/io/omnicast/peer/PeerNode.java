package io.omnicast.peer;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.buffer.ByteBuf;
import io.omnicast.media.rtcp.GenericNack;
import io.omnicast.media.rtcp.RtcpCodec;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.sdp.H264TrackFormat;
import io.omnicast.media.sdp.SdpFormatException;
import io.omnicast.media.rtp.SequenceNumber;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.perf.LoadSample;
import io.omnicast.peer.perf.PerformanceCalculator;
import io.omnicast.peer.perf.SystemLoad;
import io.omnicast.peer.player.FrameAssembler;
import io.omnicast.peer.player.Player;
import io.omnicast.peer.player.PlayerStats;
import io.omnicast.peer.proxy.ParentRef;
import io.omnicast.peer.proxy.Placement;
import io.omnicast.peer.proxy.ProxyConnection;
import io.omnicast.peer.proxy.ProxyListener;
import io.omnicast.peer.proxy.ProxySession;
import io.omnicast.peer.relay.RelayService;
import io.omnicast.server.channel.TicketAdmission;
import io.omnicast.uscp.ticket.TicketVerifier;
import io.omnicast.peer.stats.StatsServer;
import io.omnicast.peer.stream.ParentLink;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.FailureReason;
import io.omnicast.uscp.v1.Health;
import io.omnicast.uscp.v1.LogoutReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One peer (the paper's Fig. 3): proxy connection, streaming connection, buffer, player, performance calculator
 * and stats. The stream state (current parent, sequence tracking, recoveries) belongs to one event loop.
 *
 * <p>Fail-over is make-before-break: the new parent's session is opened while the old one is closed, and the
 * first packets of the new parent that the peer already has (it starts at its latest keyframe or at the resume
 * sequence) are dropped by sequence number, so the player and the children see one continuous sequence.
 */
public final class PeerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerNode.class);
    /** A forward jump larger than this is a new stream (sender restart), not loss. */
    private static final int MAX_GAP = 3000;
    /** How long a missing packet may be repaired by NACK before it counts as lost. */
    /** Pause before connecting again to a parent nobody replaced. */
    private static final long RETRY_PARENT_MILLIS = 200;
    private static final long MAX_RETRY_PARENT_MILLIS = 5000;
    /** How long a leaving relay keeps serving children that have not yet moved to their next parent. */
    private static final Duration DEPARTURE_LINGER = Duration.ofSeconds(1);
    private static final long REPAIR_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1000);

    /** One fail-over: why, the gap without packets, and what stayed lost after repair. */
    public static final class Recovery {
        final String cause;
        final String fromParent;
        final long failedAtNanos;
        final long lastPacketNanos;
        volatile String toParent;
        volatile long gapMs = -1;
        volatile long packetsLostAfterRepair;
        /** The sequence number asked of the new parent ({@code X-OmniCast-Resume-Seq}), or -1. */
        volatile int resumeSeq = -1;
        /** The first video sequence number the new parent sent, or -1. */
        volatile int firstSeq = -1;
        /** The link that was current when the parent failed (null: none). */
        ParentLink failedLink;

        Recovery(String cause, String fromParent, long failedAtNanos, long lastPacketNanos) {
            this.cause = cause;
            this.fromParent = fromParent;
            this.failedAtNanos = failedAtNanos;
            this.lastPacketNanos = lastPacketNanos;
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cause", cause);
            m.put("from", fromParent);
            m.put("to", toParent);
            m.put("gapMs", gapMs);
            m.put("resumeSeq", resumeSeq);
            m.put("firstSeq", firstSeq);
            m.put("packetsLostAfterRepair", packetsLostAfterRepair);
            return m;
        }
    }

    private record Missing(long sinceNanos, Recovery during) {
    }

    private final PeerConfig config;
    /** The proxy session's loops (one, unless lent); the stream's {@link #loop} is one of them. */
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    /** The stream loop: parent link, relay (its connections and channel), stream state. */
    private final EventLoop loop;
    private final PerformanceCalculator calculator;
    private final Player player;
    private final FrameAssembler assembler;
    /** The most recent recoveries kept for the stats; older ones are only counted (a long-lived peer stays bounded). */
    static final int RECOVERIES_KEPT = 100;
    private final List<Recovery> recoveries = new CopyOnWriteArrayList<>();
    private volatile long recoveriesTotal;
    private final Map<Integer, Missing> missing = new LinkedHashMap<>();
    private volatile long startedNanos = System.nanoTime();
    private final long rtcpSsrc = ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL;
    private ProxyConnection proxy;
    private RelayService relay;
    private volatile TicketVerifier ticketVerifier;
    private StatsServer statsServer;
    private volatile String state = "starting";
    private volatile String nodeId;
    private volatile int hopCount = -1;
    /** The channel's SDP from the proxy's placement (null: none came; the link asks its parent). Loop only. */
    private String channelDescription;
    /** Whether the join's session set-up asked the parent with DESCRIBE; null until it is set up. */
    private volatile Boolean joinDescribed;
    private volatile ParentLink current;
    private ParentLink opening;
    private String openingFor;
    private List<ParentRef> backups = List.of();
    private TransportMode transport;
    private int videoTrack = 0;
    private int highestSeq = -1;
    private long lastPacketNanos;
    private Recovery pendingRecovery;
    private volatile long packetsReceived;
    private volatile long packetsLost;
    private volatile long packetsRepaired;
    private volatile long bytesReceived;
    private volatile long bitrateKbps;
    private long bytesAtLastSample;
    private long lastSampleNanos = System.nanoTime();
    private volatile long proxyMs = -1;
    private volatile long startupMs = -1;
    private long retryDelayMillis = RETRY_PARENT_MILLIS;
    private volatile long rtspMs = -1;
    private volatile long firstPacketMs = -1;
    private volatile long firstPacketAtNanos = -1;
    private volatile int children;
    private volatile long rtcpReportsBefore;
    private volatile PacketObserver packetObserver;
    /** The new parent's link whose first packet a recovery waits for. */
    private ParentLink awaitingFirstFrom;

    /** Sees every new video packet as it is accepted (measurements: per-hop latency). Called on the stream loop. */
    @FunctionalInterface
    public interface PacketObserver {
        void accepted(int sequenceNumber, long arrivalNanos);
    }
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

    /**
     * A peer with its own event-loop thread for the stream, its relay and the proxy session. One thread, not one per
     * concern: a placement the proxy sends is acted on where it is read, and a join or a fail-over does not wait for
     * a second thread to be woken (on a busy 2-core machine a woken thread may wait a scheduler tick, 4 ms here).
     * A peer's network work is a few thousand packets a second; decoding runs on the player's own thread.
     */
    public PeerNode(PeerConfig config) {
        this(config, new NioEventLoopGroup(1, r -> {
            Thread t = new Thread(r, "peer-" + config.user());
            t.setDaemon(true);
            return t;
        }), true);
    }

    /**
     * A peer running on {@code loops} lent by the application (many peers in one process share a few threads);
     * {@link #close()} leaves them running. Its stream, relay and proxy session all run on one loop of them.
     */
    public PeerNode(PeerConfig config, EventLoopGroup loops) {
        this(config, loops.next(), false);
    }

    private PeerNode(PeerConfig config, EventLoopGroup group, boolean ownsGroup) {
        this.config = config;
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.loop = group.next();
        this.transport = config.transport();
        this.calculator = new PerformanceCalculator(config.uplinkKbps(), config.maxChildren(), new SystemLoad(),
                config.capacityFollowsLoad());
        // A count-only player runs on the stream loop, where the assembler hands it the frames.
        this.player = new Player(config.user(), config.playerMode(), config.playoutDelay(), this::title,
                () -> close(), loop);
        this.assembler = new FrameAssembler(config.playerMode() != PeerConfig.PlayerMode.COUNT_ONLY,
                ByteBufAllocator.DEFAULT, player::offer);
    }

    /**
     * Starts what the app needs before it joins: the stats endpoint, the player (FFmpeg loaded, decoder open), the
     * relay, and a {@link Warmup} of the join's code paths. State {@code ready}; {@link #start()} calls it when it
     * was not called before. Its duration is reported as {@code startupMs}, apart from the join.
     */
    public synchronized void prepare() throws IOException {
        if (relay != null) {
            return;
        }
        long begin = System.nanoTime();
        if (config.statsPort() > 0) {
            statsServer = new StatsServer(config.statsPort(), this::stats);
        }
        player.start();
        int capacity = config.maxChildren().orElse(calculator.maxChildren(0));
        // The relay always runs so a person can watch this peer from 127.0.0.1; only a peer that takes children
        // announces it to the proxy.
        Warmup.Admission admission = new Warmup.Admission(new TicketAdmission(() -> ticketVerifier, () -> nodeId));
        relay = new RelayService(config, capacity, admission, loop);
        Warmup.run(relay, admission, group, config, this::report);
        startupMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        state = "ready";
    }

    /** Joins: {@link #prepare()} if not done, then the proxy connection; Tconnection counts from here. */
    public synchronized void start() throws IOException {
        prepare();
        startedNanos = System.nanoTime();
        int capacity = config.maxChildren().orElse(calculator.maxChildren(0));
        InetSocketAddress relayEndpoint = capacity > 0 ? relay.endpoint() : null;
        proxy = new ProxyConnection(config, relayEndpoint, this::report, new ProxyListener() {
            @Override
            public void onSession(ProxySession session) {
                nodeId = session.nodeId();
                ticketVerifier = session.ticketVerifier();
                if (proxyMs < 0) {
                    proxyMs = proxy.lastLoginMillis();
                }
            }

            @Override
            public void onPlacement(Placement placement) {
                loop.execute(() -> place(placement));
            }

            @Override
            public void onDisconnected() {
                log.warn("peer {}: proxy lost, still streaming from {}", nodeId, parentId());
            }
        }, group);
        proxy.start();
        loop.scheduleAtFixedRate(this::everySecond, 1, 1, TimeUnit.SECONDS);
        state = "joining";
    }

    private String parentId() {
        ParentLink link = current;
        return link == null ? null : link.parent().nodeId();
    }

    private String title() {
        PlayerStats s = player.stats();
        return config.channel() + " - hop " + hopCount + " - " + (int) s.fps() + " fps - buffer " + s.bufferMs()
                + " ms";
    }

    private void place(Placement placement) {
        hopCount = placement.hopCount();
        nodeId = placement.nodeId();
        backups = placement.backups();
        if (placement.description() != null) {
            channelDescription = placement.description();
        }
        ParentLink link = current;
        if (placement.pushed() && link != null && !link.parent().nodeId().equals(placement.parent().nodeId())
                && !recoveringFrom(link.parent())) {
            // The proxy moves us (our parent is leaving): the same gap figure as a failure the peer saw itself.
            startRecovery("reparented", link.parent().nodeId(), link);
        }
        if (placement.pushed() && link != null && !link.isClosed()
                && !link.parent().nodeId().equals(placement.parent().nodeId())) {
            link.sendBye("peer " + nodeId + " moved by the proxy"); // frees our slot there at once
        }
        switchTo(placement.parent());
    }

    private void switchTo(ParentRef parent) {
        ParentLink link = current;
        if (link != null && !link.isClosed() && link.parent().nodeId().equals(parent.nodeId())
                && link.parent().rtspUrl().equals(parent.rtspUrl())) {
            return; // already there (a re-login after the proxy came back placed us where we are)
        }
        if (parent.nodeId().equals(openingFor)) {
            return;
        }
        openingFor = parent.nodeId();
        int resume = resumeSequence();
        log.info("peer {}: connecting to parent {} at {} (resume at {})", nodeId, parent.nodeId(), parent.rtspUrl(),
                resume);
        state = current == null ? "connecting" : "recovering";
        // The channel's description is known: a fail-over has the old parent's (every node relays the origin's
        // unchanged), a join the proxy's copy of the origin's. The link then sets up without a DESCRIBE.
        String knownSdp = current == null ? channelDescription : current.sdpText();
        ParentLink.open(parent, transport, resume, loop, events, config.rtpTimeoutFrames(),
                config.udpFallbackTimeout(), rtcpSsrc, config.user() + "@" + config.bindAddress().getHostAddress(),
                config.bindAddress(), knownSdp).whenComplete((opened, failure) -> runOnLoop(() -> {
                    if (!parent.nodeId().equals(openingFor)) {
                        if (opened != null) {
                            opened.close(); // superseded while it opened
                        }
                        return;
                    }
                    openingFor = null;
                    if (failure != null) {
                        log.warn("peer {}: parent {} refused or unreachable: {}", nodeId, parent.nodeId(),
                                failure.getMessage());
                        parentFailed(parent, FailureReason.CONNECTION_REFUSED, String.valueOf(failure.getMessage()));
                        return;
                    }
                    ParentLink old = current;
                    current = opened;
                    retryDelayMillis = RETRY_PARENT_MILLIS;
                    opened.minSilence(config.playoutDelay().dividedBy(2));
                    videoTrack = Math.max(0, opened.videoTrack());
                    try {
                        assembler.parameterSets(H264TrackFormat.from(opened.sdp().media().get(videoTrack))
                                .parameterSets());
                    } catch (SdpFormatException | IndexOutOfBoundsException e) {
                        log.warn("peer {}: parent {} describes no usable H.264 track: {}", nodeId, parent.nodeId(),
                                e.getMessage());
                    }
                    if (rtspMs < 0) {
                        joinDescribed = opened.described();
                        ParentLink.Timing timing = opened.timing();
                        rtspMs = TimeUnit.NANOSECONDS.toMillis(timing.playRepliedNanos() - timing.startedNanos());
                    }
                    if (pendingRecovery != null && pendingRecovery.gapMs < 0) {
                        pendingRecovery.toParent = parent.nodeId();
                        pendingRecovery.resumeSeq = resume;
                        awaitingFirstFrom = opened;
                    }
                    state = "playing";
                    if (relay != null) {
                        relay.publish(opened.sdpText());
                    }
                    if (old != null) {
                        rtcpReportsBefore += old.reportsSent();
                        old.close();
                    }
                }));
    }

    /**
     * Runs {@code task} on the stream loop: at once when already there. The open link's completion runs on the
     * loop and must make the link current before the link hands over the packets that followed the PLAY reply.
     */
    private void runOnLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    private final ParentLink.Events events = new ParentLink.Events() {
        @Override
        public void onRtp(ParentLink link, int track, RtpPacket packet, long arrivalNanos) {
            if (link != current) {
                return;
            }
            if (firstPacketMs < 0) {
                firstPacketMs = TimeUnit.NANOSECONDS.toMillis(arrivalNanos - link.timing().playRepliedNanos());
                firstPacketAtNanos = arrivalNanos;
            }
            if (track != videoTrack) {
                if (relay != null) {
                    relay.forward(track, packet.packet()); // audio is relayed, not played (optional in the issue)
                }
                return;
            }
            int seq = packet.sequenceNumber();
            if (link == awaitingFirstFrom) {
                awaitingFirstFrom = null;
                if (pendingRecovery != null && pendingRecovery.firstSeq < 0) {
                    pendingRecovery.firstSeq = seq;
                }
            }
            if (highestSeq >= 0) {
                int d = SequenceNumber.distance(highestSeq, seq);
                if (d <= 0) {
                    Missing repaired = missing.remove(seq);
                    if (repaired != null) {
                        packetsRepaired++;
                        if (relay != null) {
                            relay.forward(track, packet.packet()); // children lacked it too
                        }
                    }
                    return; // duplicate (the new parent replays from its keyframe) or a late repair
                }
                if (d > 1 && d <= MAX_GAP) {
                    List<Integer> lost = new ArrayList<>(d - 1);
                    for (int i = 1; i < d; i++) {
                        int s = SequenceNumber.add(highestSeq, i);
                        missing.put(s, new Missing(arrivalNanos, pendingRecovery));
                        lost.add(s);
                    }
                    sendNacks(link, track, packet.ssrc(), lost);
                }
            }
            if (pendingRecovery != null && pendingRecovery.gapMs < 0 && (link != pendingRecovery.failedLink
                    || FailureReason.RTP_TIMEOUT.value().equals(pendingRecovery.cause))) {
                // The gap is the time without a new packet: a departing parent that announced itself keeps
                // sending until its child has moved (make-before-break), so it ends at its last packet.
                pendingRecovery.gapMs = TimeUnit.NANOSECONDS.toMillis(arrivalNanos
                        - Math.max(lastPacketNanos, pendingRecovery.lastPacketNanos));
                if (pendingRecovery.toParent == null) {
                    pendingRecovery.toParent = link.parent().nodeId(); // the silent parent came back
                }
                state = "playing";
                log.info("peer {}: recovered from {} ({}) at {} after a gap of {} ms", nodeId,
                        pendingRecovery.fromParent, pendingRecovery.cause, link.parent().nodeId(),
                        pendingRecovery.gapMs);
            }
            highestSeq = seq;
            lastPacketNanos = arrivalNanos;
            PacketObserver observer = packetObserver;
            if (observer != null) {
                observer.accepted(seq, arrivalNanos);
            }
            packetsReceived++;
            bytesReceived += packet.length();
            if (relay != null) {
                relay.forward(track, packet.packet());
            }
            assembler.push(packet, arrivalNanos);
        }

        @Override
        public void onFailed(ParentLink link, FailureReason reason, String detail) {
            if (link != current) {
                link.close();
                return;
            }
            if (ParentLink.UDP_SILENT.equals(detail) && transport == TransportMode.UDP) {
                log.info("peer {}: {} from {}; switching to TCP interleaved", nodeId, detail, link.parent().nodeId());
                transport = TransportMode.TCP;
                current = null;
                link.close();
                switchTo(link.parent());
                return;
            }
            parentFailed(link.parent(), reason, detail);
        }

        @Override
        public void onGone(ParentLink link) {
            if (link == current && openingFor == null) {
                retryParent(link.parent()); // nobody moved us while it was kept: ask again
            }
        }
    };

    /** Generic NACKs for {@code lost}, split so that no packet exceeds {@link GenericNack#MAX_ITEMS} items. */
    private void sendNacks(ParentLink link, int track, long mediaSsrc, List<Integer> lost) {
        for (int from = 0; from < lost.size(); from += GenericNack.MAX_ITEMS) {
            List<Integer> part = lost.subList(from, Math.min(lost.size(), from + GenericNack.MAX_ITEMS));
            ByteBuf out = ByteBufAllocator.DEFAULT.buffer(12 + 4 * part.size());
            RtcpCodec.write(GenericNack.fromLostSequences(rtcpSsrc, mediaSsrc, part), out);
            link.sendRtcp(track, out);
        }
    }

    private void parentFailed(ParentRef parent, FailureReason reason, String detail) {
        ParentLink link = current;
        // A silent parent keeps its link: packets may resume (the gap was upstream), and the move to the next
        // parent is make-before-break. A closed or refusing one is gone.
        // A parent that said BYE is leaving but still sends until its connection closes: keep it while the next
        // parent opens (make-before-break), as for a silent one.
        boolean keepLink = (reason == FailureReason.RTP_TIMEOUT || reason == FailureReason.RTCP_BYE) && link != null
                && !link.isClosed()
                && link.parent().nodeId().equals(parent.nodeId());
        if (link != null && link.parent().nodeId().equals(parent.nodeId()) && !keepLink) {
            link.close();
        } else if (keepLink) {
            // Kept for make-before-break, but we are on our way out: RTCP BYE so the parent stops counting us
            // against its capacity and can admit the child the proxy gives our slot to (else: 453).
            link.sendBye("peer " + nodeId + " moving away (" + reason.value() + ")");
        }
        log.warn("peer {}: parent {} failed ({}: {})", nodeId, parent.nodeId(), reason.value(), detail);
        if (!recoveringFrom(parent)) {
            startRecovery(reason.value(), parent.nodeId(), link);
        }
        state = "recovering";
        // The proxy knows today's tree; the backups are from the last placement and may since have moved below
        // us (joining one then would make a loop with no source). So: ask the proxy, and fall back to a backup
        // only while the proxy is away.
        if (proxy == null || !proxy.isLoggedIn()) {
            backups.stream().filter(b -> !b.nodeId().equals(parent.nodeId())).findFirst().ifPresent(this::switchTo);
        }
        if (proxy != null && proxy.isLoggedIn()) {
            proxy.reportParentFailure(parent.nodeId(), reason, highestSeq < 0 ? null : highestSeq, detail)
                    .whenComplete((placement, failure) -> {
                        if (failure != null) {
                            log.warn("peer {}: ReConfiguration failed: {}", nodeId, failure.getMessage());
                            loop.execute(() -> retryParent(parent));
                        }
                    });
        } else if (backups.stream().noneMatch(b -> !b.nodeId().equals(parent.nodeId()))) {
            loop.schedule(() -> retryParent(parent), RETRY_PARENT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** True while a recovery away from {@code parent} has not yet got its first packet from elsewhere. */
    private boolean recoveringFrom(ParentRef parent) {
        return pendingRecovery != null && pendingRecovery.gapMs < 0 && pendingRecovery.fromParent != null
                && pendingRecovery.fromParent.equals(parent.nodeId());
    }

    private void startRecovery(String cause, String fromParent, ParentLink failedLink) {
        Recovery recovery = new Recovery(cause, fromParent, System.nanoTime(),
                lastPacketNanos == 0 ? System.nanoTime() : lastPacketNanos);
        recovery.failedLink = failedLink;
        pendingRecovery = recovery;
        recoveries.add(recovery);
        recoveriesTotal++;
        if (recoveries.size() > RECOVERIES_KEPT) {
            recoveries.remove(0);
        }
    }

    /**
     * Where the next parent should start: the oldest packet still missing (the old parent may have died before
     * repairing it), else the one after the newest we have; -1 before the first packet (start at a keyframe).
     */
    private int resumeSequence() {
        if (highestSeq < 0) {
            return -1;
        }
        int resume = SequenceNumber.next(highestSeq);
        for (Integer s : missing.keySet()) {
            int behind = SequenceNumber.distance(s, resume);
            if (behind > 0 && behind <= MAX_GAP) {
                resume = s;
            }
        }
        return resume;
    }

    /**
     * Nobody gave us a new parent (the proxy is away, or has no other slot and said stay): if the link to the
     * failed parent is gone, connect to it again, after a short pause so a dead parent is not hammered.
     */
    private void retryParent(ParentRef parent) {
        ParentLink link = current;
        if ("closed".equals(state) || openingFor != null || (link != null && !link.isClosed())) {
            return;
        }
        // Back off while nobody moves us (a dead parent and a proxy that has no other slot yet, or that is
        // placing us already): 200 ms, doubling to 5 s, back to 200 ms once a parent accepted us.
        long delay = retryDelayMillis;
        retryDelayMillis = Math.min(MAX_RETRY_PARENT_MILLIS, retryDelayMillis * 2);
        loop.schedule(() -> {
            ParentLink now = current;
            if (!"closed".equals(state) && openingFor == null && (now == null || now.isClosed())) {
                current = null;
                switchTo(parent);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void everySecond() {
        long now = System.nanoTime();
        long bytes = bytesReceived;
        bitrateKbps = (bytes - bytesAtLastSample) * 8 * 1_000_000L / Math.max(1, now - lastSampleNanos);
        bytesAtLastSample = bytes;
        lastSampleNanos = now;
        calculator.sampleLoad();
        if (relay != null) {
            // The relay's channel runs on this loop, so its count is read here without waiting (runAsync started
            // a thread per call on 2 cores, where the common pool has fewer than 2 threads).
            children = relay.readers();
        }
        for (var it = missing.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Integer, Missing> e = it.next();
            if (now - e.getValue().sinceNanos() > REPAIR_WINDOW_NANOS) {
                it.remove();
                packetsLost++;
                if (e.getValue().during() != null) {
                    e.getValue().during().packetsLostAfterRepair++;
                }
            }
        }
        if (missing.size() > 10_000) {
            packetsLost += missing.size();
            missing.clear();
        }
    }

    private ProxyConnection.Report report() {
        LoadSample load = calculator.lastLoad();
        Capacity capacity = new Capacity();
        capacity.setMaxChildren(Math.min(1024, calculator.maxChildren(bitrateKbps)));
        capacity.setUplinkKbps((int) Math.min(100_000_000L, calculator.uplinkKbps()));
        capacity.setCpuLoad(load.cpuPercent());
        capacity.setMemoryLoad(load.memoryPercent());
        PlayerStats s = player.stats();
        Health health = new Health();
        health.setFps(Math.min(1000, s.fps()));
        health.setBufferMs((int) Math.min(86_400_000L, s.bufferMs()));
        health.setStalls(s.stalls());
        health.setStallMs(s.stallMs());
        health.setChildren(children);
        health.setPacketsLost(packetsLost);
        health.setBitrateKbps((int) Math.min(100_000_000L, bitrateKbps));
        return new ProxyConnection.Report(capacity, health);
    }

    private long sinceStart(long nanos) {
        return nanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(nanos - startedNanos);
    }

    /**
     * The figures of {@code GET /api/stats}. {@code join} is the paper's Tconnection broken down: {@code proxyMs}
     * (connect to the proxy, Login, placement received), {@code rtspMs} (connect to the parent, SETUPs and PLAY,
     * after a DESCRIBE when {@code described}: the placement carried no description of the channel, or an outdated
     * one), {@code firstPacketMs} (PLAY reply to the first RTP packet), {@code decodeMs} (first packet to the
     * first decoded picture), and the totals from the start of the join: {@code firstFrameMs} to the first decoded
     * picture (Tconnection) and {@code firstDisplayedMs} to the first picture shown (one playout delay later).
     */
    public Map<String, Object> stats() {
        PlayerStats s = player.stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nodeId", nodeId);
        m.put("channel", config.channel());
        m.put("state", state);
        m.put("parent", parentId());
        m.put("hopCount", hopCount);
        m.put("children", children);
        m.put("relayUrl", relayUrl());
        m.put("fps", s.fps());
        m.put("framesDecoded", s.framesDecoded());
        m.put("stalls", s.stalls());
        m.put("stallMs", s.stallMs());
        m.put("bufferMs", s.bufferMs());
        Map<String, Object> join = new LinkedHashMap<>();
        join.put("proxyMs", proxyMs);
        join.put("rtspMs", rtspMs);
        join.put("described", joinDescribed);
        join.put("firstPacketMs", firstPacketMs);
        long firstPacketNanos = firstPacketAtNanos;
        join.put("decodeMs", s.firstDecodedNanos() < 0 || firstPacketNanos < 0 ? -1
                : TimeUnit.NANOSECONDS.toMillis(s.firstDecodedNanos() - firstPacketNanos));
        join.put("firstFrameMs", sinceStart(s.firstDecodedNanos()));
        join.put("firstDisplayedMs", sinceStart(s.firstShownNanos()));
        m.put("join", join);
        m.put("startupMs", startupMs);
        m.put("recoveries", recoveries.stream().map(Recovery::toMap).toList());
        m.put("recoveriesTotal", recoveriesTotal);
        m.put("packetsReceived", packetsReceived);
        m.put("packetsLost", packetsLost);
        m.put("packetsRepaired", packetsRepaired);
        m.put("bitrateKbps", bitrateKbps);
        ParentLink link = current;
        m.put("rtcpReportsSent", rtcpReportsBefore + (link == null ? 0 : link.reportsSent()));
        m.put("transport", transport.name().toLowerCase());
        Runtime runtime = Runtime.getRuntime();
        m.put("heapUsedBytes", runtime.totalMemory() - runtime.freeMemory());
        m.put("heapMaxBytes", runtime.maxMemory());
        m.put("proxyConnected", proxy != null && proxy.isLoggedIn());
        m.put("logins", proxy == null ? 0 : proxy.logins());
        return m;
    }

    /** Installs (or with null removes) the packet observer. */
    public void observePackets(PacketObserver observer) {
        packetObserver = observer;
    }

    /**
     * Stops at once without a word to the proxy or the parent, as a SIGKILL would (sockets closed, no Logout):
     * for fail-over measurements of peers running in-process.
     */
    public void abort() {
        if ("closed".equals(state)) {
            return;
        }
        state = "closed";
        if (proxy != null) {
            proxy.close();
        }
        if (relay != null) {
            relay.close();
        }
        loop.execute(() -> {
            ParentLink link = current;
            if (link != null) {
                link.close();
            }
        });
        player.close();
        if (statsServer != null) {
            statsServer.close();
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        closed.countDown();
    }

    /** The relay's URL (children and local players). */
    public String relayUrl() {
        return relay == null ? null : relay.url();
    }

    /** Completes once the first picture is decoded: the end of Tconnection ({@code join.firstFrameMs}). */
    public CompletionStage<Void> firstFrame() {
        return player.firstDecoded();
    }

    /** The hop count of the last placement (0 before the first). */
    public int hopCount() {
        return hopCount;
    }

    public int statsPort() {
        return statsServer == null ? 0 : statsServer.port();
    }

    /** Logs out (waiting briefly for the proxy's OK) and stops everything. Idempotent. */
    @Override
    public void close() {
        if ("closed".equals(state)) {
            return;
        }
        state = "closed";
        boolean hadChildren = relay != null && children > 0;
        if (relay != null) {
            // Children hear it at once (RTCP BYE) and keep getting packets while they open their next parent.
            relay.announceDeparture("peer " + nodeId + " leaving");
        }
        ParentLink leaving = current;
        if (leaving != null) {
            leaving.sendBye("peer " + nodeId + " leaving"); // our parent admits our replacement meanwhile
        }
        if (proxy != null) {
            try {
                proxy.logout(LogoutReason.USER, Duration.ofSeconds(2)).get(3, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("peer {}: logout did not complete: {}", nodeId, e.getMessage());
            }
            proxy.close();
        }
        if (relay != null && (hadChildren || relay.readers() > 0)) {
            awaitChildrenMoved();
        }
        loop.execute(() -> {
            ParentLink link = current;
            if (link != null) {
                link.close();
            }
        });
        player.close();
        if (relay != null) {
            relay.close();
        }
        if (statsServer != null) {
            statsServer.close();
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        closed.countDown();
    }

    /** Keeps relaying until every child has left for its next parent, for at most {@link #DEPARTURE_LINGER}. */
    private void awaitChildrenMoved() {
        long deadline = System.nanoTime() + DEPARTURE_LINGER.toNanos();
        try {
            while (relay.readers() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the peer was closed (Ctrl-C, SIGTERM, the window closed). */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }
}
