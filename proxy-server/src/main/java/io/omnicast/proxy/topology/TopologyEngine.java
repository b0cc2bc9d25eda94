package io.omnicast.proxy.topology;

import io.omnicast.proxy.topology.ChannelTree.Node;
import io.omnicast.proxy.topology.spi.ChannelTopology;
import io.omnicast.proxy.topology.spi.FailureReport;
import io.omnicast.proxy.topology.spi.FailureVerdict;
import io.omnicast.proxy.topology.spi.Placement;
import io.omnicast.proxy.topology.spi.PlacementReason;
import io.omnicast.proxy.topology.spi.PlacementRequest;
import io.omnicast.proxy.topology.spi.ReparentRequest;
import io.omnicast.proxy.topology.spi.TreeNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a plugin's decisions to a {@link ChannelTree}: join, leave with re-parenting, failure reports. Every
 * decision is checked before it is applied, so a faulty plugin cannot corrupt the tree; it only gets the node
 * refused. The same engine drives the proxy, the {@code TopologyTestKit} and the benchmarks.
 *
 * <p>Not thread-safe: one per channel, used only by the channel's owning thread.
 */
public final class TopologyEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TopologyEngine.class);
    private final ChannelTree tree;
    private final ChannelTopology topology;
    private final String algorithmId;
    private final int maxBackups;
    private final LinkedHashSet<Node> waiting = new LinkedHashSet<>();
    private final LinkedHashSet<Node> demoted = new LinkedHashSet<>();
    private long hopLimitRefusals;

    public TopologyEngine(ChannelTree tree, ChannelTopology topology, String algorithmId, int maxBackups) {
        if (maxBackups < 0 || maxBackups > 2) {
            throw new IllegalArgumentException("maxBackups must be between 0 and 2 (was " + maxBackups + ")");
        }
        this.tree = tree;
        this.topology = topology;
        this.algorithmId = algorithmId;
        this.maxBackups = maxBackups;
    }

    public ChannelTree tree() {
        return tree;
    }

    /** A node and where it went; {@code parent} is null when it could not be placed. */
    public record Decision(Node node, Node parent, List<Node> backups) {
        public boolean placed() {
            return parent != null;
        }
    }

    /** The outcome of a departure: orphans placed (in order) and orphans left waiting for capacity. */
    public record Departure(Node departed, List<Decision> moved, List<Node> waiting) {
    }

    /** The outcome of a failure report. */
    public record FailureOutcome(Decision decision, FailureVerdict verdict) {
    }

    /** Places a freshly added detached node; on failure it stays detached and the caller removes it. */
    public Decision join(Node node) {
        return placeAndAttach(node, PlacementReason.JOIN, Set.of());
    }

    /**
     * Removes {@code node} and re-parents its direct children (their subtrees move with them). Orphans that
     * find no parent wait and are retried by {@link #placeWaiting()}.
     */
    public Departure leave(Node node) {
        int hop = node.hopCount();
        waiting.remove(node);
        List<Node> orphans = tree.remove(node);
        if (orphans.isEmpty()) {
            return new Departure(node, List.of(), List.of());
        }
        List<? extends TreeNode> order = topology.reparentOrder(
                new ReparentRequest(node.id(), hop, List.copyOf(orphans), tree));
        List<Node> ordered = checkOrder(order, orphans);
        List<Decision> moved = new ArrayList<>(ordered.size());
        List<Node> stuck = new ArrayList<>();
        for (Node orphan : ordered) {
            Decision decision = placeAndAttach(orphan, PlacementReason.REPARENT, Set.of());
            if (decision.placed()) {
                moved.add(decision);
            } else {
                waiting.add(orphan);
                stuck.add(orphan);
            }
        }
        return new Departure(node, moved, stuck);
    }

    /**
     * Lifts the demotion of every demoted node without a failure report for {@code quiet} (see
     * {@link ChannelTree#forgiveIfQuiet}); returns how many got their slots back (then {@link #placeWaiting()} may
     * place orphans that waited).
     */
    public int forgiveQuietParents(java.time.Duration quiet) {
        int lifted = 0;
        for (java.util.Iterator<Node> it = demoted.iterator(); it.hasNext();) {
            Node node = it.next();
            if (node.removed()) {
                it.remove();
            } else if (tree.forgiveIfQuiet(node, quiet)) {
                it.remove();
                lifted++;
            }
        }
        return lifted;
    }

    /** Retries orphans that found no parent before (after capacity appeared). */
    public List<Decision> placeWaiting() {
        List<Decision> placed = new ArrayList<>();
        for (Node orphan : List.copyOf(waiting)) {
            Decision decision = placeAndAttach(orphan, PlacementReason.REPARENT, Set.of());
            if (decision.placed()) {
                waiting.remove(orphan);
                placed.add(decision);
            }
        }
        return placed;
    }

    public boolean isWaiting(Node node) {
        return waiting.contains(node);
    }

    /** Nodes that lost their parent and wait for capacity. */
    public int waitingCount() {
        return waiting.size();
    }

    /**
     * {@code reporter} says {@code failedParent} failed: the report is counted against the parent, the plugin
     * judges the parent, and the reporter moves to a different parent. If no other parent is eligible the
     * reporter stays where it is and the decision is unplaced.
     */
    public FailureOutcome reportFailure(Node reporter, Node failedParent, String reason) {
        tree.countFailureReport(failedParent);
        FailureVerdict verdict = topology.onFailureReport(new FailureReport(reporter, failedParent, reason, tree));
        if (verdict == FailureVerdict.DEMOTE_PARENT && !failedParent.isOrigin()) {
            tree.setDemoted(failedParent, true);
            demoted.add(failedParent);
        }
        Node oldParent = reporter.parent();
        tree.detach(reporter);
        Decision decision = placeAndAttach(reporter, PlacementReason.FAILURE_REPORT, Set.of(failedParent.id()));
        if (!decision.placed() && oldParent != null && !oldParent.removed()) {
            // Stay where it was, also when that parent is itself an orphan waiting for a place (it then moves
            // with its parent's subtree; attach would refuse a detached parent and lose the reporter).
            tree.restore(reporter, oldParent);
        }
        return new FailureOutcome(decision, verdict);
    }

    private Decision placeAndAttach(Node node, PlacementReason reason, Set<String> excluded) {
        int height = PlacementRequest.heightBelow(node);
        PlacementRequest request = new PlacementRequest(node, tree, reason, excluded, maxBackups, height);
        Placement placement = topology.place(request);
        if (placement == null || !placement.placed()) {
            return new Decision(node, null, List.of());
        }
        Node parent = check(placement.parent(), node, request, "parent");
        if (!request.withinHopLimit(parent)) {
            // The plugin ignored PlacementRequest.eligible's hop check: refuse the decision like "no parent"
            // (a join is refused, an orphan waits) rather than fail the whole departure, and count it.
            hopLimitRefusals++;
            LOG.warn("topology plugin '{}' chose parent {} at hop {} for {} (subtree height {}) in channel {}: "
                    + "beyond the hop limit of {}; refused", algorithmId, parent.id(), parent.hopCount(), node.id(),
                    height, tree.channel(), PlacementRequest.MAX_HOP);
            return new Decision(node, null, List.of());
        }
        List<Node> backups = new ArrayList<>(placement.backups().size());
        Set<Node> seen = new HashSet<>();
        seen.add(parent);
        for (TreeNode backup : placement.backups()) {
            if (backups.size() == maxBackups) {
                break;
            }
            Node b = tree.get(backup.id());
            if (b == backup && b.hopCount() >= 0 && seen.add(b) && !excluded.contains(b.id())
                    && request.withinHopLimit(b) && !b.hasAncestor(node) && b != node) {
                backups.add(b);
            }
        }
        tree.attach(node, parent, height);
        return new Decision(node, parent, List.copyOf(backups));
    }

    private Node check(TreeNode chosen, Node node, PlacementRequest request, String role) {
        Node n = tree.get(chosen.id());
        // the hop limit is checked by the caller, which refuses rather than fails
        if (n != chosen || !eligibleIgnoringHopLimit(request, n) || n.hasAncestor(node)) {
            throw new IllegalStateException("topology plugin '" + algorithmId + "' chose " + role + " " + chosen.id()
                    + " for " + node.id() + " in channel " + tree.channel()
                    + ", which cannot take it (not in the tree, full, excluded, unreachable or its descendant)");
        }
        return n;
    }

    private static boolean eligibleIgnoringHopLimit(PlacementRequest request, Node n) {
        return request.withinHopLimit(n) ? request.eligible(n)
                : n.acceptsChildren() && n.spareSlots() > 0 && n != request.node()
                        && !request.excluded().contains(n.id()) && n.hopCount() >= 0;
    }

    /**
     * Plugin decisions refused because the parent was too deep for the node and the subtree it carries
     * ({@link PlacementRequest#MAX_HOP}); 0 for a plugin that keeps to {@link PlacementRequest#eligible}.
     */
    public long hopLimitRefusals() {
        return hopLimitRefusals;
    }

    private List<Node> checkOrder(List<? extends TreeNode> order, List<Node> orphans) {
        if (order == null || order.size() != orphans.size() || !new HashSet<TreeNode>(order).equals(
                new HashSet<TreeNode>(orphans))) {
            throw new IllegalStateException("topology plugin '" + algorithmId + "' returned a re-parenting order "
                    + "that is not a permutation of the orphans in channel " + tree.channel());
        }
        List<Node> nodes = new ArrayList<>(order.size());
        for (TreeNode n : order) {
            nodes.add((Node) n);
        }
        return nodes;
    }
}
