package io.omnicast.proxy.session;

import java.util.List;

/**
 * A placement decided on a channel thread, frozen so an event loop can turn it into a
 * {@code ReStreamingConnection} (and sign its ticket) without touching the tree. {@code description} is the
 * channel's SDP as its origin last announced it, or null.
 */
public record PlacementOrder(String channel, String nodeId, int hopCount, ParentRef parent, List<ParentRef> backups,
        String description) {
    public PlacementOrder {
        backups = List.copyOf(backups);
    }
}
