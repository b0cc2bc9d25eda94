package io.omnicast.bench.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EventQueueTest {
    @Test
    void pollsInTimeOrderAndSameTimeEventsInSchedulingOrder() {
        EventQueue<String> queue = new EventQueue<>();
        queue.schedule(30, 1, "c");
        queue.schedule(10, 1, "a1");
        queue.schedule(20, 2, "b");
        queue.schedule(10, 3, "a2");
        queue.schedule(10, 1, "a3");
        List<String> order = new ArrayList<>();
        while (!queue.isEmpty()) {
            queue.poll();
            order.add(queue.payload() + "@" + queue.time());
        }
        assertEquals(List.of("a1@10", "a2@10", "a3@10", "b@20", "c@30"), order);
        assertEquals(5, queue.polled());
    }

    @Test
    void randomScheduleComesOutSortedAndStable() {
        EventQueue<long[]> queue = new EventQueue<>();
        SplittableRandom random = new SplittableRandom(3);
        long seq = 0;
        long now = 0;
        for (int i = 0; i < 50_000; i++) {
            queue.schedule(now + random.nextLong(1000), 0, new long[] {seq++});
            if (i % 3 == 0) {
                queue.poll();
                now = queue.time();
                // events may be scheduled at the current time, never before it
                queue.schedule(now, 0, new long[] {seq++});
            }
        }
        long lastTime = -1;
        long lastSeq = -1;
        while (!queue.isEmpty()) {
            queue.poll();
            assertTrue(queue.time() >= lastTime, "time never goes back");
            if (queue.time() == lastTime) {
                assertTrue(queue.payload()[0] > lastSeq, "ties keep their scheduling order");
            }
            lastTime = queue.time();
            lastSeq = queue.payload()[0];
        }
    }

    @Test
    void refusesEventsInThePast() {
        EventQueue<String> queue = new EventQueue<>();
        queue.schedule(100, 0, "x");
        queue.poll();
        assertThrows(IllegalArgumentException.class, () -> queue.schedule(99, 0, "late"));
    }
}
