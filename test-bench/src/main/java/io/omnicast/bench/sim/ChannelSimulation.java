package io.omnicast.bench.sim;

import io.omnicast.bench.report.CsvWriter;
import io.omnicast.bench.report.Progress;
import io.omnicast.proxy.topology.ChannelTree;
import io.omnicast.proxy.topology.ChannelTree.Node;
import io.omnicast.proxy.topology.TopologyEngine;
import io.omnicast.proxy.topology.TopologyEngine.Decision;
import io.omnicast.proxy.topology.TopologyEngine.Departure;
import io.omnicast.proxy.topology.spi.ChannelSetup;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A discrete-event simulation of one channel driven through the proxy's own topology machinery: the plugin is
 * the real {@link TopologyAlgorithm} class, and its decisions are applied by the real {@link TopologyEngine} to a
 * real {@link ChannelTree} (same indexes, same checks), whose clock is the simulated clock so that node ages are
 * simulated ages. Only the network is modelled. The engine keeps placements within the tree's hop limit (and
 * counts plugin decisions it refused for it; the report shows the count).
 *
 * <p>The model. Viewers arrive ({@link ArrivalProcess}), stay ({@link SessionLengths}) and leave, gracefully
 * (Logout: the proxy acts after the message's travel time) or abruptly (the proxy acts after
 * {@code detection-delay-ms}). Until the proxy acts, a departed relay is still in the tree and may even be given
 * new children, which then wait. A peer streams once its parent streams; when a relay stops, everybody below it
 * is interrupted until its branch is re-placed and reconnected. Delays: a link's one-way delay is the sum of both
 * ends' access delays; a join costs a USCP round trip to the proxy plus placement, a re-parent costs placement plus
 * the proxy's push; connecting to a parent costs {@code rtsp-round-trips} round trips, one more one-way trip and
 * the keyframe's transfer at the slower of the child's downlink and the parent's per-child share of its uplink.
 *
 * <p>Workload draws (arrival times, session lengths, classes, reachability, delays, abrupt or not) come from
 * their own random streams in arrival order, so every plugin compared sees exactly the same viewers.
 * Single-threaded; one instance per run.
 */
public final class ChannelSimulation {
    static final int ARRIVAL = 0;
    static final int RETRY_JOIN = 1;
    static final int SESSION_END = 2;
    static final int PROXY_ACTS = 3;
    static final int SNAPSHOT = 4;

    private static final long NANOS_PER_MS = 1_000_000L;
    private static final String CHANNEL = "sim";

    /** The raw CSV outputs (null when not wanted); every row starts with the topology id. */
    public record RawWriters(CsvWriter sessions, CsvWriter departures, CsvWriter recoveries, CsvWriter snapshots) {
        public static final String[] SESSIONS = {"topology", "session", "class", "reachable", "max_children",
            "abrupt", "arrival_s", "length_s", "join_hop", "startup_ms", "joins_refused", "interruptions"};
        public static final String[] DEPARTURES = {"topology", "time_s", "peer", "abrupt", "hop", "children",
            "peers_disrupted", "orphans_placed", "orphans_waiting", "proxy_acted_after_ms"};
        public static final String[] RECOVERIES = {"topology", "time_s", "orphan", "departed", "abrupt",
            "orphan_recovery_ms", "peers_resumed", "waited_for_capacity"};
        public static final String[] SNAPSHOTS = {"topology", "time_s", "peers_in_tree", "streaming",
            "waiting_orphans", "origin_children", "origin_capacity", "mean_depth", "max_depth", "mean_lag_ms",
            "capacity_used", "jain_index"};
    }

    /** One viewer session. */
    static final class Peer {
        final int index;
        final long arrival;
        final long end;
        final int peerClass;
        final boolean reachable;
        final boolean abrupt;
        final long accessNanos;
        final int maxChildren;
        Node node;
        boolean dead;
        boolean closed;
        /** When the peer began waiting for the stream; -1 while it streams. */
        long pendingSince;
        boolean pendingIsStartup = true;
        long streamingFrom = -1;
        int joinHop = -1;
        double startupMs = Double.NaN;
        int refusals;
        int interruptions;

