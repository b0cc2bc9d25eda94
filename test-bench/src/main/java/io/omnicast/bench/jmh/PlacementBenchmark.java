package io.omnicast.bench.jmh;

import io.omnicast.proxy.topology.ChannelTree;
import io.omnicast.proxy.topology.ChannelTree.Node;
import io.omnicast.proxy.topology.TopologyEngine;
import io.omnicast.proxy.topology.builtin.HopCountAlgorithm;
import io.omnicast.proxy.topology.spi.ChannelSetup;
import io.omnicast.proxy.topology.spi.ChannelTopology;
import io.omnicast.proxy.topology.spi.Placement;
import io.omnicast.proxy.topology.spi.PlacementReason;
import io.omnicast.proxy.topology.spi.PlacementRequest;
import java.util.Set;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Placement speed of the {@code hop-count} plugin on a 100,000-node channel tree (issue target: at least
 * 100,000 placements/s), and the tree's memory per node (target: under 1 KiB), printed at set-up.
 *
 * <p>The tree: one origin with 8 slots, peers with 4 slots each, filled by the plugin itself, so the spare slots
 * sit on the deepest levels as in a real flash crowd. {@link #placeOnly} is the decision alone;
 * {@link #joinAndLeave} also attaches the node to the tree and removes it again (indexes updated both ways).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
public class PlacementBenchmark {
    @Param("100000")
    public int nodes;

    private ChannelTree tree;
    private TopologyEngine engine;
    private ChannelTopology topology;
    private Node probe;
    private PlacementRequest request;
    private long counter;

    @Setup(Level.Trial)
    public void buildTree() {
        long before = usedMemory();
        tree = new ChannelTree("bench");
        topology = new HopCountAlgorithm().forChannel(new ChannelSetup("bench", 1));
        engine = new TopologyEngine(tree, topology, HopCountAlgorithm.ID, 2);
        tree.addOrigin("origin", 8, 0);
        for (int i = 0; i < nodes; i++) {
            Node node = tree.addDetached("n-" + i, 4, 10_000);
            tree.setReachable(node, true, 1_000_000);
            if (!engine.join(node).placed()) {
                throw new IllegalStateException("tree full at " + i);
            }
        }
        long after = usedMemory();
        System.out.printf("%nchannel tree: %,d nodes, %d hop levels with candidates up to hop %d, "
                + "%,d candidates; memory per node about %,d bytes%n", tree.size(), tree.maxCandidateHop() + 1,
                tree.maxCandidateHop(), tree.candidateCount(), (after - before) / tree.size());
        probe = tree.addDetached("probe", 0, 0);
        request = new PlacementRequest(probe, tree, PlacementReason.JOIN, Set.of(), 2);
    }

    private static long usedMemory() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The plugin's decision: parent plus two backups, nothing applied. */
    @Benchmark
    public Placement placeOnly() {
        return topology.place(request);
    }

    /** A leaf joins (decision, checks, attach, index update) and leaves again, keeping the tree at its size. */
    @Benchmark
    public Object joinAndLeave() {
        Node node = tree.addDetached("j-" + (counter++), 0, 0);
        TopologyEngine.Decision decision = engine.join(node);
        engine.leave(node);
        return decision;
    }
}
