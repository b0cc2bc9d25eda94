package io.omnicast.peer.player;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PlayoutBufferTest {
    private static final long MS = 1_000_000L;
    private static final long DELAY = 500 * MS;

    private static Frame frame(int index, long arrivalMs) {
        return new Frame(index * 3000L, arrivalMs * MS, index == 0, 100, null);
    }

    @Test
    void holdsTheFirstFrameForThePlayoutDelayThenPacesByTimestamp() {
        PlayoutBuffer<Frame> buffer = new PlayoutBuffer<>(DELAY, 100);
        buffer.offer(frame(0, 0));
        buffer.offer(frame(1, 33));
        assertNull(buffer.take(499 * MS));
        assertNotNull(buffer.take(500 * MS));
        assertNull(buffer.take(520 * MS), "second frame due at 533 ms");
        assertEquals(1, buffer.take(534 * MS).rtpTimestamp() / 3000);
        assertEquals(0, buffer.stalls());
    }

    @Test
    void aGapShorterThanThePlayoutDelayIsNoStall() {
        PlayoutBuffer<Frame> buffer = new PlayoutBuffer<>(DELAY, 100);
        for (int i = 0; i < 10; i++) {
            buffer.offer(frame(i, i * 33L));
        }
        // 300 ms of nothing from the parent (fail-over), then the rest arrives in a burst
        long now = 500;
        for (int i = 0; i < 10; i++) {
            now = 500 + (i * 1000L + 29) / 30 + 1;
            assertNotNull(buffer.take(now * MS));
        }
        for (int i = 10; i < 20; i++) {
            buffer.offer(frame(i, 630));
        }
        for (int i = 10; i < 20; i++) {
            now = 500 + (i * 1000L + 29) / 30 + 1;
            assertNull(buffer.take((now - 2) * MS));
            assertNotNull(buffer.take(now * MS));
        }
        assertEquals(0, buffer.stalls());
        assertEquals(0, buffer.stallMillis(now * MS));
    }

    @Test
    void countsAStallWhenTheNextFrameIsDueAndAbsentAndShiftsTheClock() {
        PlayoutBuffer<Frame> buffer = new PlayoutBuffer<>(DELAY, 100);
        buffer.offer(frame(0, 0));
        assertNotNull(buffer.take(500 * MS));
        assertNull(buffer.take(540 * MS), "within half an interval of grace");
        assertEquals(0, buffer.stalls());
        assertNull(buffer.take(560 * MS));
        assertEquals(1, buffer.stalls());
        assertNull(buffer.take(600 * MS));
        assertEquals(1, buffer.stalls(), "one stall, however long");
        buffer.offer(frame(1, 700));
        assertNotNull(buffer.take(734 * MS));
        assertEquals(200, buffer.stallMillis(734 * MS), "from the missing frame's due time (533.3) to now");
        buffer.offer(frame(2, 740));
        assertNull(buffer.take(750 * MS), "clock shifted: frame 2 is due one interval after frame 1");
        assertNotNull(buffer.take(768 * MS));
    }

    @Test
    void dropsFramesOlderThanWhatWasShown() {
        PlayoutBuffer<Frame> buffer = new PlayoutBuffer<>(DELAY, 100);
        buffer.offer(frame(5, 0));
        assertNotNull(buffer.take(500 * MS));
        buffer.offer(frame(4, 10));
        buffer.offer(frame(5, 10));
        assertEquals(0, buffer.size());
        buffer.offer(frame(6, 10));
        assertEquals(1, buffer.size());
        assertEquals(33, buffer.bufferedMillis());
    }

    @Test
    void boundsTheNumberOfWaitingFrames() {
        PlayoutBuffer<Frame> buffer = new PlayoutBuffer<>(DELAY, 3);
        for (int i = 0; i < 5; i++) {
            buffer.offer(frame(i, 0));
        }
        assertEquals(3, buffer.size());
        assertEquals(2, buffer.droppedFrames());
    }

    /** Regression: a join's two-second keyframe backlog arriving in one burst kept every viewer seconds behind live. */
    @Test
    void catchesUpWithLiveWhenTheBacklogExceedsThePlayoutDelay() {
        PlayoutBuffer<Frame> buffer = new PlayoutBuffer<>(DELAY, 1000);
        for (int i = 0; i < 90; i++) { // three seconds of pictures, all arrived at once
            buffer.offer(frame(i, 0));
        }
        Frame first = buffer.take(0);
        assertNotNull(first, "the head is due at once after catching up");
        assertEquals(74, first.rtpTimestamp() / 3000, "frames 74..89 span exactly one playout delay");
        assertEquals(74, buffer.caughtUpFrames());
        assertEquals(500, buffer.bufferedMillis());
        assertNull(buffer.take(30 * MS), "then paces by timestamp again");
        assertEquals(75, buffer.take(34 * MS).rtpTimestamp() / 3000);
        assertEquals(0, buffer.stalls());
    }

    @Test
    void aBacklogWithinThePlayoutDelayPlusExcessIsPlayedNotSkipped() {
        PlayoutBuffer<Frame> buffer = new PlayoutBuffer<>(DELAY, 1000);
        for (int i = 0; i < 30; i++) { // one second: within 500 ms + 500 ms
            buffer.offer(frame(i, 0));
        }
        assertNull(buffer.take(0));
        assertEquals(0, buffer.take(500 * MS).rtpTimestamp() / 3000);
        assertEquals(0, buffer.caughtUpFrames());
    }
}