        Peer(int index, long arrival, long end, int peerClass, boolean reachable, boolean abrupt, long accessNanos,
                int maxChildren) {
            this.index = index;
            this.arrival = arrival;
            this.end = end;
            this.peerClass = peerClass;
            this.reachable = reachable;
            this.abrupt = abrupt;
            this.accessNanos = accessNanos;
            this.maxChildren = maxChildren;
            this.pendingSince = arrival;
        }
    }

    private final SimConfig config;
    private final String topologyId;
    private final ChannelTree tree;
    private final TopologyEngine engine;
    private final EventQueue<Peer> queue = new EventQueue<>();
    private final SimResult result;
    private final RawWriters raw;
    private final HeapWatch heap;
    private final ArrayDeque<Node> walk = new ArrayDeque<>();
    // workload streams, one per model so that changing one model leaves the others' draws alone
    private final SplittableRandom arrivalRandom;
    private final SplittableRandom sessionRandom;
    private final SplittableRandom classRandom;
    private final SplittableRandom natRandom;
    private final SplittableRandom delayRandom;
    private final SplittableRandom abruptRandom;
    // per-class constants
    private final int[] classMaxChildren;
    private final long[] classUpKbps;
    private final long[] classDownKbps;
    private final long serverDelayNanos;
    private final long placementNanos;
    private final long detectionNanos;
    private final long retryNanos;
    private final long forwardNanos;
    private final long sampleNanos;
    private final long originPerChildKbps;
    private long now;
    private int arrived;
    private long peersInTree;
    private boolean arrivalsDone;

    public ChannelSimulation(SimConfig config, TopologyAlgorithm algorithm, RawWriters raw, HeapWatch heap) {
        this.config = config;
        this.topologyId = algorithm.id();
        this.raw = raw;
        this.heap = heap;
        this.tree = new ChannelTree(CHANNEL, () -> now);
        this.engine = new TopologyEngine(tree, algorithm.forChannel(new ChannelSetup(CHANNEL, config.seed())),
                algorithm.id(), config.maxBackups());
        CapacityMix mix = config.capacityMix();
        this.result = new SimResult(topologyId, mix.classes().size());
        SplittableRandom root = new SplittableRandom(config.seed());
        arrivalRandom = root.split();
        sessionRandom = root.split();
        classRandom = root.split();
        natRandom = root.split();
        delayRandom = root.split();
        abruptRandom = root.split();
        int classes = mix.classes().size();
        classMaxChildren = new int[classes];
        classUpKbps = new long[classes];
        classDownKbps = new long[classes];
        for (int i = 0; i < classes; i++) {
            classUpKbps[i] = mix.get(i).upKbps();
            classDownKbps[i] = mix.get(i).downKbps();
            classMaxChildren[i] = CapacityMix.maxChildren(classUpKbps[i], config.streamKbps());
        }
        serverDelayNanos = msToNanos(config.serverDelayMs());
        placementNanos = msToNanos(config.placementMs());
        detectionNanos = msToNanos(config.detectionDelayMs());
        retryNanos = msToNanos(config.joinRetryMs());
        forwardNanos = msToNanos(config.relayForwardMs());
        sampleNanos = Math.round(config.sampleIntervalSeconds() * 1e9);
        int originChildren = Math.min(config.originMaxChildren(), ChannelTree.MAX_CHILDREN);
        originPerChildKbps = originChildren == 0 ? config.originUplinkKbps()
                : config.originUplinkKbps() / originChildren;
        for (int i = 0; i < config.origins(); i++) {
            tree.addOrigin("origin-" + (i + 1), originChildren, config.originUplinkKbps());
        }
    }

    private static long msToNanos(double ms) {
        return Math.round(ms * NANOS_PER_MS);
    }

