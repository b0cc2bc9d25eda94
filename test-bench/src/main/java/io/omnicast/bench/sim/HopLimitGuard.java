package io.omnicast.bench.sim;

import io.omnicast.proxy.topology.ChannelTree;
import io.omnicast.proxy.topology.spi.ChannelTopology;
import io.omnicast.proxy.topology.spi.FailureReport;
import io.omnicast.proxy.topology.spi.FailureVerdict;
import io.omnicast.proxy.topology.spi.Placement;
import io.omnicast.proxy.topology.spi.PlacementRequest;
import io.omnicast.proxy.topology.spi.ReparentRequest;
import io.omnicast.proxy.topology.spi.TreeNode;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps a plugin's placements within the tree's hop limit ({@link ChannelTree#MAX_HOP}). The proxy's
 * {@code PlacementRequest.eligible} does not look at hop counts, and {@code ChannelTree.attach} throws when a
 * placement would put the node, or the deepest node of the subtree it carries, beyond the limit — with a subtree,
 * after part of it has been re-indexed. Under churn a plugin that ignores depth (the random baseline) reaches the
 * limit within tens of thousands of sessions, because orphaned subtrees are re-hung whole under deep parents.
 * The guard asks the plugin again with the offending parent excluded (at most {@value #ATTEMPTS} times) and
 * counts every such refusal, so the report shows how often a plugin ran into the limit. Every other call goes to
 * the plugin unchanged.
 */
final class HopLimitGuard implements ChannelTopology {
    static final int ATTEMPTS = 16;

    private final ChannelTopology plugin;
    private final ArrayDeque<TreeNode> walk = new ArrayDeque<>();
    private long refused;

    HopLimitGuard(ChannelTopology plugin) {
        this.plugin = plugin;
    }

    @Override
    public Placement place(PlacementRequest request) {
        int height = -1;
        PlacementRequest current = request;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Placement placement = plugin.place(current);
            if (placement == null || !placement.placed()) {
                return placement;
            }
            if (height < 0) {
                height = height(request.node());
            }
            if (placement.parent().hopCount() + 1 + height <= ChannelTree.MAX_HOP) {
                return placement;
            }
            refused++;
            Set<String> excluded = new HashSet<>(current.excluded());
            excluded.add(placement.parent().id());
            current = new PlacementRequest(request.node(), request.tree(), request.reason(), excluded,
                    request.maxBackups());
        }
        return Placement.none();
    }

    @Override
    public List<TreeNode> reparentOrder(ReparentRequest request) {
        return plugin.reparentOrder(request);
    }

    @Override
    public FailureVerdict onFailureReport(FailureReport report) {
        return plugin.onFailureReport(report);
    }

    /** Placements the plugin chose that would have broken the hop limit. */
    long refused() {
        return refused;
    }

    /** Levels below {@code top} (0 for a leaf). */
    private int height(TreeNode top) {
        if (top.children().isEmpty()) {
            return 0;
        }
        int height = 0;
        walk.clear();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        walk.push(top);
        depths.push(0);
        while (!walk.isEmpty()) {
            TreeNode n = walk.pop();
            int depth = depths.pop();
            height = Math.max(height, depth);
            for (TreeNode child : n.children()) {
                walk.push(child);
                depths.push(depth + 1);
            }
        }
        return height;
    }
}
