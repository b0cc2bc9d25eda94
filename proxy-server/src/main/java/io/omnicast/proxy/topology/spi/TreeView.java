package io.omnicast.proxy.topology.spi;

import java.util.List;
import java.util.Optional;

/**
 * A read-only view of one channel's tree with the indexes a fast plugin needs. Nodes that can take a child
 * (reachable, not demoted, spare slots) are indexed by hop count and spare slots, so a search by hop count
 * never scans the whole tree.
 */
public interface TreeView {
    String channel();

    /** Nodes in the tree, origins included (detached nodes being placed included too). */
    int size();

    Optional<TreeNode> node(String id);

    /** The origins (hop 0), in the order they joined. */
    List<? extends TreeNode> origins();

    /** The largest hop count that has at least one candidate, or -1 when there is no candidate at all. */
    int maxCandidateHop();

    /**
     * The candidates at {@code hopCount} (nodes that accept children and have a spare slot), most spare slots
     * first, and among equals the longest-waiting first. Iterating allocates nothing per node.
     */
    Iterable<TreeNode> candidatesAtHop(int hopCount);

    /** Number of candidates at {@code hopCount}. */
    int candidateCountAtHop(int hopCount);

    /** Number of candidates in the whole tree. */
    int candidateCount();

    /** The candidate at {@code index} (0 <= index < candidateCount()) in an unspecified order, for sampling. */
    TreeNode candidate(int index);
}
