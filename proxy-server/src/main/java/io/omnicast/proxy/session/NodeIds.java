package io.omnicast.proxy.session;

import io.omnicast.proxy.directory.NodeDirectory;

/**
 * Hands out node ids ({@code n-42}, {@code o-7}) from blocks reserved in the directory, so ids never repeat
 * across restarts and only one in {@value #BLOCK} allocations touches the database. Thread-safe; blocks when
 * it reserves a block, so call it off the event loops.
 */
public final class NodeIds {
    static final long BLOCK = 10_000;
    private final NodeDirectory directory;
    private long next;
    private long end;

    public NodeIds(NodeDirectory directory) {
        this.directory = directory;
    }

    /** The next id, or null when that needs a new block from the directory (then call {@link #next}). */
    public synchronized String nextIfReserved(String prefix) {
        return next == end ? null : prefix + "-" + (next++);
    }

    public synchronized String next(String prefix) {
        if (next == end) {
            next = directory.reserveNodeIds(BLOCK);
            end = next + BLOCK;
        }
        return prefix + "-" + (next++);
    }
}
