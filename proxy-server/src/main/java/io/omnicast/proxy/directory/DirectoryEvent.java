package io.omnicast.proxy.directory;

/**
 * One recorded decision or happening, for replay and analysis.
 *
 * @param id sequence number assigned by the database (0 before it is stored)
 * @param atMillis wall-clock time, Unix milliseconds
 * @param kind {@code join}, {@code leave}, {@code placement}, {@code reparent}, {@code failure-report},
 *     {@code origin-join}, {@code origin-leave}, {@code probe}, {@code session-lost}
 * @param channel channel, or null
 * @param nodeId the node concerned
 * @param parentId its (new) parent, or null
 * @param hopCount its hop count after the event, or -1
 * @param durationMicros how long the decision took (placement, re-parent push), or -1
 * @param detail free text (reason, failed parent, ...), at most 1024 characters
 */
public record DirectoryEvent(long id, long atMillis, String kind, String channel, String nodeId, String parentId,
        int hopCount, long durationMicros, String detail) {
    public static DirectoryEvent of(String kind, String channel, String nodeId, String parentId, int hopCount,
            long durationMicros, String detail) {
        return new DirectoryEvent(0, System.currentTimeMillis(), kind, channel, nodeId, parentId, hopCount,
                durationMicros, detail == null ? null : detail.length() > 1024 ? detail.substring(0, 1024) : detail);
    }
}
