package io.omnicast.proxy.topology.spi;

import java.util.List;

/**
 * A relay left; its direct children must move. Their own subtrees move with them.
 *
 * @param departed id of the node that left
 * @param departedHopCount its hop count before it left
 * @param orphans its direct children, detached, in their old order
 * @param tree the channel's tree, read-only
 */
public record ReparentRequest(String departed, int departedHopCount, List<TreeNode> orphans, TreeView tree) {
    public ReparentRequest {
        orphans = List.copyOf(orphans);
    }
}
