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
import java.util.SplittableRandom;

/**
 * The baseline: a parent drawn uniformly from every node with a spare slot, whatever its hop count. Seeded per
 * channel ({@code topology.seed} mixed with the channel name), so runs repeat.
 */
public final class RandomAlgorithm implements TopologyAlgorithm {
    public static final String ID = "random";
    private static final int DRAWS = 32;

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
        return "uniformly random parent among nodes with a spare slot (baseline)";
    }

    @Override
    public ChannelTopology forChannel(ChannelSetup setup) {
        SplittableRandom random = new SplittableRandom(setup.seed() ^ setup.channel().hashCode());
        return request -> place(request, random);
    }

    private static Placement place(PlacementRequest request, SplittableRandom random) {
        TreeView tree = request.tree();
        int count = tree.candidateCount();
        if (count == 0) {
            return Placement.none();
        }
        List<TreeNode> picked = new ArrayList<>(1 + request.maxBackups());
        int wanted = Math.min(count, 1 + request.maxBackups());
        for (int draw = 0; draw < DRAWS && picked.size() < wanted; draw++) {
            TreeNode candidate = tree.candidate(random.nextInt(count));
            if (request.eligible(candidate) && !picked.contains(candidate)) {
                picked.add(candidate);
            }
        }
        if (picked.isEmpty()) {
            // Few eligible candidates among many excluded ones: fall back to a scan from a random start.
            int start = random.nextInt(count);
            for (int i = 0; i < count && picked.size() < wanted; i++) {
                TreeNode candidate = tree.candidate((start + i) % count);
                if (request.eligible(candidate)) {
                    picked.add(candidate);
                }
            }
        }
        return picked.isEmpty() ? Placement.none() : Placement.of(picked.get(0), picked.subList(1, picked.size()));
    }
}
