package io.omnicast.bench.sim;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The simulator's future-event list: a binary min-heap ordered by time, and among events at the same time by the
 * order they were scheduled (FIFO), so a run is deterministic whatever the heap's internal order. Keys and kinds
 * live in primitive arrays and events are not objects, so a million-session run allocates nothing per event
 * beyond its payload. Not thread-safe.
 */
public final class EventQueue<P> {
    private long[] times = new long[256];
    private long[] sequence = new long[256];
    private int[] kinds = new int[256];
    private Object[] payloads = new Object[256];
    private int size;
    private long nextSequence;
    private long polled;
    // the event taken by the last poll()
    private long currentTime;
    private int currentKind;
    private P currentPayload;

    /** Schedules an event of {@code kind} with {@code payload} at {@code timeNanos}. */
    public void schedule(long timeNanos, int kind, P payload) {
        if (timeNanos < currentTime) {
            throw new IllegalArgumentException("cannot schedule an event in the past (at " + timeNanos + " ns, now "
                    + currentTime + " ns)");
        }
        if (size == times.length) {
            int capacity = size * 2;
            times = Arrays.copyOf(times, capacity);
            sequence = Arrays.copyOf(sequence, capacity);
            kinds = Arrays.copyOf(kinds, capacity);
            payloads = Arrays.copyOf(payloads, capacity);
        }
        int i = size++;
        long seq = nextSequence++;
        // sift up
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(timeNanos, seq, times[parent], sequence[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, timeNanos, seq, kind, payload);
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    /** Events taken so far. */
    public long polled() {
        return polled;
    }

    /**
     * Takes the earliest event; read it with {@link #time()}, {@link #kind()} and {@link #payload()} until the
     * next poll.
     */
    @SuppressWarnings("unchecked")
    public void poll() {
        if (size == 0) {
            throw new NoSuchElementException("no events left");
        }
        currentTime = times[0];
        currentKind = kinds[0];
        currentPayload = (P) payloads[0];
        polled++;
        size--;
        if (size == 0) {
            payloads[0] = null;
            return;
        }
        long t = times[size];
        long seq = sequence[size];
        int kind = kinds[size];
        Object payload = payloads[size];
        payloads[size] = null;
        // sift down
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(times[right], sequence[right], times[child], sequence[child])) {
                child = right;
            }
            if (!before(times[child], sequence[child], t, seq)) {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, t, seq, kind, payload);
    }

    public long time() {
        return currentTime;
    }

    public int kind() {
        return currentKind;
    }

    public P payload() {
        return currentPayload;
    }

    private static boolean before(long t1, long s1, long t2, long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }

    private void move(int from, int to) {
        times[to] = times[from];
        sequence[to] = sequence[from];
        kinds[to] = kinds[from];
        payloads[to] = payloads[from];
    }

    private void set(int i, long time, long seq, int kind, Object payload) {
        times[i] = time;
        sequence[i] = seq;
        kinds[i] = kind;
        payloads[i] = payload;
    }
}
