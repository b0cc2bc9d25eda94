package io.omnicast.proxy.directory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to the directory from one background thread, in batches, so the channel threads and event
 * loops that produce them never touch the database. An event is committed within about 50 ms of being
 * recorded (the commit interval); {@link #flush} waits for everything recorded so far.
 */
public final class EventRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final int MAX_BATCH = 1000;
    private static final int MAX_QUEUED = 1_000_000;
    /** How long a batch gathers events before it is committed. */
    private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** How often a gathering batch looks whether it is full (a full batch is committed before the interval ends). */
    private static final long GATHER_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final NodeDirectory directory;
    private final LinkedBlockingQueue<DirectoryEvent> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;

    public EventRecorder(NodeDirectory directory) {
        this.directory = directory;
        this.writer = new Thread(this::writeLoop, "directory-events");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues an event; never blocks. If the database cannot keep up with a million queued events, drops. */
    public void record(DirectoryEvent event) {
        if (queue.offer(event)) {
            recorded.incrementAndGet();
        } else if (dropped.incrementAndGet() % 10_000 == 1) {
            LOG.warn("event queue full: dropped {} events so far", dropped.get());
        }
    }

    private void writeLoop() {
        List<DirectoryEvent> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                DirectoryEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                gather(batch);
                directory.appendEvents(batch);
                written.addAndGet(batch.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("cannot write {} events to the directory; they are lost", batch.size(), e);
                written.addAndGet(batch.size());
            } finally {
                batch.clear();
            }
        }
    }

    /**
     * Group commit: takes what arrives within {@link #COMMIT_INTERVAL_NANOS} of the first event (or a full
     * batch). Every H2 commit writes a chunk (WRITE_DELAY=0); under a flash crowd committing each trickle of
     * events at once cost this thread a sixth of the proxy's CPU samples, on the same cores as the joins; at
     * 5,000 joins/s a commit every 10 ms still took about 8% of the proxy's CPU, every 50 ms about a fifth of that.
     * The window is slept through in a few slices rather than waited out with a blocking poll: a poll returns for
     * every event, which woke this thread once per join (a context switch on the cores the joins need).
     */
    private void gather(List<DirectoryEvent> batch) {
        long deadline = System.nanoTime() + COMMIT_INTERVAL_NANOS;
        queue.drainTo(batch, MAX_BATCH - batch.size());
        while (batch.size() < MAX_BATCH && running) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            LockSupport.parkNanos(this, Math.min(left, GATHER_SLICE_NANOS));
            queue.drainTo(batch, MAX_BATCH - batch.size());
        }
    }

    /** Waits until every event recorded before the call is committed, or the timeout passes. */
    public boolean flush(Duration timeout) throws InterruptedException {
        long target = recorded.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (written.get() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(2);
        }
        return true;
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
