package io.omnicast.peer.perf;

/** Machine load at one moment, in percent (0..100). */
public record LoadSample(double cpuPercent, double memoryPercent) {
    public LoadSample {
        if (!(cpuPercent >= 0 && cpuPercent <= 100) || !(memoryPercent >= 0 && memoryPercent <= 100)) {
            throw new IllegalArgumentException("load must be 0..100 % (cpu " + cpuPercent + ", memory "
                    + memoryPercent + ")");
        }
    }
}
