package io.omnicast.proxy.topology.builtin;

import io.omnicast.proxy.topology.spi.ChannelSetup;
import io.omnicast.proxy.topology.spi.ChannelTopology;
import io.omnicast.proxy.topology.spi.FailureReport;
import io.omnicast.proxy.topology.spi.FailureVerdict;
import io.omnicast.proxy.topology.spi.Placement;
import io.omnicast.proxy.topology.spi.PlacementRequest;
import io.omnicast.proxy.topology.spi.ReparentRequest;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import io.omnicast.proxy.topology.spi.TreeNode;
import io.omnicast.proxy.topology.spi.TreeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Capacity- and longevity-aware placement: shallow first like hop-count, but among the shallow candidates it
 * prefers parents that are likely to stay and to serve well.
 *
 * <p>Why. Measurement studies of live P2P streaming (PPLive, CoolStreaming, Sripanidkulchai et al. on Akamai
 * live streams) find heavy-tailed session lengths: a peer that has stayed for a while is much more likely to
 * stay longer than one that just arrived. Every departure of a relay costs its whole subtree a re-parent, so
 * hanging new children under long-lived peers cuts the expected number of disruptions per viewer. Spare slots
 * matter too (a parent with many free slots takes the next joiners without pushing the tree deeper), a low
 * measured RTT means a close, responsive relay, and children's failure reports are direct evidence of a poor
 * relay. Hop count still dominates, because every extra hop adds delay and one more point of failure for
 * everybody below.
 *
 * <p>How. The lowest two hop levels with candidates are considered, at most {@value #SCAN_PER_LEVEL} candidates
 * each (the index hands them out most-spare-first), so a placement stays cheap on big trees. Score:
 * <pre>
 *   - {@value #HOP_WEIGHT} * hop
 *   + log2(1 + spare slots)
 *   + {@value #AGE_WEIGHT} * min(1, age / {@value #MATURE_SECONDS} s)
 *   - rtt in ms / {@value #RTT_MS_PER_POINT}
 *   - {@value #REPORT_WEIGHT} * failure reports
 * </pre>
 * On re-parenting, the orphans carrying the biggest subtrees are placed first, so they get the shallow slots and
 * the most viewers stay close to the origin. A parent is demoted (no new children) after two failure reports,
 * one earlier than the default, since the score already steers away from reported parents.
 */
public final class LongevityAlgorithm implements TopologyAlgorithm {
    public static final String ID = "longevity";
    static final int SCAN_PER_LEVEL = 64;
    static final double HOP_WEIGHT = 3.0;
    static final double AGE_WEIGHT = 2.0;
    static final long MATURE_SECONDS = 60;
    static final double RTT_MS_PER_POINT = 50.0;
    static final double REPORT_WEIGHT = 1.5;
    private static final long MATURE_NANOS = Duration.ofSeconds(MATURE_SECONDS).toNanos();

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
        return "shallow first, then long-lived, roomy, close parents with few failure reports";
    }

    @Override
    public ChannelTopology forChannel(ChannelSetup setup) {
        return new ChannelTopology() {
            @Override
            public Placement place(PlacementRequest request) {
                return placeByScore(request);
            }

            @Override
            public List<TreeNode> reparentOrder(ReparentRequest request) {
                List<TreeNode> order = new ArrayList<>(request.orphans());
                order.sort(Comparator.comparingInt(LongevityAlgorithm::subtreeSize).reversed()
                        .thenComparing(Comparator.comparingInt(TreeNode::maxChildren).reversed()));
                return order;
            }

            @Override
            public FailureVerdict onFailureReport(FailureReport report) {
                return report.failedParent().failureReports() >= 2 ? FailureVerdict.DEMOTE_PARENT
                        : FailureVerdict.KEEP_PARENT;
            }
        };
    }

    static double score(TreeNode candidate) {
        double ageFraction = Math.min(1.0, (double) candidate.age().toNanos() / MATURE_NANOS);
        double rttMs = candidate.measuredRtt().map(d -> d.toNanos() / 1e6).orElse(0.0);
        return -HOP_WEIGHT * candidate.hopCount()
                + Math.log(1 + candidate.spareSlots()) / Math.log(2)
                + AGE_WEIGHT * ageFraction
                - rttMs / RTT_MS_PER_POINT
                - REPORT_WEIGHT * candidate.failureReports();
    }

    private static Placement placeByScore(PlacementRequest request) {
        TreeView tree = request.tree();
        int maxHop = tree.maxCandidateHop();
        List<TreeNode> scored = new ArrayList<>();
        int levelsSeen = 0;
        for (int hop = 0; hop <= maxHop && levelsSeen < 2; hop++) {
            int taken = 0;
            for (TreeNode candidate : tree.candidatesAtHop(hop)) {
                if (taken == SCAN_PER_LEVEL) {
                    break;
                }
                if (request.eligible(candidate)) {
                    scored.add(candidate);
                    taken++;
                }
            }
            if (taken > 0) {
                levelsSeen++;
            }
        }
        if (scored.isEmpty()) {
            return Placement.none();
        }
        scored.sort(Comparator.comparingDouble(LongevityAlgorithm::score).reversed());
        int backups = Math.min(request.maxBackups(), scored.size() - 1);
        return Placement.of(scored.get(0), scored.subList(1, 1 + backups));
    }

    static int subtreeSize(TreeNode node) {
        int size = 1;
        for (TreeNode child : node.children()) {
            size += subtreeSize(child);
        }
        return size;
    }
}
