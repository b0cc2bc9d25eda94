package io.omnicast.proxy.topology.spi;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A read-only view of one node of a channel's tree. Valid only during the plugin call that handed it out. */
public interface TreeNode {
    /** The node id the proxy assigned (an origin's id for hop 0). */
    String id();

    /** True for an origin (streaming server), the roots of the tree at hop 0. */
    boolean isOrigin();

    /** Distance from the origin: 0 for an origin, -1 while detached (being placed). */
    int hopCount();

    /** The parent, or null for an origin or a detached node. */
    TreeNode parent();

    /** The direct children, in the order they were attached. */
    List<? extends TreeNode> children();

    /** The node's announced capacity for children. */
    int maxChildren();

    /** {@code maxChildren - children().size()}, never negative. */
    int spareSlots();

    /** Announced uplink in kbit/s; 0 when unknown. */
    long uplinkKbps();

    /** How long the node has been in the channel. */
    Duration age();

    /** Round trip measured by the connect-back probe, if one succeeded. */
    Optional<Duration> measuredRtt();

    /** True when the proxy reached the node's relay endpoint (always true for origins). */
    boolean reachable();

    /** True when the node may get new children: reachable, not demoted and with a capacity above 0. */
    boolean acceptsChildren();

    /** Failure reports children have made against this node. */
    int failureReports();
}
