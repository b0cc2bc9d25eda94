package io.omnicast.bridge;

import io.omnicast.bridge.media.MediaFrame;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Releases frames of a file in real time, by their decoding times (what {@code ffmpeg -re} does). When the input
 * falls behind by more than a second (a slow disk, a paused machine) or the times jump, it re-anchors instead of
 * bursting or sleeping for long. Used by the input thread only.
 */
final class Pacer {
    static final long MAX_LAG_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private boolean anchored;
    private long anchorNanos;
    private long anchorMicros;

    /** Waits until {@code frame} is due; returns early when {@code stopped} becomes true. */
    void await(MediaFrame frame, BooleanSupplier stopped) {
        long now = System.nanoTime();
        long due = anchorNanos + (frame.dtsMicros() - anchorMicros) * 1000;
        if (!anchored || due - now > MAX_WAIT_NANOS || now - due > MAX_LAG_NANOS) {
            anchored = true;
            anchorNanos = now;
            anchorMicros = frame.dtsMicros();
            return;
        }
        long wait;
        while ((wait = due - System.nanoTime()) > 0 && !stopped.getAsBoolean()) {
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }
}
