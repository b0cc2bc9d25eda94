package io.omnicast.peer.proxy;

import io.omnicast.uscp.v1.Parent;
import java.util.Objects;

/** A node to pull from: its id, hop count, RTSP URL and the ticket that admits us there. */
public record ParentRef(String nodeId, int hopCount, String rtspUrl, String ticket) {
    public ParentRef {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(rtspUrl, "rtspUrl");
        Objects.requireNonNull(ticket, "ticket");
    }

    static ParentRef of(Parent parent) {
        return new ParentRef(parent.getNodeId(), parent.getHopCount(), parent.getRtspUrl(), parent.getTicket());
    }
}
