package io.omnicast.bench.load;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every process this JVM started, directly or through its children, noted every half second while open, so that
 * also grandchildren are stopped on the way out (Ctrl-C included): the benches {@code load} composes start their
 * own proxy and server processes, which do not die with the process that started them. A grandchild whose parent
 * died is no longer our descendant, which is why they are noted while they live rather than looked up at the end.
 */
final class Descendants implements AutoCloseable {
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    private final Thread watcher;
    private final Thread hook = new Thread(this::stopAll, "load-descendants-cleanup");
    private volatile boolean open = true;

    Descendants() {
        watcher = new Thread(() -> {
            while (open) {
                note();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "load-descendants");
        watcher.setDaemon(true);
        watcher.start();
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Notes the current descendants now (also call after starting something short-lived). */
    void note() {
        ProcessHandle.current().descendants().forEach(seen::add);
    }

    /** SIGTERM to every noted process still alive, SIGKILL after 5 s. */
    private void stopAll() {
        note();
        seen.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle p : seen) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        open = false;
        watcher.interrupt();
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs anyway
        }
    }
}
