package io.omnicast.proxy.topology.spi;

import java.util.List;

/**
 * The decisions of one plugin for one channel. Only {@link #place} is required: re-parenting and failure
 * reports fall back to it. Every method runs on the channel's owning thread; the tree does not change during a
 * call, and a returned placement is applied before the next call, so consecutive placements see each other.
 */
public interface ChannelTopology {
    /**
     * Chooses a parent (and up to {@link PlacementRequest#maxBackups()} backup parents) for a node that joins,
     * lost its parent, or reported its parent as failed. The node and its own subtree are not in the candidate
     * indexes while it is being placed. Return {@link Placement#none()} when no candidate is eligible.
     */
    Placement place(PlacementRequest request);

    /**
     * The order in which the orphans of a departed relay are placed (one {@link #place} call each). The default
     * keeps the departed node's child order.
     */
    default List<TreeNode> reparentOrder(ReparentRequest request) {
        return request.orphans();
    }

    /**
     * A child reported its parent as failed. The child is always moved to another parent (with {@link #place},
     * reason {@link PlacementReason#FAILURE_REPORT}); the verdict says what else happens to the reported parent.
     * The default demotes a parent (no new children) once three reports have been counted against it.
     */
    default FailureVerdict onFailureReport(FailureReport report) {
        return report.failedParent().failureReports() >= 3 ? FailureVerdict.DEMOTE_PARENT : FailureVerdict.KEEP_PARENT;
    }
}
