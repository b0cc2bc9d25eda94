package io.omnicast.proxy.topology.spi;

/** What happens to a parent that a child reported as failed (the child itself always moves). */
public enum FailureVerdict {
    /** It keeps its place and may get new children. */
    KEEP_PARENT,
    /** It keeps its current children but gets no new ones. */
    DEMOTE_PARENT
}
