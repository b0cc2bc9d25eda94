package io.omnicast.proxy.session;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.omnicast.proxy.directory.DirectoryEvent;
import io.omnicast.proxy.topology.ChannelTree;
import io.omnicast.proxy.topology.ChannelTree.Node;
import io.omnicast.proxy.topology.TopologyEngine;
import io.omnicast.proxy.topology.TopologyEngine.Decision;
import io.omnicast.proxy.topology.spi.ChannelSetup;
import io.omnicast.proxy.topology.spi.FailureVerdict;
import io.omnicast.uscp.v1.ErrorCode;
import io.omnicast.uscp.v1.PlacementReason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a channel's tree. Every operation runs on {@link #executor()} (one thread), which is also
 * the only thread that calls the channel's topology plugin, so neither needs locks. Results go back to the
 * callers' event loops as frozen {@link PlacementOrder}s; re-parenting pushes are handed to the orphans' own
 * event loops, which sign and write them in parallel.
 */
public final class ChannelOwner {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelOwner.class);

    private final String channel;
    private final EventExecutor executor;
    private final ProxyServices services;
    private ChannelTree tree;
    private TopologyEngine engine;
    /** The channel's SDP as an origin last announced it (null: none did); joining viewers get it. */
    private volatile String description;

    /** The answer to a join or a failure report: an order, or an error. */
    public record Outcome(PlacementOrder order, ErrorCode error, String message) {
        static Outcome ok(PlacementOrder order) {
            return new Outcome(order, null, null);
        }

        static Outcome error(ErrorCode code, String message) {
            return new Outcome(null, code, message);
        }
    }

    /** A demoted relay gets children again after this long without a failure report against it. */
    static final java.time.Duration DEMOTION_QUIET = java.time.Duration.ofSeconds(60);
    private static final java.time.Duration FORGIVE_CHECK = java.time.Duration.ofSeconds(5);

    ChannelOwner(String channel, EventExecutor executor, ProxyServices services) {
        this.channel = channel;
        this.executor = executor;
        this.services = services;
    }

    public String channel() {
        return channel;
    }

    public EventExecutor executor() {
        return executor;
    }

    /** The tree; only on the owner thread (created there, with the plugin's per-channel instance). */
    ChannelTree tree() {
        assert executor.inEventLoop();
        if (tree == null) {
            tree = new ChannelTree(channel);
            engine = new TopologyEngine(tree, services.algorithm().forChannel(new ChannelSetup(channel,
                    services.config().topologySeed())), services.algorithm().id(),
                    services.config().placementBackups());
            executor.scheduleWithFixedDelay(this::forgiveQuietParents, FORGIVE_CHECK.toMillis(),
                    FORGIVE_CHECK.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return tree;
    }

    private TopologyEngine engine() {
        tree();
        return engine;
    }

    /** Runs {@code task} on the owner thread with the tree, returning its result. */
    public <T> Future<T> call(java.util.function.Function<ChannelTree, T> task) {
        return executor.submit(() -> task.apply(tree()));
    }

    // ------------------------------------------------------------------------------------------ origins

    /**
     * The channel's session description as {@code origin} announced it (in its Login or a NodeInformation).
     * Placements made from now on carry it; a channel with several origins keeps the latest one (a viewer whose
     * parent serves another checks that in the PLAY reply and asks for it).
     */
    void describe(Session origin, String sdp) {
        String previous = description;
        description = sdp;
        if (!sdp.equals(previous)) {
            LOG.info("channel {}: description from origin {} ({} characters)", channel, origin.nodeId(),
                    sdp.length());
        }
    }

    void addOrigin(Session origin) {
        executor.execute(() -> {
            ChannelTree t = tree();
            Node existing = t.get(origin.nodeId());
            if (existing != null) {
                return;
            }
            Node node = t.addOrigin(origin.nodeId(), origin.maxChildren(), origin.uplinkKbps());
            node.attachment(origin);
            services.record(DirectoryEvent.of("origin-join", channel, origin.nodeId(), null, 0, -1,
                    "user=" + origin.user() + " capacity=" + origin.maxChildren()));
            pushAll(engine().placeWaiting(), System.nanoTime(), "origin " + origin.nodeId() + " arrived");
        });
    }

    // ------------------------------------------------------------------------------------------ viewers

    /**
     * Places a viewer that just logged in; {@code then} receives the outcome on the owner thread (where the
     * caller queues the ticket for signing at once, before hopping back to its own event loop).
     */
    void join(Session viewer, long startNanos, java.util.function.Consumer<Outcome> then) {
        executor.execute(() -> {
            Outcome outcome;
            try {
                outcome = place(viewer, startNanos);
            } catch (RuntimeException e) {
                LOG.error("placing {} in channel {} failed", viewer, channel, e);
                outcome = Outcome.error(ErrorCode.INTERNAL_ERROR, "placement failed: " + e);
            }
            then.accept(outcome);
        });
    }

    private Outcome place(Session viewer, long startNanos) {
        {
            ChannelTree t = tree();
            if (t.origins().isEmpty()) {
                return Outcome.error(ErrorCode.UNKNOWN_CHANNEL, "no origin serves channel '" + channel + "'");
            }
            Node node = t.addDetached(viewer.nodeId(), viewer.maxChildren(), viewer.uplinkKbps());
            node.attachment(viewer);
            Decision decision;
            try {
                decision = engine().join(node);
            } catch (RuntimeException e) {
                t.remove(node);
                LOG.error("topology plugin failed placing {} in channel {}", viewer, channel, e);
                return Outcome.error(ErrorCode.INTERNAL_ERROR, "placement failed: " + e.getMessage());
            }
            if (!decision.placed()) {
                t.remove(node);
                return Outcome.error(ErrorCode.NO_PARENT_AVAILABLE, "no node in channel '" + channel
                        + "' has a spare slot (" + t.size() + " nodes)");
            }
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos);
            services.record(DirectoryEvent.of("join", channel, viewer.nodeId(), decision.parent().id(),
                    node.hopCount(), micros, "user=" + viewer.user() + " backups=" + ids(decision.backups())));
            return Outcome.ok(order(decision));
        }
    }

    /**
     * Removes a departed node and pushes new parents to its direct children at once. {@code detectedNanos} is
     * when the departure was noticed (the re-parent latency is measured from it).
     */
    void leave(Session session, String reason, long detectedNanos) {
        executor.execute(() -> {
            ChannelTree t = tree();
            Node node = t.get(session.nodeId());
            if (node == null) {
                return;
            }
            int hop = node.hopCount();
            String parent = node.parent() == null ? null : node.parent().id();
            TopologyEngine.Departure departure;
            try {
                departure = engine().leave(node);
            } catch (RuntimeException e) {
                LOG.error("topology plugin failed re-parenting the children of {} in channel {}", session, channel,
                        e);
                return;
            }
            services.record(DirectoryEvent.of(session.role() == Session.Role.ORIGIN ? "origin-leave" : "leave",
                    channel, session.nodeId(), parent, hop, -1, reason + " children=" + (departure.moved().size()
                            + departure.waiting().size())));
            pushAll(departure.moved(), detectedNanos, "departed " + session.nodeId() + " (" + reason + ")");
            for (Node stuck : departure.waiting()) {
                services.record(DirectoryEvent.of("orphan-waiting", channel, stuck.id(), null, -1, -1,
                        "departed " + session.nodeId() + "; no spare slot"));
            }
        });
    }

    /** Demoted relays without a failure report for {@link #DEMOTION_QUIET} take children again. */
    private void forgiveQuietParents() {
        if (engine.forgiveQuietParents(DEMOTION_QUIET) > 0 && engine.waitingCount() > 0) {
            pushAll(engine.placeWaiting(), System.nanoTime(), "a demoted relay was forgiven");
        }
    }

    /** A viewer reports its parent failed: count it, move the viewer, answer with its new parent. */
    Future<Outcome> reportFailure(Session reporter, String failedParentId, String reason) {
        long start = System.nanoTime();
        return executor.submit(() -> {
            ChannelTree t = tree();
            Node node = t.get(reporter.nodeId());
            if (node == null) {
                return Outcome.error(ErrorCode.UNKNOWN_NODE, reporter.nodeId() + " is not in channel " + channel);
            }
            Node parent = node.parent();
            if (parent == null || !parent.id().equals(failedParentId)) {
                return Outcome.error(ErrorCode.UNKNOWN_NODE, failedParentId + " is not the parent of "
                        + reporter.nodeId() + " (its parent is " + (parent == null ? "none yet" : parent.id()) + ")");
            }
            TopologyEngine.FailureOutcome outcome;
            try {
                outcome = engine().reportFailure(node, parent, reason);
            } catch (RuntimeException e) {
                LOG.error("topology plugin failed on a failure report by {} in channel {}", reporter, channel, e);
                return Outcome.error(ErrorCode.INTERNAL_ERROR, "re-placement failed: " + e.getMessage());
            }
            long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
            services.record(DirectoryEvent.of("failure-report", channel, reporter.nodeId(), failedParentId,
                    node.hopCount(), micros, "reason=" + reason + " reports=" + parent.failureReports()
                            + (outcome.verdict() == FailureVerdict.DEMOTE_PARENT ? " parent demoted" : "")));
            if (!outcome.decision().placed()) {
                return Outcome.error(ErrorCode.NO_PARENT_AVAILABLE, "no other node in channel '" + channel
                        + "' has a spare slot; stay with " + failedParentId);
            }
            services.record(DirectoryEvent.of("placement", channel, reporter.nodeId(),
                    outcome.decision().parent().id(), node.hopCount(), micros, "after failure report"));
            return Outcome.ok(order(outcome.decision()));
        });
    }

    void capacity(Session session, int maxChildren, long uplinkKbps) {
        executor.execute(() -> {
            Node node = tree().get(session.nodeId());
            if (node != null && (node.maxChildren() != maxChildren || node.uplinkKbps() != uplinkKbps)) {
                tree.setCapacity(node, maxChildren, uplinkKbps);
                if (engine.waitingCount() > 0) {
                    pushAll(engine.placeWaiting(), System.nanoTime(), "capacity of " + node.id() + " grew");
                }
            }
        });
    }

    void probed(Session session, long rttNanos) {
        executor.execute(() -> {
            Node node = tree().get(session.nodeId());
            if (node == null) {
                return;
            }
            tree.setReachable(node, rttNanos >= 0, rttNanos);
            services.record(DirectoryEvent.of("probe", channel, session.nodeId(), null, node.hopCount(),
                    rttNanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMicros(rttNanos),
                    (rttNanos >= 0 ? "reachable " : "unreachable ") + session.relayHost() + ":"
                            + session.relayPort()));
            if (rttNanos >= 0 && engine.waitingCount() > 0) {
                pushAll(engine.placeWaiting(), System.nanoTime(), node.id() + " became reachable");
            }
        });
    }

    // ------------------------------------------------------------------------------------------ pushes

    private void pushAll(List<Decision> moved, long detectedNanos, String why) {
        if (moved.isEmpty()) {
            return;
        }
        List<Session> orphans = new ArrayList<>(moved.size());
        List<PlacementOrder> orders = new ArrayList<>(moved.size());
        for (Decision d : moved) {
            orphans.add((Session) d.node().attachment());
            orders.add(order(d));
        }
        services.pushAll(orphans, orders, detectedNanos);
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - detectedNanos);
        for (PlacementOrder order : orders) {
            services.record(DirectoryEvent.of("reparent", channel, order.nodeId(), order.parent().nodeId(),
                    order.hopCount(), micros, why));
        }
    }

    private PlacementOrder order(Decision d) {
        List<ParentRef> backups = new ArrayList<>(d.backups().size());
        for (Node b : d.backups()) {
            backups.add(ref(b));
        }
        return new PlacementOrder(channel, d.node().id(), d.node().hopCount(), ref(d.parent()), backups,
                description);
    }

    private ParentRef ref(Node node) {
        Session s = (Session) node.attachment();
        return new ParentRef(node.id(), node.hopCount(), s.rtspUrl(channel));
    }

    private static String ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList().toString();
    }

    /** For the API and tests: nodes waiting for a parent. */
    int waitingCount() {
        engine();
        return engine.waitingCount();
    }

    boolean isWaiting(Node node) {
        return engine().isWaiting(node);
    }

    static PlacementReason reparentReason() {
        return PlacementReason.REPARENT;
    }
}
