package io.omnicast.proxy.topology;

import io.omnicast.proxy.topology.spi.PlacementRequest;
import io.omnicast.proxy.topology.spi.TreeNode;
import io.omnicast.proxy.topology.spi.TreeView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One channel's distribution tree (a forest rooted at the channel's origins) with the indexes placement needs.
 *
 * <p>Nodes that may take a child are indexed by hop count and spare slots: per hop level, one insertion-ordered
 * bucket per spare-slot count plus a {@link BitSet} of the non-empty buckets, so "most spare slots at the
 * lowest hop" is two bit searches away and a placement never scans the tree. A flat array of all candidates
 * serves random sampling. Every mutation re-indexes only the nodes it touched.
 *
 * <p>Not thread-safe: one per channel, used only by the channel's owning thread.
 */
public final class ChannelTree implements TreeView {
    /** The schema's bound on maxChildren; the spare-slot buckets are sized by it. */
    public static final int MAX_CHILDREN = 1024;
    /** The schema's bound on hop counts. */
    public static final int MAX_HOP = PlacementRequest.MAX_HOP;

    private final String channel;
    private final LongSupplier nanoClock;
    private final Map<String, Node> byId = new HashMap<>();
    private final List<Node> origins = new ArrayList<>();
    private final ArrayList<Level> levels = new ArrayList<>();
    private final ArrayList<Node> candidates = new ArrayList<>();

    public ChannelTree(String channel, LongSupplier nanoClock) {
        this.channel = channel;
        this.nanoClock = nanoClock;
    }

    public ChannelTree(String channel) {
        this(channel, System::nanoTime);
    }

