package io.omnicast.bridge;

import io.omnicast.bridge.media.MediaFrame;

/**
 * Maps source times to one output clock that never goes back, whatever the input does: a new input session (a
 * reconnect) continues one frame after the last output, and a live source whose clock jumps (an encoder restart,
 * an MPEG-TS clock wrap) is re-based the same way. Audio and video of one input share one offset, so they stay in
 * sync. Used by the input thread only.
 */
final class Timeline {
    /** A backwards step larger than this, or a forward jump larger than {@link #MAX_FORWARD_JUMP_MICROS}, is a break. */
    static final long MAX_BACKWARD_STEP_MICROS = 500_000;
    static final long MAX_FORWARD_JUMP_MICROS = 10_000_000;
    /** Gap left after the last output frame at a break: one frame at 30 fps. */
    static final long BREAK_GAP_MICROS = 33_333;

    private long offset;
    private boolean rebase = true;
    private long latestOut = Long.MIN_VALUE;
    private long lastVideoIn = Long.MIN_VALUE;
    private long lastAudioIn = Long.MIN_VALUE;

    /** The next frame starts a new input session. */
    void newSegment() {
        rebase = true;
        lastVideoIn = Long.MIN_VALUE;
        lastAudioIn = Long.MIN_VALUE;
    }

    MediaFrame map(MediaFrame frame) {
        long in = frame.dtsMicros();
        long last = frame.kind() == MediaFrame.Kind.VIDEO ? lastVideoIn : lastAudioIn;
        if (!rebase && last != Long.MIN_VALUE
                && (in < last - MAX_BACKWARD_STEP_MICROS || in > last + MAX_FORWARD_JUMP_MICROS)) {
            rebase = true;
        }
        if (rebase) {
            offset = (latestOut == Long.MIN_VALUE ? 0 : latestOut + BREAK_GAP_MICROS) - in;
            rebase = false;
        }
        if (frame.kind() == MediaFrame.Kind.VIDEO) {
            lastVideoIn = in;
        } else {
            lastAudioIn = in;
        }
        long pts = frame.ptsMicros() + offset;
        long dts = in + offset;
        latestOut = Math.max(latestOut, Math.max(pts, dts));
        return frame.withTimes(pts, dts);
    }
}
