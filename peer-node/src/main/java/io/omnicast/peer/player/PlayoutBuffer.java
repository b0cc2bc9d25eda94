package io.omnicast.peer.player;

import io.omnicast.media.rtp.RtpTimestamp;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Holds decoded-to-be frames for the playout delay and paces them by RTP timestamp: the first frame is due one
 * playout delay after it arrived, each later one at {@code first due + (timestamp - first timestamp) / 90 kHz}.
 *
 * <p>A stall is counted when the next frame is due (the last one's due time plus one frame interval, with half an
 * interval of grace) and the buffer is empty. The stall lasts until a frame arrives; then the clock is shifted by
 * the stall so playback resumes without a burst. A frame whose due time passed while frames were waiting (the
 * player thread was late) is presented at once and is not a stall: the picture was there.
 *
 * <p>The buffer never lets the viewer fall behind live for good: when the pictures waiting span more than the playout
 * delay plus {@link #CATCH_UP_EXCESS_NANOS} (a join's keyframe backlog arriving in one burst, a player that started
 * slowly, stalls that shifted the clock), the oldest are dropped until one playout delay is left and the clock is
 * re-anchored so the new head is due at once. Pictures are decoded on arrival, so dropping one from the display queue
 * loses no reference frame; it is counted in {@link #caughtUpFrames()}, not as a stall.
 *
 * <p>Thread-safe: the stream's event loop offers, the player thread takes. Time comes in as arguments so tests
 * drive it.
 */
public final class PlayoutBuffer<T extends PlayoutBuffer.Timed> {
    /** What the buffer paces: anything with an RTP timestamp and an arrival time that may own resources. */
    public interface Timed {
        long rtpTimestamp();

        long arrivalNanos();

        /** Frees what the item owns (called when it is dropped or cleared, never after {@link #take}). */
        void release();
    }


    public static final int CLOCK_RATE = 90_000;
    /** How far beyond the playout delay the waiting pictures may reach before the buffer catches up with live. */
    public static final long CATCH_UP_EXCESS_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1) / 30;

    private final long delayNanos;
    private final int capacity;
    private final ArrayDeque<T> frames = new ArrayDeque<>();
    private boolean started;
    private long baseNanos;
    private long baseTimestamp;
    private long lastDueNanos;
    private long lastTimestamp;
    private long intervalNanos = DEFAULT_INTERVAL_NANOS;
    private boolean stalled;
    private long stallStartNanos;
    private long stalls;
    private long stallNanos;
    private long newestTimestamp;
    private long dropped;
    private long caughtUp;
    private boolean presentedAny;

    /** @param capacity most frames held; beyond it the oldest is dropped (a player far behind) */
    public PlayoutBuffer(long delayNanos, int capacity) {
        this.delayNanos = delayNanos;
        this.capacity = capacity;
    }

    /** A new frame (takes ownership). */
    public synchronized void offer(T frame) {
        if (presentedAny && !RtpTimestamp.isNewer(frame.rtpTimestamp(), lastTimestamp)) {
            frame.release(); // older than what was shown already (a resend after fail-over)
            return;
        }
        if (frames.size() >= capacity) {
            frames.pollFirst().release();
            dropped++;
        }
        frames.addLast(frame);
        newestTimestamp = frame.rtpTimestamp();
        notifyAll();
    }

    /** The frame to present at {@code now}, or null when none is due (and accounts a stall when one is missing). */
    public synchronized T take(long now) {
        T head = frames.peekFirst();
        if (head == null) {
            if (presentedAny && !stalled && now - lastDueNanos > intervalNanos + intervalNanos / 2) {
                stalled = true;
                stallStartNanos = lastDueNanos + intervalNanos;
                stalls++;
            }
            return null;
        }
        if (span(head) > delayNanos + CATCH_UP_EXCESS_NANOS) {
            head = catchUp(now);
        }
        long due = due(head);
        if (stalled) {
            stallNanos += Math.max(0, now - stallStartNanos);
            stalled = false;
            if (due < now) {
                baseNanos += now - due;
                due = now;
            }
        }
        if (due > now) {
            return null;
        }
        frames.pollFirst();
        if (presentedAny) {
            long step = RtpTimestamp.distance(lastTimestamp, head.rtpTimestamp());
            if (step > 0 && step < CLOCK_RATE) {
                intervalNanos = ticksToNanos(step);
            }
        }
        presentedAny = true;
        lastDueNanos = due;
        lastTimestamp = head.rtpTimestamp();
        return head;
    }

    /** Wakes a thread in {@link #await} (new work elsewhere for it). */
    public synchronized void wake() {
        notifyAll();
    }

    /** Waits until a frame may be due or one arrives, at most {@code maxNanos}. */
    public synchronized void await(long now, long maxNanos) throws InterruptedException {
        long wait = waitNanos(now, maxNanos);
        if (wait > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, wait);
        }
    }

    /** How long from {@code now} until the head may be due, at most {@code maxNanos} (0 or less: due now). */
    public synchronized long waitNanos(long now, long maxNanos) {
        T head = frames.peekFirst();
        return head == null ? maxNanos : Math.min(maxNanos, due(head) - now);
    }

    private long span(T from) {
        return ticksToNanos(Math.max(0, RtpTimestamp.distance(from.rtpTimestamp(), newestTimestamp)));
    }

    /** Drops the oldest pictures until one playout delay is left and makes the new head due {@code now}. */
    private T catchUp(long now) {
        while (frames.size() > 1 && span(frames.peekFirst()) > delayNanos) {
            frames.pollFirst().release();
            caughtUp++;
        }
        T head = frames.peekFirst();
        started = true;
        baseNanos = now;
        baseTimestamp = head.rtpTimestamp();
        return head;
    }

    private long due(T frame) {
        if (!started) {
            started = true;
            baseNanos = frame.arrivalNanos() + delayNanos;
            baseTimestamp = frame.rtpTimestamp();
        }
        return baseNanos + ticksToNanos(RtpTimestamp.distance(baseTimestamp, frame.rtpTimestamp()));
    }

    private static long ticksToNanos(long ticks) {
        return ticks * 1_000_000_000L / CLOCK_RATE;
    }

    /** Media waiting to be shown, in milliseconds of RTP time (newest arrived minus last shown). */
    public synchronized long bufferedMillis() {
        if (frames.isEmpty()) {
            return 0;
        }
        long from = presentedAny ? lastTimestamp : frames.peekFirst().rtpTimestamp();
        return Math.max(0, RtpTimestamp.distance(from, newestTimestamp)) * 1000L / CLOCK_RATE;
    }

    public synchronized long stalls() {
        return stalls;
    }

    /** Total stalled time, including a stall going on now. */
    public synchronized long stallMillis(long now) {
        long total = stallNanos + (stalled ? Math.max(0, now - stallStartNanos) : 0);
        return TimeUnit.NANOSECONDS.toMillis(total);
    }

    /** Pictures skipped to catch up with live (see the class comment). */
    public synchronized long caughtUpFrames() {
        return caughtUp;
    }

    public synchronized long droppedFrames() {
        return dropped;
    }

    public synchronized int size() {
        return frames.size();
    }

    /** Releases every waiting frame. */
    public synchronized void clear() {
        frames.forEach(Timed::release);
        frames.clear();
    }
}
