package io.omnicast.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.bridge.media.MediaFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
    private static MediaFrame video(long micros) {
        return new MediaFrame(MediaFrame.Kind.VIDEO, micros, micros, false, List.of(new byte[] {0x41}), 0, false);
    }

    @Test
    void startsAtZeroAndKeepsSourceSpacing() {
        Timeline t = new Timeline();
        assertEquals(0, t.map(video(5_000_000)).ptsMicros());
        assertEquals(33_333, t.map(video(5_033_333)).ptsMicros());
    }

    @Test
    void aReconnectContinuesOneFrameAfterTheLastOutput() {
        Timeline t = new Timeline();
        t.map(video(1_000_000));
        long last = t.map(video(3_000_000)).ptsMicros();
        t.newSegment();
        long next = t.map(video(42)).ptsMicros();
        assertEquals(last + Timeline.BREAK_GAP_MICROS, next);
    }

    @Test
    void aLiveClockJumpIsRebasedNotPassedOn() {
        Timeline t = new Timeline();
        t.map(video(90_000_000));
        long before = t.map(video(90_033_333)).ptsMicros();
        long afterBackwards = t.map(video(10)).ptsMicros();
        assertTrue(afterBackwards > before, "backwards jump hidden");
        long afterForward = t.map(video(10 + 3_600_000_000L)).ptsMicros();
        assertTrue(afterForward > afterBackwards && afterForward - afterBackwards < 1_000_000, "forward jump hidden");
    }
}
