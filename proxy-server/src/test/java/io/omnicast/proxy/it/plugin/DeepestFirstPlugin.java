package io.omnicast.proxy.it.plugin;

import io.omnicast.proxy.topology.spi.ChannelSetup;
import io.omnicast.proxy.topology.spi.ChannelTopology;
import io.omnicast.proxy.topology.spi.Placement;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import io.omnicast.proxy.topology.spi.TreeNode;
import java.util.List;

/** A test plugin shipped only inside a jar built by the test: the deepest candidate first (builds chains). */
public final class DeepestFirstPlugin implements TopologyAlgorithm {
    @Override
    public String id() {
        return "deepest-first";
    }

    @Override
    public String version() {
        return "0.0.1-test";
    }

    @Override
    public ChannelTopology forChannel(ChannelSetup setup) {
        return request -> {
            for (int hop = request.tree().maxCandidateHop(); hop >= 0; hop--) {
                for (TreeNode candidate : request.tree().candidatesAtHop(hop)) {
                    if (request.eligible(candidate)) {
                        return Placement.of(candidate, List.of());
                    }
                }
            }
            return Placement.none();
        };
    }
}
