package io.omnicast.bench.report;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a run measured on: cores, memory, OS, JVM and its heap limit. */
public record MachineInfo(int cores, long physicalMemoryBytes, String os, String jvm, long maxHeapBytes) {

    /** The machine this JVM runs on. */
    public static MachineInfo current() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long memory = -1;
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            memory = sun.getTotalMemorySize();
        }
        String osText = System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")";
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version", "?")
                + " (" + System.getProperty("java.vendor") + ")";
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), memory, osText, jvm,
                Runtime.getRuntime().maxMemory());
    }

    /** Rows for the report's machine table. */
    public Map<String, String> describe() {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("cores", Integer.toString(cores));
        rows.put("memory", physicalMemoryBytes < 0 ? "unknown" : gib(physicalMemoryBytes));
        rows.put("OS", os);
        rows.put("JVM", jvm);
        rows.put("max heap", gib(maxHeapBytes));
        return rows;
    }

    static String gib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
