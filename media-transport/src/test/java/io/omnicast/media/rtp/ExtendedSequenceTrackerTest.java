package io.omnicast.media.rtp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtendedSequenceTrackerTest {
    @Test
    void newSourceIsOnProbationUntilTwoPacketsInSequence() {
        ExtendedSequenceTracker tracker = new ExtendedSequenceTracker();
        assertFalse(tracker.update(100));
        assertFalse(tracker.isValid());
        assertTrue(tracker.update(101));
        assertTrue(tracker.isValid());
        assertEquals(101, tracker.extendedHighestSequence());
        assertEquals(1, tracker.received());
    }

    @Test
    void countsCyclesAcrossTheWrap() {
        ExtendedSequenceTracker tracker = new ExtendedSequenceTracker(1);
        for (int i = 0; i < 10; i++) {
            assertTrue(tracker.update(SequenceNumber.add(65530, i)));
        }
        assertEquals(65536 + 3, tracker.extendedHighestSequence());
        assertEquals(10, tracker.expected());
        assertEquals(0, tracker.cumulativeLost());
    }

    @Test
    void reportsLossAndFractionAcrossTheWrap() {
        ExtendedSequenceTracker tracker = new ExtendedSequenceTracker(1);
        tracker.update(65534);
        tracker.update(65535);
        tracker.update(2); // 0 and 1 lost
        tracker.update(3);
        assertEquals(6, tracker.expected());
        assertEquals(2, tracker.cumulativeLost());
        assertEquals((2 << 8) / 6, tracker.takeFractionLost());
        tracker.update(4);
        assertEquals(0, tracker.takeFractionLost());
    }

    @Test
    void lateAndDuplicatePacketsDoNotMoveTheHighestSequence() {
        ExtendedSequenceTracker tracker = new ExtendedSequenceTracker(1);
        tracker.update(0);
        tracker.update(2);
        assertTrue(tracker.update(1));
        assertTrue(tracker.update(1));
        assertEquals(2, tracker.extendedHighestSequence());
        assertEquals(-1, tracker.cumulativeLost(), "a duplicate makes loss negative, as RFC 3550 says");
    }

    @Test
    void aHugeJumpCountsOnlyWhenTheNextPacketConfirmsIt() {
        ExtendedSequenceTracker tracker = new ExtendedSequenceTracker(1);
        tracker.update(10);
        tracker.update(11);
        assertFalse(tracker.update(40000));
        assertEquals(11, tracker.highestSequence());
        assertTrue(tracker.update(40001));
        assertEquals(40001, tracker.highestSequence());
        assertEquals(1, tracker.received(), "a confirmed restart starts counting again");
    }
}
