package io.omnicast.proxy.topology;

import io.omnicast.proxy.topology.builtin.HopCountAlgorithm;
import io.omnicast.proxy.topology.spi.ChannelSetup;
import io.omnicast.proxy.topology.spi.ChannelTopology;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;

/** A test plugin that claims the built-in {@code hop-count} id; only ever registered inside a test jar. */
public final class DuplicateIdPlugin implements TopologyAlgorithm {
    @Override
    public String id() {
        return HopCountAlgorithm.ID;
    }

    @Override
    public ChannelTopology forChannel(ChannelSetup setup) {
        return HopCountAlgorithm::placeByHopCount;
    }
}
