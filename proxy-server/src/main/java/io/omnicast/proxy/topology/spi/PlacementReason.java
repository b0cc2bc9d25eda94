package io.omnicast.proxy.topology.spi;

/** Why a node is being placed. */
public enum PlacementReason {
    /** A new session joined the channel. */
    JOIN,
    /** Its parent left (logout, closed session, missed beats). */
    REPARENT,
    /** It reported its parent as failed ({@code ReConfiguration}). */
    FAILURE_REPORT
}
