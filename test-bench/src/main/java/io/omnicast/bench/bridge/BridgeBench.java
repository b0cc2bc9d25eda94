package io.omnicast.bench.bridge;

import io.omnicast.bench.report.ReportDocument;
import io.omnicast.bench.report.ReportRun;
import io.omnicast.bridge.Bridge;
import io.omnicast.bridge.BridgeConfig;
import io.omnicast.bridge.publish.LatencyHistogram;
import io.omnicast.bridge.publish.PublishState;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code omnicast bench bridge}: the encoder bridge in pass-through. ffmpeg sends a 1080p30 H.264 stream of about
 * 4 Mbit/s as MPEG-TS over UDP, as a hardware encoder would; the bridge (in this JVM) publishes it to a streaming
 * server (in this JVM). Measured: the latency the bridge adds from an input packet read to its RTP packets handed
 * to the socket (p50/p99), and the CPU the bridge's own threads use (input thread + publishing event loop), as a
 * share of one core.
 */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Encoder bridge pass-through: added latency (p50/p99) and CPU for a 4 Mbit/s 1080p30 stream.")
public final class BridgeBench implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seconds", description = "Measured time after warm-up (default ${DEFAULT-VALUE}).",
            defaultValue = "20")
    int seconds;

    @Option(names = "--warmup", description = "Warm-up seconds, not measured (default ${DEFAULT-VALUE}).",
            defaultValue = "5")
    int warmup;

    @Option(names = "--bitrate", description = "Source video bitrate in kbit/s (default ${DEFAULT-VALUE}).",
            defaultValue = "4000")
    int bitrateKbps;

    @Option(names = "--ffmpeg", description = "The ffmpeg that plays the hardware encoder (default ${DEFAULT-VALUE}).",
            defaultValue = "/usr/bin/ffmpeg")
    String ffmpeg;

    @Option(names = "--reports", paramLabel = "DIR", defaultValue = "reports",
            description = "Where the run directory is created (default ${DEFAULT-VALUE}).")
    Path reportsRoot;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ReportRun reportRun = ReportRun.start(reportsRoot, "bridge", "Encoder bridge pass-through: added latency and "
                + "CPU", spec);
        reportRun.report().parameter("input", "a 10 s 1080p30 H.264 clip at " + bitrateKbps + " kbit/s looped by "
                + ffmpeg + " as MPEG-TS over UDP (a hardware encoder's output)").parameter("output", "RTSP/TCP to "
                + "the streaming server in this JVM").parameter("measured", seconds + " s after " + warmup
                + " s of warm-up");
        Path dir = Files.createTempDirectory("omnicast-bench-bridge");
        Path clip = dir.resolve("1080p30.ts");
        out.println("encoding a 10 s 1080p30 clip at " + bitrateKbps + " kbit/s with " + ffmpeg + " ...");
        out.flush();
        String rate = bitrateKbps + "k";
        run(List.of(ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                "testsrc2=size=1920x1080:rate=30:duration=10", "-c:v", "libx264", "-preset", "ultrafast", "-g", "60",
                "-b:v", rate, "-maxrate", rate, "-bufsize", rate, "-pix_fmt", "yuv420p", "-f", "mpegts",
                clip.toString()));
        int rtspPort = freeTcpPort();
        int udpPort = freeUdpPort();
        Process sender = null;
        Bridge bridge = null;
        Thread input = null;
        try (StreamingServer server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1")
                .rtspPort(rtspPort).udpRtpPort(0).streamKey("bench").build())) {
            BridgeConfig config = BridgeConfig.defaults().input("udp://127.0.0.1:" + udpPort)
                    .publishUrl("rtsp://127.0.0.1:" + rtspPort + "/live/bench").streamKey("bench")
                    .status(BridgeConfig.StatusMode.OFF).build();
            bridge = new Bridge(config);
            Bridge running = bridge;
            input = new Thread(running::run, "bridge-input");
            input.start();
            try {
                sender = new ProcessBuilder(ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                        "-stream_loop", "-1", "-i", clip.toString(), "-c", "copy", "-f", "mpegts",
                        "udp://127.0.0.1:" + udpPort + "?pkt_size=1316").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (bridge.publisher().state() != PublishState.PUBLISHING && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                if (bridge.publisher().state() != PublishState.PUBLISHING) {
                    out.println("the bridge did not start publishing within 30 s");
                    return 1;
                }
                Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
                LatencyHistogram latency = bridge.publisher().latency();
                latency.reset();
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                Map<Long, Long> cpuStart = bridgeThreadCpu(threads);
                long framesStart = bridge.publisher().framesSent();
                long bytesStart = bridge.publisher().bytesSent();
                long wallStart = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                long wall = System.nanoTime() - wallStart;
                Map<Long, Long> cpuEnd = bridgeThreadCpu(threads);
                long cpu = 0;
                for (Map.Entry<Long, Long> e : cpuEnd.entrySet()) {
                    cpu += e.getValue() - cpuStart.getOrDefault(e.getKey(), 0L);
                }
                long frames = bridge.publisher().framesSent() - framesStart;
                double mbps = (bridge.publisher().bytesSent() - bytesStart) * 8 / 1e6 / (wall / 1e9);
                out.printf(Locale.ROOT, "pass-through of 1080p30 H.264 (MPEG-TS/UDP in, RTSP/TCP out) for %d s:%n", seconds);
                out.printf(Locale.ROOT, "  frames sent (audio+video): %d, RTP out: %.2f Mbit/s%n", frames, mbps);
                out.printf(Locale.ROOT, "  added latency (input packet read -> RTP handed to the socket): p50 %.2f ms, "
                        + "p99 %.2f ms (target p99 <= 5 ms)%n", latency.quantileMicros(0.5) / 1000,
                        latency.quantileMicros(0.99) / 1000);
                out.printf(Locale.ROOT, "  CPU of the bridge's threads: %.2f%% of one core (target < 5%%)%n",
                        100.0 * cpu / wall);
                ReportDocument report = reportRun.report();
                report.headline("Encoder bridge pass-through, 1080p30 " + bitrateKbps + " kbit/s: latency added "
                        + "(input packet read to RTP handed to the socket)", String.format(Locale.ROOT,
                                "p50 %.2f ms, p99 %.2f ms", latency.quantileMicros(0.5) / 1000,
                                latency.quantileMicros(0.99) / 1000), "p99 <= 5 ms");
                report.headline("Encoder bridge pass-through, 1080p30 " + bitrateKbps + " kbit/s: CPU of the bridge's "
                        + "threads", String.format(Locale.ROOT, "%.2f %% of one core (%d frames, %.2f Mbit/s out)",
                                100.0 * cpu / wall, frames, mbps), "< 5 % of a core");
                out.println("report: " + reportRun.finish());
                out.flush();
                return 0;
            } finally {
                // the bridge goes before the server, so it does not see the server leave
                if (sender != null) {
                    sender.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
                bridge.stop();
                input.join(5000);
                bridge.close();
            }
        } finally {
            Files.deleteIfExists(clip);
            Files.deleteIfExists(dir);
        }
    }

    /** CPU time of the bridge's threads: its input thread and its publishing event loop. */
    private static Map<Long, Long> bridgeThreadCpu(ThreadMXBean threads) {
        Map<Long, Long> cpu = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("bridge-")) {
                long nanos = threads.getThreadCpuTime(t.getId());
                if (nanos >= 0) {
                    cpu.put(t.getId(), nanos);
                }
            }
        }
        return cpu;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("failed: " + String.join(" ", command));
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
