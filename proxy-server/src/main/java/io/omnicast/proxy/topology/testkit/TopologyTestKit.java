package io.omnicast.proxy.topology.testkit;

import io.omnicast.proxy.topology.ChannelTree;
import io.omnicast.proxy.topology.ChannelTree.Node;
import io.omnicast.proxy.topology.TopologyEngine;
import io.omnicast.proxy.topology.TopologyEngine.Decision;
import io.omnicast.proxy.topology.spi.ChannelSetup;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import io.omnicast.proxy.topology.spi.TreeNode;
import io.omnicast.proxy.topology.spi.TreeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives one {@link TopologyAlgorithm} on a scripted channel, exactly as the proxy does (same tree, same
 * indexes, same checks of every decision), with a manual clock and no network. Not thread-safe.
 *
 * <pre>{@code
 * TopologyTestKit kit = TopologyTestKit.of(new MyAlgorithm());
 * kit.origin("origin", 2);
 * kit.join("a", 1);                      // reachable, capacity 1
 * kit.join("b", 1);
 * assertEquals("origin", kit.parentOf("b"));
 * List<Moved> moved = kit.leave("a");    // a's children are re-parented
 * kit.assertConsistent();
 * }</pre>
 */
public final class TopologyTestKit {
    private final AtomicLong clockNanos = new AtomicLong();
    private final ChannelTree tree;
    private final TopologyEngine engine;

    /** Where a node went: its parent (null if none was available) and backup parents. */
    public record Placed(String node, String parent, int hopCount, List<String> backups) {
        public boolean placed() {
            return parent != null;
        }
    }

    /** An orphan moved by a departure. */
    public record Moved(String node, String newParent, int hopCount) {
    }

    private TopologyTestKit(TopologyAlgorithm algorithm, String channel, long seed, int maxBackups) {
        tree = new ChannelTree(channel, clockNanos::get);
        engine = new TopologyEngine(tree, algorithm.forChannel(new ChannelSetup(channel, seed)), algorithm.id(),
                maxBackups);
    }

    /** A kit for channel {@code test}, seed 1, two backups. */
    public static TopologyTestKit of(TopologyAlgorithm algorithm) {
        return of(algorithm, "test", 1, 2);
    }

    public static TopologyTestKit of(TopologyAlgorithm algorithm, String channel, long seed, int maxBackups) {
        return new TopologyTestKit(algorithm, channel, seed, maxBackups);
    }

    /** Adds an origin (hop 0) with room for {@code maxChildren} hop-1 nodes. */
    public TopologyTestKit origin(String id, int maxChildren) {
        tree.addOrigin(id, maxChildren, 0);
        return this;
    }

    /** A reachable node with capacity {@code maxChildren} joins. */
    public Placed join(String id, int maxChildren) {
        return join(id, maxChildren, true, 0);
    }

    /**
     * A node joins. An unreachable node (its relay endpoint failed the connect-back probe) is placed as a leaf
     * and never gets children.
     */
    public Placed join(String id, int maxChildren, boolean reachable, long uplinkKbps) {
        Node node = tree.addDetached(id, maxChildren, uplinkKbps);
        tree.setReachable(node, reachable, -1);
        Decision decision = engine.join(node);
        if (!decision.placed()) {
            tree.remove(node);
        }
        return placed(decision);
    }

    /** {@code id} leaves; its direct children are re-parented. Returns the moves, in the order they were made. */
    public List<Moved> leave(String id) {
        TopologyEngine.Departure departure = engine.leave(require(id));
        List<Moved> moved = new ArrayList<>();
        for (Decision d : departure.moved()) {
            moved.add(new Moved(d.node().id(), d.parent().id(), d.node().hopCount()));
        }
        return moved;
    }

    /** Ids of orphans still waiting for a parent. */
    public int waiting() {
        return engine.waitingCount();
    }

    /** Places the orphans that wait for a parent where capacity has appeared; returns the moves. */
    public List<Moved> placeWaiting() {
        List<Moved> moved = new ArrayList<>();
        for (Decision d : engine.placeWaiting()) {
            moved.add(new Moved(d.node().id(), d.parent().id(), d.node().hopCount()));
        }
        return moved;
    }

    /** {@code reporter} reports its parent {@code failedParent} as failed; returns where the reporter went. */
    public Placed reportFailure(String reporter, String failedParent, String reason) {
        return placed(engine.reportFailure(require(reporter), require(failedParent), reason).decision());
    }

    /**
     * As the proxy does every few seconds: lifts the demotion of relays without a failure report for {@code quiet}
     * (measured on the kit's clock, see {@link #advance}); returns how many were lifted.
     */
    public int forgiveQuietParents(Duration quiet) {
        return engine.forgiveQuietParents(quiet);
    }

    /** True when {@code id} has been demoted (gets no new children). */
    public boolean demoted(String id) {
        return require(id).demoted();
    }

    public TopologyTestKit setCapacity(String id, int maxChildren) {
        Node node = require(id);
        tree.setCapacity(node, maxChildren, node.uplinkKbps());
        return this;
    }

    public TopologyTestKit setRtt(String id, Duration rtt) {
        Node node = require(id);
        tree.setReachable(node, node.reachable(), rtt.toNanos());
        return this;
    }

    /** Moves the kit's clock (node ages) forward. */
    public TopologyTestKit advance(Duration duration) {
        clockNanos.addAndGet(duration.toNanos());
        return this;
    }

    public TreeView tree() {
        return tree;
    }

    public String parentOf(String id) {
        Node parent = require(id).parent();
        return parent == null ? null : parent.id();
    }

    public int hopCount(String id) {
        return require(id).hopCount();
    }

    public List<String> childrenOf(String id) {
        return require(id).children().stream().map(TreeNode::id).toList();
    }

    public int size() {
        return tree.size();
    }

    /**
     * Checks the tree's invariants: every placed node's hop is its parent's plus one, nobody has more children
     * than its capacity allows (capacity may shrink below the child count, never by a placement), parent and
     * child links agree, and there are no cycles.
     */
    public void assertConsistent() {
        Set<String> seen = new HashSet<>();
        for (Node node : tree.nodes()) {
            if (!seen.add(node.id())) {
                throw new AssertionError("duplicate node " + node.id());
            }
            Node parent = node.parent();
            if (node.isOrigin()) {
                if (node.hopCount() != 0 || parent != null) {
                    throw new AssertionError("origin " + node.id() + " must be at hop 0 without a parent");
                }
            } else if (parent != null) {
                int expected = parent.hopCount() < 0 ? -1 : parent.hopCount() + 1;
                if (node.hopCount() != expected) {
                    throw new AssertionError(node.id() + " at hop " + node.hopCount() + " under " + parent.id()
                            + " at hop " + parent.hopCount());
                }
                if (!parent.children().contains(node)) {
                    throw new AssertionError(parent.id() + " does not list its child " + node.id());
                }
                if (node.hasAncestor(node)) {
                    throw new AssertionError("cycle through " + node.id());
                }
            } else if (!engine.isWaiting(node)) {
                throw new AssertionError(node.id() + " has no parent and is not waiting");
            }
            for (Node child : node.children()) {
                if (child.parent() != node) {
                    throw new AssertionError(child.id() + " listed under " + node.id() + " but its parent is "
                            + child.parent());
                }
            }
        }
    }

    private Node require(String id) {
        Node node = tree.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " in the test channel");
        }
        return node;
    }

    private static Placed placed(Decision decision) {
        return new Placed(decision.node().id(), decision.placed() ? decision.parent().id() : null,
                decision.node().hopCount(), decision.backups().stream().map(TreeNode::id).toList());
    }
}
