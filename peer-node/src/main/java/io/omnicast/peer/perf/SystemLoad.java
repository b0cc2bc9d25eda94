package io.omnicast.peer.perf;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

/** Reads CPU load of the machine and memory use of this JVM (heap used of max) from the platform MXBeans. */
public final class SystemLoad implements Supplier<LoadSample> {
    @Override
    public LoadSample get() {
        double cpu = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getCpuLoad();
        }
        if (cpu < 0 || Double.isNaN(cpu)) {
            double average = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            int cores = Runtime.getRuntime().availableProcessors();
            cpu = average < 0 ? 0 : Math.min(1.0, average / cores);
        }
        Runtime runtime = Runtime.getRuntime();
        double memory = (double) (runtime.totalMemory() - runtime.freeMemory()) / runtime.maxMemory();
        return new LoadSample(clamp(cpu * 100), clamp(memory * 100));
    }

    private static double clamp(double percent) {
        return Math.max(0, Math.min(100, Math.round(percent * 10) / 10.0));
    }
}
