package io.omnicast.bench.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.media.rtsp.RtpInfo;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspResponse;
import io.omnicast.server.LatencyRecorder;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code omnicast bench server-fanout}: runs the streaming server in a child JVM (so its CPU and memory are its own),
 * publishes one synthetic video stream into it and adds light-weight RTP sink readers (this process, Netty) over UDP
 * and over TCP, N = 50, 100, 200. Prints: PLAY sent to first keyframe packet received (p50/p95 over every join, an
 * upper bound of PLAY to first packet leaving the server), the server's CPU (share of one core, from /proc) and heap
 * after a full GC per reader, and whether every reader got the stream's packet rate.
 */
@Command(name = "server-fanout", mixinStandardHelpOptions = true,
        description = "Streaming server: time from PLAY to the first keyframe packet, CPU and memory per reader for "
                + "N UDP and TCP readers of one stream.")
public final class ServerFanoutBench implements Callable<Integer> {
    private static final String KEY = "bench";
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    @Spec
    CommandSpec spec;

    @Option(names = "--readers", split = ",", defaultValue = "50,100,200",
            description = "Reader counts to measure, ascending (default: ${DEFAULT-VALUE}).")
    int[] readerCounts;

    @Option(names = "--bitrate", defaultValue = "2000000", description = "Stream bit rate (default: ${DEFAULT-VALUE}).")
    int bitrate;

    @Option(names = "--seconds", defaultValue = "10", description = "Measuring window per step (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--transports", split = ",", defaultValue = "udp,tcp",
            description = "Transports to measure (default: ${DEFAULT-VALUE}).")
    String[] transports;

    @Option(names = "--joins", defaultValue = "200",
            description = "Joins, one at a time, of the start-latency measurement (default: ${DEFAULT-VALUE}).")
    int joins;

    /**
     * One measured step of a transport: the server's CPU (share of one core), heap after a full GC and RSS with
     * {@code readers} readers ({@code readers} 0: the publisher alone), and what the readers received in the window.
     *
     * @param minKbps the slowest reader's throughput; {@code meanKbps} the mean over the readers
     */
    public record Step(String transport, int readers, double seconds, double cpuShare, long heapKiB, long rssKiB,
            long minPackets, long maxPackets, double minKbps, double meanKbps) {
    }

    /**
     * PLAY to the first keyframe packet: inside the server (PLAY decoded to the packet handed to the transport) and
     * as the client saw it (PLAY sent to the packet received), in ms, over {@code joins} joins one at a time.
     */
    public record StartLatency(long joins, double serverP50Ms, double serverP95Ms, List<Double> clientMs) {
    }

    private final List<Step> steps = new ArrayList<>();
    private final List<Double> fanoutJoinMs = new ArrayList<>();
    private StartLatency startLatency;

    /** The steps measured by the last run, baseline (0 readers) first for each transport. */
    public List<Step> steps() {
        return List.copyOf(steps);
    }

    /** PLAY sent to the first keyframe packet received (ms) of every reader added during the fan-out steps. */
    public List<Double> fanoutJoinMillis() {
        return List.copyOf(fanoutJoinMs);
    }

    /** The start-latency measurement of the last run, or null before one. */
    public StartLatency startLatency() {
        return startLatency;
    }

    /** One light-weight reader: counts packets, notes when the first one arrived. */
    private static final class Sink implements RtspClient.MediaListener {
        final AtomicLong packets = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final CountDownLatch first = new CountDownLatch(1);
        volatile long firstPacketNanos;
        volatile int firstSequence = -1;

