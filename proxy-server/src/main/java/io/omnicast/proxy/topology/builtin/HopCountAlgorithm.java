package io.omnicast.proxy.topology.builtin;

import io.omnicast.proxy.topology.spi.ChannelSetup;
import io.omnicast.proxy.topology.spi.ChannelTopology;
import io.omnicast.proxy.topology.spi.Placement;
import io.omnicast.proxy.topology.spi.PlacementRequest;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import io.omnicast.proxy.topology.spi.TreeNode;
import io.omnicast.proxy.topology.spi.TreeView;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's hop-count-based sequential search (OmniCast264, Fig. 2): look at candidates in increasing hop
 * count and take the first with a spare slot; among nodes at the same hop count, the one with most spare slots.
 * The next candidates in the same order become the backup parents.
 *
 * <p>The tree's per-hop, per-spare-slot index makes each placement a walk over a few buckets, independent of
 * the tree's size.
 */
public final class HopCountAlgorithm implements TopologyAlgorithm {
    public static final String ID = "hop-count";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String version() {
        return "1.0";
    }

    @Override
    public String description() {
        return "lowest hop count first, ties by most spare slots (the paper's sequential search)";
    }

    @Override
    public ChannelTopology forChannel(ChannelSetup setup) {
        return HopCountAlgorithm::placeByHopCount;
    }

    /** The search itself, shared with other plugins that want it as a fallback. */
    public static Placement placeByHopCount(PlacementRequest request) {
        TreeView tree = request.tree();
        TreeNode parent = null;
        List<TreeNode> backups = null;
        int maxHop = tree.maxCandidateHop();
        for (int hop = 0; hop <= maxHop; hop++) {
            for (TreeNode candidate : tree.candidatesAtHop(hop)) {
                if (!request.eligible(candidate)) {
                    continue;
                }
                if (parent == null) {
                    parent = candidate;
                    if (request.maxBackups() == 0) {
                        return Placement.of(parent, List.of());
                    }
                    backups = new ArrayList<>(request.maxBackups());
                } else {
                    backups.add(candidate);
                    if (backups.size() == request.maxBackups()) {
                        return Placement.of(parent, backups);
                    }
                }
            }
        }
        return parent == null ? Placement.none() : Placement.of(parent, backups);
    }
}
