package io.omnicast.proxy.session;

/** A parent as a node is told about it: id, hop count and where to pull from. Immutable. */
public record ParentRef(String nodeId, int hopCount, String rtspUrl) {
}