        @Override
        public void onRtp(int track, ByteBuf packet) {
            bytes.addAndGet(packet.readableBytes());
            if (packets.getAndIncrement() == 0) {
                firstPacketNanos = System.nanoTime();
                firstSequence = packet.getUnsignedShort(packet.readerIndex() + 2);
                first.countDown();
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Arrays.sort(readerCounts);
        out.printf("server-fanout: one %.1f Mbit/s stream, readers %s, %d s windows, %d cores, %s%n", bitrate / 1e6,
                Arrays.toString(readerCounts), seconds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version());
        measureStartLatency(out);
        List<Double> latencies = fanoutJoinMs;
        latencies.clear();
        steps.clear();
        for (String transport : transports) {
            runTransport(transport, out, latencies);
        }
        latencies.sort(Double::compare);
        out.printf("client view, PLAY sent -> first keyframe packet received while the fan-out runs (%d joins): "
                + "p50 %.2f ms, p95 %.2f ms%n", latencies.size(), percentile(latencies, 50), percentile(latencies, 95));
        out.flush();
        return 0;
    }

    /**
     * PLAY to the first keyframe packet leaving the server, measured inside an in-process server (PLAY decoded to the
     * packet handed to the transport) for {@code --joins} joins alternating UDP and TCP, one at a time.
     */
    private void measureStartLatency(PrintWriter out) throws Exception {
        ServerConfig config = ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(freeTcpPort())
                .udpRtpPort(freeUdpPair()).streamKey(KEY).build();
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try (StreamingServer server = StreamingServer.start(config)) {
            String url = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/latency";
            SyntheticVideoPublisher publisher = SyntheticVideoPublisher.start(url + "?key=" + KEY, bitrate, group);
            Thread.sleep(2500);
            List<Double> client = new ArrayList<>();
            for (int i = 0; i < joins; i++) {
                Thread.sleep(37); // spread the joins over the GOP
                Sink sink = new Sink();
                try (RtspClient c = RtspClient.connect(url, RtspClient.Options.defaults(), group)
                        .get(10, TimeUnit.SECONDS)) {
                    c.mediaListener(sink);
                    RtspResponse describe = c.describe().get(10, TimeUnit.SECONDS);
                    String control = RtspClient.resolveControl(describe.header("Content-Base"), "trackID=0");
                    (i % 2 == 0 ? c.setupUdp(control, 0, false) : c.setupTcp(control, 0, false))
                            .get(10, TimeUnit.SECONDS);
                    long playSent = System.nanoTime();
                    c.play().get(10, TimeUnit.SECONDS);
                    if (sink.first.await(5, TimeUnit.SECONDS)) {
                        client.add((sink.firstPacketNanos - playSent) / 1e6);
                    }
                    c.teardown().get(10, TimeUnit.SECONDS);
                }
            }
            publisher.close();
            client.sort(Double::compare);
            LatencyRecorder inServer = server.firstPacketLatency();
            startLatency = new StartLatency(inServer.count(), inServer.percentileNanos(50) / 1e6,
                    inServer.percentileNanos(95) / 1e6, List.copyOf(client));
            out.printf("PLAY -> first keyframe packet leaving the server (in-process, %d joins, UDP and TCP): p50 %.3f ms,"
                    + " p95 %.3f ms (target p95 <= 5 ms); seen by the client (PLAY sent -> packet received): p50 %.2f "
                    + "ms, p95 %.2f ms%n", inServer.count(), inServer.percentileNanos(50) / 1e6,
                    inServer.percentileNanos(95) / 1e6, percentile(client, 50), percentile(client, 95));
            out.flush();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private void runTransport(String transport, PrintWriter out, List<Double> latencies) throws Exception {
        boolean udp = transport.equalsIgnoreCase("udp");
        int rtspPort = freeTcpPort();
        int udpPort = freeUdpPair();
        Process server = startServer(rtspPort, udpPort);
        NioEventLoopGroup group = new NioEventLoopGroup(2);
        List<RtspClient> readers = new ArrayList<>();
        List<Sink> sinks = new ArrayList<>();
        try {
            String url = "rtsp://127.0.0.1:" + rtspPort + "/live/fanout";
            SyntheticVideoPublisher publisher = SyntheticVideoPublisher.start(url + "?key=" + KEY, bitrate, group);
            Thread.sleep(2500); // a keyframe in the buffer, the JIT warm
            double baseCpu = cpuShare(server, Math.max(1, seconds / 2));
            long baseHeap = heapAfterGc(server);
            long baseRss = rssKiB(server);
            steps.add(new Step(transport, 0, Math.max(1, seconds / 2), baseCpu, baseHeap, baseRss, 0, 0, 0, 0));
            out.printf("%s: publisher only: server CPU %.1f%% of a core, heap after GC %d KiB, RSS %d MiB%n",
                    transport, 100 * baseCpu, baseHeap, baseRss / 1024);
            for (int target : readerCounts) {
                while (readers.size() < target) {
                    Sink sink = new Sink();
                    RtspClient c = RtspClient.connect(url, RtspClient.Options.defaults(), group).get(10, TimeUnit.SECONDS);
                    c.mediaListener(sink);
                    RtspResponse describe = c.describe().get(10, TimeUnit.SECONDS);
                    String control = RtspClient.resolveControl(describe.header("Content-Base"), "trackID=0");
                    (udp ? c.setupUdp(control, 0, false) : c.setupTcp(control, 0, false)).get(10, TimeUnit.SECONDS);
                    long playSent = System.nanoTime();
                    RtspResponse play = c.play().get(10, TimeUnit.SECONDS);
                    sink.first.await(5, TimeUnit.SECONDS);
                    int startSeq = RtpInfo.parse(play.header("RTP-Info")).entries().get(0).seq().orElse(-1);
                    if (sink.firstPacketNanos != 0 && sink.firstSequence == startSeq) {
                        latencies.add((sink.firstPacketNanos - playSent) / 1e6);
                    }
                    if (udp) {
                        c.startKeepAlive(Duration.ofSeconds(20));
                    }
                    readers.add(c);
                    sinks.add(sink);
                }
                Thread.sleep(2000);
                long[] before = sinks.stream().mapToLong(s -> s.packets.get()).toArray();
                long[] bytesBefore = sinks.stream().mapToLong(s -> s.bytes.get()).toArray();
                long t0 = System.nanoTime();
                double cpu = cpuShare(server, seconds);
                long[] after = sinks.stream().mapToLong(s -> s.packets.get()).toArray();
                long[] bytesAfter = sinks.stream().mapToLong(s -> s.bytes.get()).toArray();
                double window = (System.nanoTime() - t0) / 1e9;
                long heap = heapAfterGc(server);
                long rss = rssKiB(server);
                long minPackets = Long.MAX_VALUE;
                long maxPackets = 0;
                double minKbps = Double.MAX_VALUE;
                double sumKbps = 0;
                for (int i = 0; i < before.length; i++) {
                    minPackets = Math.min(minPackets, after[i] - before[i]);
                    maxPackets = Math.max(maxPackets, after[i] - before[i]);
                    double kbps = (bytesAfter[i] - bytesBefore[i]) * 8 / 1000.0 / window;
                    minKbps = Math.min(minKbps, kbps);
                    sumKbps += kbps;
                }
                steps.add(new Step(transport, target, window, cpu, heap, rss, minPackets, maxPackets, minKbps,
                        sumKbps / before.length));
                out.printf("%s N=%d: server CPU %.1f%% of a core (%.3f%% per reader above publisher-only), heap after "
                        + "GC +%.1f KiB per reader, RSS +%.0f KiB per reader; packets per reader in %d s: %d..%d%n",
                        transport, target, 100 * cpu, 100 * (cpu - baseCpu) / target, (heap - baseHeap) / (double) target,
                        (rss - baseRss) / (double) target, seconds, minPackets, maxPackets);
                out.flush();
            }
            publisher.close();
        } finally {
            for (RtspClient c : readers) {
                c.channel().close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static Process startServer(int rtspPort, int udpPort) throws IOException, InterruptedException {
        Path log = Files.createTempFile("omnicast-fanout-server", ".log");
        // A ring that is full before the baseline is taken (1024 packets: ~4.5 s at 2 Mbit/s), so its growth is not
        // counted as the readers' memory.
        Path config = Files.createTempFile("omnicast-fanout-server", ".properties");
        Files.writeString(config, "buffer.packets=1024\nbuffer.bytes=1048576\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xms256m", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.omnicast.server.cli.ServerCommand", "--bind", "127.0.0.1", "--rtsp-port", String.valueOf(rtspPort),
                "--udp-port", String.valueOf(udpPort), "--stream-key", KEY, "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.readString(log, StandardCharsets.UTF_8).contains("omnicast server: rtsp://")) {
                return p;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("server exited: " + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("server did not start within 30 s; log " + log);
    }

    /** The child's CPU over {@code seconds}, as a share of one core (1.0 = one full core). */
    private static double cpuShare(Process p, int seconds) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long c0 = cpuTicks(p);
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long c1 = cpuTicks(p);
        long t1 = System.nanoTime();
        double ticksPerSecond = 100; // USER_HZ on Linux
        return (c1 - c0) / ticksPerSecond / ((t1 - t0) / 1e9);
    }

    /** utime + stime of the process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(Process p) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long rssKiB(Process p) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    /** Heap in use after a full GC of the child, in KiB, via jcmd. */
    private static long heapAfterGc(Process p) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, String.valueOf(p.pid()), "GC.run");
        String info = run(jcmd, String.valueOf(p.pid()), "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return output;
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPair() {
        for (int port = 30000; port < 60000; port += 2) {
            try (DatagramSocket a = new DatagramSocket(port); DatagramSocket b = new DatagramSocket(port + 1)) {
                return port;
            } catch (IOException e) {
                // taken
            }
        }
        throw new IllegalStateException("no free UDP port pair");
    }
}
