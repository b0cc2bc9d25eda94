package io.omnicast.proxy.topology.spi;

import java.util.ArrayDeque;
import java.util.Set;

/**
 * Asks a plugin where to put {@link #node()}.
 *
 * @param node the node to place; detached (no parent) while it is placed
 * @param tree the channel's tree, read-only
 * @param reason why it is placed
 * @param excluded ids that must not become its parent or backup (e.g. the parent it just reported as failed)
 * @param maxBackups how many backup parents the proxy wants (0 to 2)
 * @param subtreeHeight levels below {@code node} that move with it (0 for a leaf; an orphan carries its subtree)
 */
public record PlacementRequest(TreeNode node, TreeView tree, PlacementReason reason, Set<String> excluded,
        int maxBackups, int subtreeHeight) {
    /** The schema's bound on hop counts (USCP {@code HopCount}); no node may be placed deeper. */
    public static final int MAX_HOP = 255;

    public PlacementRequest {
        excluded = Set.copyOf(excluded);
        if (subtreeHeight < 0 || subtreeHeight > MAX_HOP) {
            throw new IllegalArgumentException("subtreeHeight must be between 0 and " + MAX_HOP + " (was "
                    + subtreeHeight + ")");
        }
    }

    /** A request whose subtree height is measured from {@code node}'s children. */
    public PlacementRequest(TreeNode node, TreeView tree, PlacementReason reason, Set<String> excluded,
            int maxBackups) {
        this(node, tree, reason, excluded, maxBackups, heightBelow(node));
    }

    /**
     * True when {@code candidate} may take {@link #node()} as a child now: it accepts children, has a spare
     * slot, is not excluded, is not the node itself, and is shallow enough that neither the node nor the deepest
     * node of the subtree it carries ends up beyond hop {@value #MAX_HOP}. (The node's own subtree is never
     * indexed while it is placed, so a plugin that takes candidates from {@link TreeView} cannot create a cycle.)
     */
    public boolean eligible(TreeNode candidate) {
        return candidate.acceptsChildren() && candidate.spareSlots() > 0 && candidate != node
                && !excluded.contains(candidate.id()) && candidate.hopCount() >= 0 && withinHopLimit(candidate);
    }

    /** True when {@code parent} is shallow enough to carry {@link #node()} and its subtree within the hop limit. */
    public boolean withinHopLimit(TreeNode parent) {
        return parent.hopCount() + 1 + subtreeHeight <= MAX_HOP;
    }

    /** Levels below {@code top} (0 for a leaf); iterative, so deep subtrees cannot overflow the stack. */
    public static int heightBelow(TreeNode top) {
        if (top.children().isEmpty()) {
            return 0;
        }
        int height = 0;
        ArrayDeque<TreeNode> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        nodes.push(top);
        depths.push(0);
        while (!nodes.isEmpty()) {
            TreeNode n = nodes.pop();
            int depth = depths.pop();
            height = Math.max(height, depth);
            for (TreeNode child : n.children()) {
                nodes.push(child);
                depths.push(depth + 1);
            }
        }
        return height;
    }
}
