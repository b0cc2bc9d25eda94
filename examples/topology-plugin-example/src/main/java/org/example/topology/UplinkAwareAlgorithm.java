package org.example.topology;

import io.omnicast.proxy.topology.spi.ChannelSetup;
import io.omnicast.proxy.topology.spi.ChannelTopology;
import io.omnicast.proxy.topology.spi.Placement;
import io.omnicast.proxy.topology.spi.PlacementRequest;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import io.omnicast.proxy.topology.spi.TreeNode;
import io.omnicast.proxy.topology.spi.TreeView;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Example plugin: shallowest level first (as the paper's hop-count search), and within that level the candidate
 * with the most uplink per child it would then serve. A parent's uplink is shared by its children, so the one
 * with most uplink left per child gives the new child the most headroom.
 *
 * <p>Looks at no more than {@value #SCAN} candidates of a level, which keeps a placement cheap on big trees.
 */
public final class UplinkAwareAlgorithm implements TopologyAlgorithm {
    static final int SCAN = 32;

    @Override
    public String id() {
        return "uplink-aware";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public String description() {
        return "shallowest level first, then the most uplink per child (example plugin)";
    }

    @Override
    public ChannelTopology forChannel(ChannelSetup setup) {
        // Stateless: one shared function serves every channel. A stateful plugin would create its state here.
        return UplinkAwareAlgorithm::place;
    }

    static double uplinkPerChild(TreeNode node) {
        return (double) node.uplinkKbps() / (node.children().size() + 1);
    }

    private static Placement place(PlacementRequest request) {
        TreeView tree = request.tree();
        for (int hop = 0; hop <= tree.maxCandidateHop(); hop++) {
            List<TreeNode> level = new ArrayList<>();
            for (TreeNode candidate : tree.candidatesAtHop(hop)) {
                if (request.eligible(candidate)) {
                    level.add(candidate);
                    if (level.size() == SCAN) {
                        break;
                    }
                }
            }
            if (!level.isEmpty()) {
                level.sort(Comparator.comparingDouble(UplinkAwareAlgorithm::uplinkPerChild).reversed());
                int backups = Math.min(request.maxBackups(), level.size() - 1);
                return Placement.of(level.get(0), level.subList(1, 1 + backups));
            }
        }
        return Placement.none();
    }
}