    long nowNanos() {
        return nanoClock.getAsLong();
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public int size() {
        return byId.size();
    }

    @Override
    public Optional<TreeNode> node(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The node with {@code id}, or null. */
    public Node get(String id) {
        return byId.get(id);
    }

    /** Every node, in no particular order (for snapshots). */
    public Iterable<Node> nodes() {
        return Collections.unmodifiableCollection(byId.values());
    }

    @Override
    public List<Node> origins() {
        return Collections.unmodifiableList(origins);
    }

    // ------------------------------------------------------------------------------------------ mutations

    /** Adds an origin at hop 0. */
    public Node addOrigin(String id, int maxChildren, long uplinkKbps) {
        Node node = newNode(id, maxChildren, uplinkKbps);
        node.origin = true;
        node.reachable = true;
        node.hop = 0;
        origins.add(node);
        reindex(node);
        return node;
    }

    /** Adds a detached node (not yet placed; not a candidate) that {@link #attach} will place. */
    public Node addDetached(String id, int maxChildren, long uplinkKbps) {
        return newNode(id, maxChildren, uplinkKbps);
    }

    private Node newNode(String id, int maxChildren, long uplinkKbps) {
        checkCapacity(maxChildren);
        if (byId.containsKey(id)) {
            throw new IllegalArgumentException("node " + id + " is already in channel " + channel);
        }
        Node node = new Node(this, id, maxChildren, uplinkKbps, nowNanos());
        byId.put(id, node);
        return node;
    }

    private static void checkCapacity(int maxChildren) {
        if (maxChildren < 0 || maxChildren > MAX_CHILDREN) {
            throw new IllegalArgumentException("maxChildren must be between 0 and " + MAX_CHILDREN + " (was "
                    + maxChildren + ")");
        }
    }

    /**
     * Attaches a detached node (and its subtree) under {@code parent}; hop counts below it are recomputed. All or
     * nothing: every check, the hop limit for the deepest node of the subtree included, runs before anything
     * changes, so a refused attach leaves the tree as it was.
     */
    public void attach(Node node, Node parent) {
        attach(node, parent, PlacementRequest.heightBelow(node));
    }

    /** {@link #attach(Node, Node)} with the subtree's height already measured (levels below {@code node}). */
    void attach(Node node, Node parent, int subtreeHeight) {
        if (node.parent != null || node.origin || node.removed) {
            throw new IllegalStateException("node " + node.id + " is not detached in channel " + channel);
        }
        if (parent.hop < 0 || parent.removed) {
            throw new IllegalStateException("parent " + parent.id + " of " + node.id + " is detached in channel "
                    + channel);
        }
        if (parent == node || parent.hasAncestor(node)) {
            throw new IllegalStateException("parent " + parent.id + " is in the subtree of " + node.id
                    + " in channel " + channel);
        }
        if (parent.hop + 1 + subtreeHeight > MAX_HOP) {
            throw new IllegalStateException("attaching " + node.id + " (subtree height " + subtreeHeight
                    + ") under " + parent.id + " at hop " + parent.hop + " would exceed the hop limit of " + MAX_HOP
                    + " in channel " + channel);
        }
        node.parent = parent;
        parent.addChild(node);
        reindex(parent);
        setSubtreeHop(node, parent.hop + 1);
    }

    /**
     * Puts a detached {@code node} back under its former {@code parent} whatever the parent's state: under an
     * attached parent this is {@link #attach(Node, Node)}; under a parent that is itself detached (an orphan waiting
     * for a new place) the node rejoins that parent's detached subtree and moves with it when it is placed.
     */
    public void restore(Node node, Node parent) {
        if (parent.hop >= 0) {
            attach(node, parent);
            return;
        }
        if (node.parent != null || node.origin || node.removed || parent.removed || parent == node
                || parent.hasAncestor(node)) {
            throw new IllegalStateException("cannot restore " + node.id + " under " + parent.id + " in channel "
                    + channel);
        }
        node.parent = parent;
        parent.addChild(node);
        reindex(parent);
        setSubtreeHop(node, -1);
    }

    /**
     * Detaches {@code node} from its parent; it and its subtree leave the candidate indexes until it is attached
     * again.
     */
    public void detach(Node node) {
        if (node.origin) {
            throw new IllegalArgumentException("origin " + node.id + " cannot be detached");
        }
        Node parent = node.parent;
        if (parent != null) {
            parent.removeChild(node);
            node.parent = null;
            reindex(parent);
        }
        setSubtreeHop(node, -1);
    }

    /**
     * Removes {@code node} from the tree. Its direct children are returned detached (each keeps its own
     * subtree) for re-parenting.
     */
    public List<Node> remove(Node node) {
        List<Node> orphans = node.children == null ? List.of() : new ArrayList<>(node.children);
        for (Node orphan : orphans) {
            orphan.parent = null;
            setSubtreeHop(orphan, -1);
        }
        node.children = null;
        if (node.origin) {
            origins.remove(node);
        } else if (node.parent != null) {
            node.parent.removeChild(node);
            reindex(node.parent);
            node.parent = null;
        }
        node.hop = -1;
        unindex(node);
        byId.remove(node.id);
        node.removed = true;
        return orphans;
    }

    public void setCapacity(Node node, int maxChildren, long uplinkKbps) {
        checkCapacity(maxChildren);
        node.maxChildren = maxChildren;
        node.uplinkKbps = uplinkKbps;
        reindex(node);
    }

    public void setReachable(Node node, boolean reachable, long rttNanos) {
        node.reachable = reachable;
        if (rttNanos >= 0) {
            node.rttNanos = rttNanos;
        }
        reindex(node);
    }

    public void setDemoted(Node node, boolean demoted) {
        node.demoted = demoted;
        reindex(node);
    }

    public void countFailureReport(Node node) {
        node.failureReports++;
        node.lastFailureReportNanos = nanoClock.getAsLong();
    }

    /**
     * Lifts {@code node}'s demotion and forgets its failure reports when the last report is at least {@code quiet}
     * old: a relay that a loaded child blamed a few times gets children again once nobody complains for a while.
     * True when it was lifted.
     */
    public boolean forgiveIfQuiet(Node node, java.time.Duration quiet) {
        if (!node.demoted || node.removed || nanoClock.getAsLong() - node.lastFailureReportNanos < quiet.toNanos()) {
            return false;
        }
        node.failureReports = 0;
        setDemoted(node, false);
        return true;
    }

    private void setSubtreeHop(Node top, int hop) {
        ArrayDeque<Node> work = new ArrayDeque<>();
        top.hop = hop;
        work.add(top);
        while (!work.isEmpty()) {
            Node n = work.poll();
            reindex(n);
            if (n.children != null) {
                for (Node child : n.children) {
                    // attach checked the subtree's height against MAX_HOP before anything changed
                    child.hop = n.hop < 0 ? -1 : n.hop + 1;
                    work.add(child);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ indexes

    /** Puts {@code node} in the right bucket (or none) after anything that changes hop, spare or eligibility. */
    private void reindex(Node node) {
        boolean candidate = !node.removed && node.hop >= 0 && node.acceptsChildren() && node.spareSlots() > 0;
        int hop = candidate ? node.hop : -1;
        int spare = candidate ? node.spareSlots() : 0;
        if (hop == node.indexedHop && spare == node.indexedSpare) {
            return;
        }
        unindex(node);
        if (candidate) {
            while (levels.size() <= hop) {
                levels.add(new Level());
            }
            levels.get(hop).add(node, spare);
            node.indexedHop = hop;
            node.indexedSpare = spare;
            node.candidatePos = candidates.size();
            candidates.add(node);
        }
    }

    private void unindex(Node node) {
        if (node.indexedHop >= 0) {
            levels.get(node.indexedHop).remove(node, node.indexedSpare);
            int pos = node.candidatePos;
            Node last = candidates.remove(candidates.size() - 1);
            if (last != node) {
                candidates.set(pos, last);
                last.candidatePos = pos;
            }
            node.candidatePos = -1;
            node.indexedHop = -1;
            node.indexedSpare = 0;
        }
    }

    @Override
    public int maxCandidateHop() {
        for (int hop = levels.size() - 1; hop >= 0; hop--) {
            if (levels.get(hop).count > 0) {
                return hop;
            }
        }
        return -1;
    }

    @Override
    public Iterable<TreeNode> candidatesAtHop(int hopCount) {
        if (hopCount < 0 || hopCount >= levels.size()) {
            return List.of();
        }
        Level level = levels.get(hopCount);
        return level::iterator;
    }

    @Override
    public int candidateCountAtHop(int hopCount) {
        return hopCount < 0 || hopCount >= levels.size() ? 0 : levels.get(hopCount).count;
    }

    @Override
    public int candidateCount() {
        return candidates.size();
    }

    @Override
    public TreeNode candidate(int index) {
        return candidates.get(index);
    }

    /** Candidates of one hop level, bucketed by spare slots. */
    private static final class Level {
        @SuppressWarnings("unchecked")
        final LinkedHashSet<Node>[] bySpare = new LinkedHashSet[MAX_CHILDREN + 1];
        final BitSet nonEmpty = new BitSet(MAX_CHILDREN + 1);
        int count;

        void add(Node node, int spare) {
            LinkedHashSet<Node> bucket = bySpare[spare];
            if (bucket == null) {
                bucket = new LinkedHashSet<>();
                bySpare[spare] = bucket;
            }
            bucket.add(node);
            nonEmpty.set(spare);
            count++;
        }

        void remove(Node node, int spare) {
            LinkedHashSet<Node> bucket = bySpare[spare];
            bucket.remove(node);
            if (bucket.isEmpty()) {
                nonEmpty.clear(spare);
            }
            count--;
        }

        Iterator<TreeNode> iterator() {
            return new Iterator<>() {
                int spare = nonEmpty.previousSetBit(MAX_CHILDREN);
                Iterator<Node> inBucket = spare > 0 ? bySpare[spare].iterator() : null;

                @Override
                public boolean hasNext() {
                    while (inBucket != null && !inBucket.hasNext()) {
                        spare = spare - 1 < 0 ? -1 : nonEmpty.previousSetBit(spare - 1);
                        inBucket = spare > 0 ? bySpare[spare].iterator() : null;
                    }
                    return inBucket != null;
                }

                @Override
                public TreeNode next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return inBucket.next();
                }
            };
        }
    }

    // ------------------------------------------------------------------------------------------ node

    /**
     * One node of the tree. Mutable only through {@link ChannelTree}; plugins see it as a {@link TreeNode}.
     * Roughly 150 bytes plus its children list, so a 100,000-node tree stays well under 1 KiB per node.
     */
    public static final class Node implements TreeNode {
        private final ChannelTree tree;
        private final String id;
        private final long joinedAtNanos;
        private boolean origin;
        private Node parent;
        private ArrayList<Node> children;
        private int maxChildren;
        private long uplinkKbps;
        private int hop = -1;
        private long rttNanos = -1;
        private boolean reachable;
        private boolean demoted;
        private long lastFailureReportNanos;
        private boolean removed;
        private int failureReports;
        // index bookkeeping, owned by ChannelTree
        private int indexedHop = -1;
        private int indexedSpare;
        private int candidatePos = -1;
        /** The proxy's attachment (its session), opaque to plugins. */
        private Object attachment;

        Node(ChannelTree tree, String id, int maxChildren, long uplinkKbps, long joinedAtNanos) {
            this.tree = tree;
            this.id = id;
            this.maxChildren = maxChildren;
            this.uplinkKbps = uplinkKbps;
            this.joinedAtNanos = joinedAtNanos;
        }

        private void addChild(Node child) {
            if (children == null) {
                children = new ArrayList<>(Math.min(Math.max(maxChildren, 1), 8));
            }
            children.add(child);
        }

        private void removeChild(Node child) {
            if (children != null) {
                children.remove(child);
            }
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public boolean isOrigin() {
            return origin;
        }

        @Override
        public int hopCount() {
            return hop;
        }

        @Override
        public Node parent() {
            return parent;
        }

        @Override
        public List<Node> children() {
            return children == null ? List.of() : Collections.unmodifiableList(children);
        }

        public int childCount() {
            return children == null ? 0 : children.size();
        }

        @Override
        public int maxChildren() {
            return maxChildren;
        }

        @Override
        public int spareSlots() {
            return Math.max(0, maxChildren - childCount());
        }

        @Override
        public long uplinkKbps() {
            return uplinkKbps;
        }

        @Override
        public java.time.Duration age() {
            return java.time.Duration.ofNanos(Math.max(0, tree.nowNanos() - joinedAtNanos));
        }

        @Override
        public Optional<java.time.Duration> measuredRtt() {
            return rttNanos < 0 ? Optional.empty() : Optional.of(java.time.Duration.ofNanos(rttNanos));
        }

        @Override
        public boolean reachable() {
            return reachable;
        }

        @Override
        public boolean acceptsChildren() {
            return reachable && !demoted && maxChildren > 0;
        }

        public boolean demoted() {
            return demoted;
        }

        /** True once the node left the tree. */
        public boolean removed() {
            return removed;
        }

        @Override
        public int failureReports() {
            return failureReports;
        }

        public Object attachment() {
            return attachment;
        }

        public void attachment(Object attachment) {
            this.attachment = attachment;
        }

        /** True when {@code ancestor} is on the path from this node up to its root. */
        public boolean hasAncestor(Node ancestor) {
            for (Node n = parent; n != null; n = n.parent) {
                if (n == ancestor) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return id + "@hop" + hop;
        }
    }
}
