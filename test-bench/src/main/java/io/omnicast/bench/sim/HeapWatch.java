package io.omnicast.bench.sim;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Watches the heap for {@code --heap-check}: the highest heap occupancy seen, and the highest occupancy right
 * after a collection (the live set plus what survived), which is what must fit under {@code -Xmx}. Sampling reads
 * MXBeans only; it never forces a collection, so it does not disturb the run it measures.
 */
public final class HeapWatch {
    private final List<java.lang.management.GarbageCollectorMXBean> collectors =
            ManagementFactory.getGarbageCollectorMXBeans();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    private long peakUsed;
    private long peakAfterGc;

    /** Reads the heap now and after the latest collection of every collector. */
    public void sample() {
        peakUsed = Math.max(peakUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        for (java.lang.management.GarbageCollectorMXBean collector : collectors) {
            if (collector instanceof GarbageCollectorMXBean sun) {
                GcInfo info = sun.getLastGcInfo();
                if (info == null) {
                    continue;
                }
                long after = 0;
                for (Map.Entry<String, MemoryUsage> pool : info.getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(pool.getKey())) {
                        after += pool.getValue().getUsed();
                    }
                }
                peakAfterGc = Math.max(peakAfterGc, after);
            }
        }
    }

    public long peakUsedBytes() {
        return peakUsed;
    }

    /** Highest heap occupancy just after a collection; 0 when no collection ran. */
    public long peakAfterGcBytes() {
        return peakAfterGc;
    }

    /** Total time the collectors ran, in ms, since the JVM started. */
    public static long gcMillis() {
        long total = 0;
        for (java.lang.management.GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, collector.getCollectionTime());
        }
        return total;
    }
}