    /** Runs every session to its end; {@code progress} may be null. */
    public SimResult run(Progress progress) {
        long wallStart = System.nanoTime();
        queue.schedule(config.arrivals().next(0, arrivalRandom), ARRIVAL, null);
        queue.schedule(sampleNanos, SNAPSHOT, null);
        while (!queue.isEmpty()) {
            queue.poll();
            now = queue.time();
            Peer peer = queue.payload();
            switch (queue.kind()) {
                case ARRIVAL -> arrive();
                case RETRY_JOIN -> {
                    if (!peer.closed) {
                        join(peer);
                    }
                }
                case SESSION_END -> endSession(peer);
                case PROXY_ACTS -> proxyActs(peer);
                case SNAPSHOT -> snapshot();
                default -> throw new IllegalStateException("unknown event kind " + queue.kind());
            }
            if (progress != null && (queue.polled() & 0x3FF) == 0) {
                progress.update(arrived, config.peers(), () -> String.format(Locale.ROOT,
                        "sessions [%s] t=%.0f s, %,d in tree, %,.0f events/s", topologyId, now / 1e9, peersInTree,
                        queue.polled() / Math.max((System.nanoTime() - wallStart) / 1e9, 1e-9)));
            }
        }
        result.events = queue.polled();
        result.hopLimitRefusals = engine.hopLimitRefusals();
        result.wallNanos = System.nanoTime() - wallStart;
        result.simulatedNanos = now;
        if (heap != null) {
            heap.sample();
            result.peakHeapUsedBytes = heap.peakUsedBytes();
            result.peakHeapAfterGcBytes = heap.peakAfterGcBytes();
        }
        if (tree.size() != config.origins() || engine.waitingCount() != 0) {
            throw new IllegalStateException("simulation of " + topologyId + " ended with " + tree.size()
                    + " nodes in the tree and " + engine.waitingCount() + " waiting (expected only the origins)");
        }
        return result;
    }

    // ------------------------------------------------------------------------------------------ events

    private void arrive() {
        CapacityMix mix = config.capacityMix();
        int peerClass = mix.sample(classRandom);
        boolean reachable = natRandom.nextDouble() >= config.natShare();
        double delayMs = config.linkDelayMinMs()
                + delayRandom.nextDouble() * (config.linkDelayMaxMs() - config.linkDelayMinMs());
        boolean abrupt = abruptRandom.nextDouble() < config.abruptShare();
        long length = Math.max(1, Math.round(config.sessions().sampleSeconds(sessionRandom) * 1e9));
        Peer peer = new Peer(arrived, now, saturatedAdd(now, length), peerClass, reachable, abrupt,
                msToNanos(delayMs), classMaxChildren[peerClass]);
        arrived++;
        result.sessions++;
        queue.schedule(peer.end, SESSION_END, peer);
        if (arrived < config.peers()) {
            queue.schedule(config.arrivals().next(now, arrivalRandom), ARRIVAL, null);
        } else {
            arrivalsDone = true;
        }
        join(peer);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }

    private void join(Peer peer) {
        Node node = tree.addDetached("p" + peer.index, peer.maxChildren, classUpKbps[peer.peerClass]);
        // the connect-back probe's round trip, as the proxy would measure it
        tree.setReachable(node, peer.reachable, 2 * (peer.accessNanos + serverDelayNanos));
        node.attachment(peer);
        Decision decision = engine.join(node);
        if (!decision.placed()) {
            tree.remove(node);
            peer.refusals++;
            result.joinsRefused++;
            long retryAt = now + retryNanos;
            if (retryAt < peer.end) {
                queue.schedule(retryAt, RETRY_JOIN, peer);
            }
            return;
        }
        peer.node = node;
        peer.joinHop = node.hopCount();
        result.joinHop.add(peer.joinHop);
        peersInTree++;
        result.maxConcurrentPeers = Math.max(result.maxConcurrentPeers, peersInTree);
        long uscpRoundTrip = 2 * (peer.accessNanos + serverDelayNanos);
        resume(node, now + uscpRoundTrip + placementNanos, null, false);
        if (engine.waitingCount() > 0 && node.acceptsChildren()) {
            placeWaiting();
        }
    }

    private void endSession(Peer peer) {
        peer.closed = true;
        if (peer.node == null) {
            // refused and waiting to retry: the viewer gave up before it ever got a parent
            writeSession(peer);
            return;
        }
        peer.dead = true;
        // everybody below loses the stream now, though the proxy does not know yet
        walk.clear();
        pushChildren(peer.node);
        while (!walk.isEmpty()) {
            Node n = walk.pop();
            Peer p = (Peer) n.attachment();
            if (p.pendingSince < 0) {
                p.pendingSince = now;
                p.pendingIsStartup = false;
                p.interruptions++;
            }
            pushChildren(n);
        }
        long delay = peer.abrupt ? detectionNanos : peer.accessNanos + serverDelayNanos;
        queue.schedule(now + delay, PROXY_ACTS, peer);
    }

