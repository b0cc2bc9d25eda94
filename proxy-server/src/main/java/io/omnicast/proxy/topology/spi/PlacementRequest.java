package io.omnicast.proxy.topology.spi;

import java.util.Set;

/**
 * Asks a plugin where to put {@link #node()}.
 *
 * @param node the node to place; detached (no parent) while it is placed
 * @param tree the channel's tree, read-only
 * @param reason why it is placed
 * @param excluded ids that must not become its parent or backup (e.g. the parent it just reported as failed)
 * @param maxBackups how many backup parents the proxy wants (0 to 2)
 */
public record PlacementRequest(TreeNode node, TreeView tree, PlacementReason reason, Set<String> excluded,
        int maxBackups) {
    public PlacementRequest {
        excluded = Set.copyOf(excluded);
    }

    /**
     * True when {@code candidate} may take {@link #node()} as a child now: it accepts children, has a spare
     * slot, is not excluded and is not the node itself. (The node's own subtree is never indexed while it is
     * placed, so a plugin that takes candidates from {@link TreeView} cannot create a cycle.)
     */
    public boolean eligible(TreeNode candidate) {
        return candidate.acceptsChildren() && candidate.spareSlots() > 0 && candidate != node
                && !excluded.contains(candidate.id()) && candidate.hopCount() >= 0;
    }
}
