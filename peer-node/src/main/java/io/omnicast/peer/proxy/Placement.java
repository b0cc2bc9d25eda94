package io.omnicast.peer.proxy;

import io.omnicast.media.sdp.SdpChecksum;
import io.omnicast.uscp.v1.PlacementReason;
import io.omnicast.uscp.v1.ReStreamingConnection;
import java.util.List;

/**
 * Where the proxy placed this peer (a {@code ReStreamingConnection}): our node id and hop count, the parent and
 * up to two backups. {@code pushed} is true when the proxy sent it on its own (re-parenting or rebalancing).
 * {@code description} is the channel's SDP (with its CRLF line ends restored) when the proxy sent it, else null.
 */
public record Placement(String channel, String nodeId, int hopCount, ParentRef parent, List<ParentRef> backups,
        PlacementReason reason, boolean pushed, String description) {
    public Placement {
        backups = List.copyOf(backups);
    }

    static Placement of(ReStreamingConnection message) {
        return new Placement(message.getChannel(), message.getNodeId(), message.getHopCount(),
                ParentRef.of(message.getParent()),
                message.getBackupParent().stream().map(ParentRef::of).toList(), message.getReason(),
                message.getRequestId() == null,
                message.getDescription() == null ? null : SdpChecksum.withCrlf(message.getDescription()));
    }
}