    private void proxyActs(Peer peer) {
        Node node = peer.node;
        int hop = node.hopCount();
        int children = node.childCount();
        Departure departure = engine.leave(node);
        peer.node = null;
        peersInTree--;
        result.departures++;
        if (peer.abrupt) {
            result.abruptDepartures++;
        }
        long disrupted = 0;
        for (Decision moved : departure.moved()) {
            Peer orphan = (Peer) moved.node().attachment();
            disrupted += resume(moved.node(), now + placementNanos + orphan.accessNanos + serverDelayNanos, peer,
                    false);
        }
        for (Node waiting : departure.waiting()) {
            disrupted += subtreeSize(waiting);
            result.orphansWaited++;
        }
        result.orphans += children;
        result.disruptedPerDeparture.add(disrupted);
        if (raw != null && raw.departures() != null) {
            raw.departures().row(topologyId, seconds(peer.end), peer.index, peer.abrupt, hop, children, disrupted,
                    departure.moved().size(), departure.waiting().size(), (now - peer.end) / 1e6);
        }
        writeSession(peer);
        if (engine.waitingCount() > 0) {
            placeWaiting();
        }
    }

    private void placeWaiting() {
        for (Decision decision : engine.placeWaiting()) {
            Peer orphan = (Peer) decision.node().attachment();
            resume(decision.node(), now + placementNanos + orphan.accessNanos + serverDelayNanos, null, true);
        }
    }

    /**
     * {@code top} was just placed (joined or re-parented) and its control message reaches it at {@code readyAt}.
     * If its new parent streams, {@code top} connects and everybody waiting in its subtree resumes with it; if not
     * (the parent is dead or waiting itself), they keep waiting. Returns the subtree's size.
     */
    private long resume(Node top, long readyAt, Peer departed, boolean waitedForCapacity) {
        Node parent = top.parent();
        Peer parentPeer = (Peer) parent.attachment();
        long start = -1;
        if (parentPeer == null) {
            start = readyAt + connectNanos((Peer) top.attachment(), parent);
        } else if (!parentPeer.dead && parentPeer.pendingSince < 0) {
            start = Math.max(readyAt + connectNanos((Peer) top.attachment(), parent),
                    parentPeer.streamingFrom + linkNanos(parent, top));
        } else if (parentPeer.dead) {
            result.placedUnderDeadParent++;
        }
        Peer topPeer = (Peer) top.attachment();
        double topRecoveryMs = start >= 0 && topPeer.pendingSince >= 0 && !topPeer.pendingIsStartup
                ? (start - topPeer.pendingSince) / 1e6 : Double.NaN;
        long size = 0;
        long resumed = 0;
        walk.clear();
        walk.push(top);
        while (!walk.isEmpty()) {
            Node n = walk.pop();
            Peer p = (Peer) n.attachment();
            if (p.dead) {
                // a dead relay not yet noticed by the proxy: nothing below it resumes
                size += subtreeSize(n);
                continue;
            }
            size++;
            if (start >= 0 && p.pendingSince >= 0) {
                double waitedMs = (start - p.pendingSince) / 1e6;
                if (p.pendingIsStartup) {
                    p.startupMs = waitedMs;
                    result.startupMs.add(waitedMs);
                    result.sessionsStarted++;
                } else {
                    result.recoveryMs.add(waitedMs);
                }
                p.pendingSince = -1;
                p.streamingFrom = start;
                resumed++;
            }
            pushChildren(n);
        }
        if (departed != null || waitedForCapacity) {
            if (raw != null && raw.recoveries() != null) {
                raw.recoveries().row(topologyId, seconds(now), topPeer.index, departed == null ? "" : departed.index,
                        departed == null ? "" : departed.abrupt, topRecoveryMs, resumed, waitedForCapacity);
            }
        }
        return size;
    }

    private void snapshot() {
        if (arrivalsDone) {
            return;
        }
        long inTree = 0;
        long streaming = 0;
        long depthSum = 0;
        int maxDepth = 0;
        double lagSum = 0;
        long slots = 0;
        long used = 0;
        double utilSum = 0;
        double utilSquares = 0;
        long capable = 0;
        long originChildren = 0;
        long originCapacity = 0;
        walk.clear();
        for (Node origin : tree.origins()) {
            originChildren += origin.childCount();
            originCapacity += origin.maxChildren();
            pushChildren(origin);
        }
        while (!walk.isEmpty()) {
            Node n = walk.pop();
            Peer p = (Peer) n.attachment();
            inTree++;
            int hop = n.hopCount();
            result.countDepth(hop);
            depthSum += hop;
            maxDepth = Math.max(maxDepth, hop);
            if (!p.dead && p.pendingSince < 0) {
                streaming++;
                double lag = lagMs(n);
                lagSum += lag;
                result.lagMs.add(lag);
            }
            if (p.reachable && p.maxChildren > 0) {
                int c = n.childCount();
                double u = Math.min(1.0, (double) c / p.maxChildren);
                slots += p.maxChildren;
                used += c;
                utilSum += u;
                utilSquares += u * u;
                capable++;
                result.utilisationBins[u == 0 ? 0 : Math.min(4, 1 + (int) Math.ceil(u * 4) - 1)]++;
                result.classPeers[p.peerClass]++;
                result.classChildren[p.peerClass] += c;
                result.classCapacity[p.peerClass] += p.maxChildren;
            } else {
                result.classPeers[p.peerClass]++;
            }
            pushChildren(n);
        }
        double jain = capable == 0 || utilSquares == 0 ? Double.NaN : utilSum * utilSum / (capable * utilSquares);
        if (!Double.isNaN(jain)) {
            result.jainPerSnapshot.add(jain);
        }
        if (originCapacity > 0) {
            result.originUtilisation.add((double) originChildren / originCapacity);
        }
        if (slots > 0) {
            result.capacityUsed.add((double) used / slots);
        }
        double meanDepth = inTree == 0 ? 0 : (double) depthSum / inTree;
        result.addSeriesPoint(seconds(now), inTree, originChildren, meanDepth);
        if (raw != null && raw.snapshots() != null) {
            raw.snapshots().row(topologyId, seconds(now), inTree, streaming, engine.waitingCount(), originChildren,
                    originCapacity, meanDepth, maxDepth, streaming == 0 ? Double.NaN : lagSum / streaming,
                    slots == 0 ? Double.NaN : (double) used / slots, jain);
        }
        if (heap != null) {
            heap.sample();
        }
        queue.schedule(now + sampleNanos, SNAPSHOT, null);
    }

    // ------------------------------------------------------------------------------------------ model

    /** Playback lag behind the origin: one-way link delay plus forwarding at every hop up to the origin. */
    private double lagMs(Node node) {
        long lag = 0;
        for (Node n = node; n.parent() != null; n = n.parent()) {
            lag += linkNanos(n.parent(), n) + forwardNanos;
        }
        return lag / 1e6;
    }

    private long accessNanos(Node node) {
        Object attachment = node.attachment();
        return attachment == null ? serverDelayNanos : ((Peer) attachment).accessNanos;
    }

    private long linkNanos(Node a, Node b) {
        return accessNanos(a) + accessNanos(b);
    }

    /** RTSP set-up round trips, the first packet's trip, and the keyframe's transfer time. */
    private long connectNanos(Peer child, Node parent) {
        long link = child.accessNanos + accessNanos(parent);
        Peer parentPeer = (Peer) parent.attachment();
        long parentShareKbps = parentPeer == null ? originPerChildKbps
                : classUpKbps[parentPeer.peerClass] / Math.max(1, parentPeer.maxChildren);
        long rateKbps = Math.max(1, Math.min(classDownKbps[child.peerClass], parentShareKbps));
        long keyframeNanos = Math.round(config.keyframeKbit() / rateKbps * 1e9);
        return config.rtspRoundTrips() * 2 * link + link + keyframeNanos;
    }

    private void pushChildren(Node node) {
        if (node.childCount() > 0) {
            List<Node> children = node.children();
            for (int i = children.size() - 1; i >= 0; i--) {
                walk.push(children.get(i));
            }
        }
    }

    private long subtreeSize(Node top) {
        long size = 0;
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(top);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            size++;
            for (Node child : n.children()) {
                stack.push(child);
            }
        }
        return size;
    }

    private void writeSession(Peer peer) {
        if (raw != null && raw.sessions() != null) {
            raw.sessions().row(topologyId, peer.index, config.capacityMix().get(peer.peerClass).name(), peer.reachable,
                    peer.maxChildren, peer.abrupt, seconds(peer.arrival), (peer.end - peer.arrival) / 1e9,
                    peer.joinHop < 0 ? "" : peer.joinHop, peer.startupMs, peer.refusals, peer.interruptions);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
