package io.omnicast.bench.peer;

import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.bench.demo.PeerStats;
import io.omnicast.bench.report.CsvWriter;
import io.omnicast.bench.report.ReportDocument;
import io.omnicast.bench.report.ReportRun;
import io.omnicast.bench.report.RunDirectory;
import io.omnicast.peer.PeerNode;
import io.omnicast.peer.cli.PeerCommand;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.server.origin.OriginSession;
import io.omnicast.proxy.ProxyServer;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code omnicast bench peer}: the peer node's figures on real components on loopback (in-process proxy with H2
 * in a temporary directory, in-process streaming server, the Debian ffmpeg as the live source).
 *
 * <ol>
 * <li>Chain rounds: a chain of {@code --hops} peers (capacity 1 each) is built from scratch {@code --rounds}
 * times; every join's Tconnection breakdown (proxy, RTSP, first packet, first decoded frame) is collected per hop.
 * In each round the hop-3 relay then logs out (graceful) and, later, the hop-5 relay is aborted (its sockets close
 * without a Logout, as with SIGKILL); the downstream recovery gaps (old parent's last packet to the new parent's
 * first) and stalls are collected. Per-hop added latency: arrival of the same RTP packet at hop h minus hop h-1.</li>
 * <li>Relay cost: a relay peer as its own process (the peer's JVM options, {@code -Xmx128m}, headless, decoding)
 * on a 2 Mbit/s 720p30 stream, its CPU time measured from /proc with 0 children and with {@code --children}
 * children; the difference per child. The same process gives the memory figure (heap and RSS).</li>
 * </ol>
 */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = "Peer node figures: Tconnection per hop (p50/p95), Trecovery graceful and abort, stalls, "
                + "relay CPU per child at 2 Mbit/s, per-hop latency p99, memory of a headless 720p30 peer.")
public final class PeerBench implements Callable<Integer> {
    private static final String CHANNEL = "bench";
    private static final String KEY = "bench-key";
    private static final String PASSWORD = "bench-passphrase";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--rounds", description = "Chains built from scratch (default ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int rounds;

    @Option(names = "--hops", description = "Chain length (default ${DEFAULT-VALUE}).", defaultValue = "9")
    int hops;

    @Option(names = "--children", description = "Children of the measured relay (default ${DEFAULT-VALUE}).",
            defaultValue = "8")
    int children;

    @Option(names = "--seconds", description = "CPU measuring time per relay set-up (default ${DEFAULT-VALUE}).",
            defaultValue = "15")
    int seconds;

    @Option(names = "--ffmpeg", description = "The source (default ${DEFAULT-VALUE}).", defaultValue = "/usr/bin/ffmpeg")
    String ffmpeg;

    @Option(names = "--repeats", description = "Alternations of the relay's CPU measurement, 0 children then "
            + "--children (default ${DEFAULT-VALUE}); the per-child figure is the median.", defaultValue = "3")
    int repeats;

    @Option(names = "--reports", paramLabel = "DIR", defaultValue = "reports",
            description = "Where the run directory is created (default ${DEFAULT-VALUE}).")
    Path reportsRoot;

    private RunDirectory run;
    private ReportDocument report;

    private final HttpClient http = HttpClient.newHttpClient();
    private PrintWriter out;
    private Path dir;
    private int nextHost = 2;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (repeats < 1 || rounds < 1 || hops < 2 || children < 1 || seconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeats, --rounds, --children and "
                    + "--seconds must be at least 1 and --hops at least 2");
        }
        dir = Files.createTempDirectory("omnicast-bench-peer");
        ReportRun reportRun = ReportRun.start(reportsRoot, "peer", "Peer node: per-hop latency, relay cost and memory",
                spec);
        run = reportRun.run();
        report = reportRun.report();
        report.parameter("chain", rounds + " rounds of a " + hops + "-hop chain of in-process peers (capacity 1, "
                        + "320x240 30 fps 600 kbit/s from ffmpeg, TCP), real loopback sockets between them")
                .parameter("JVM of the chain", String.join(" ",
                        ManagementFactory.getRuntimeMXBean().getInputArguments()) + " (./omnicast bench peer starts it with the peer's "
                        + "options, " + PeerCommand.JVM_OPTIONS_RESOURCE + "; the proxy in it hashes passwords "
                        + "with 10,000 PBKDF2 rounds)")
                .parameter("relay cost", "a relay process (the peer's JVM options, -Xmx128m, headless decoding) on 720p30 at 2 Mbit/s, CPU "
                        + "from /proc over " + seconds + " s, alternating 0 and " + children + " children (no-decode "
                        + "peers) " + repeats + " times");
        out.printf("bench peer: %d rounds of a %d-hop chain, relay with %d children; work dir %s%n", rounds, hops,
                children, dir);
        Map<Integer, List<long[]>> joins = new HashMap<>();
        List<Long> gracefulGaps = new ArrayList<>();
        List<Long> abortGaps = new ArrayList<>();
        List<Long> hopLatencyMicros = new ArrayList<>();
        long stalls = 0;
        long lostAfterRepair = 0;
        try (Rig rig = new Rig("testsrc2=size=320x240:rate=30", "600k", 1)) {
            for (int round = 1; round <= rounds; round++) {
                Map<Integer, Map<Integer, Long>> arrivals = new ConcurrentHashMap<>();
                List<PeerNode> chain = new ArrayList<>();
                try {
                    for (int hop = 1; hop <= hops; hop++) {
                        PeerNode peer = rig.peer("r" + round + "h" + hop, hop < hops ? 1 : 0);
                        chain.add(peer);
                        int h = hop;
                        Map<Integer, Long> mine = new ConcurrentHashMap<>();
                        arrivals.put(h, mine);
                        peer.observePackets((seq, nanos) -> {
                            if (mine.size() < 20_000) {
                                mine.put(seq, nanos);
                            }
                        });
                        Map<String, Object> s = peer.stats();
                        @SuppressWarnings("unchecked")
                        Map<String, Object> join = (Map<String, Object>) s.get("join");
                        joins.computeIfAbsent((int) s.get("hopCount"), k -> new ArrayList<>()).add(new long[] {
                            (long) join.get("proxyMs"), (long) join.get("rtspMs"), (long) join.get("firstPacketMs"),
                            (long) join.get("firstFrameMs"), (long) join.get("decodeMs")});
                    }
                    Thread.sleep(5000);
                    for (int h = 2; h <= hops; h++) {
                        Map<Integer, Long> up = arrivals.get(h - 1);
                        for (Map.Entry<Integer, Long> e : arrivals.get(h).entrySet()) {
                            Long before = up.get(e.getKey());
                            if (before != null) {
                                hopLatencyMicros.add(TimeUnit.NANOSECONDS.toMicros(e.getValue() - before));
                            }
                        }
                    }
                    chain.forEach(p -> p.observePackets(null));
                    chain.get(2).close(); // graceful: Logout
                    collectRecovery(chain.get(3), gracefulGaps);
                    Thread.sleep(2000);
                    chain.get(4).abort(); // sockets close, no Logout
                    collectRecovery(chain.get(5), abortGaps);
                    Thread.sleep(3000); // repair window, playout on the new parents
                    for (int i = 0; i < chain.size(); i++) {
                        if (i == 2 || i == 4) {
                            continue;
                        }
                        Map<String, Object> s = chain.get(i).stats();
                        stalls += (long) s.get("stalls");
                        lostAfterRepair += (long) s.get("packetsLost");
                    }
                    out.printf("  round %d done%n", round);
                    out.flush();
                } finally {
                    for (PeerNode p : chain) {
                        p.close();
                    }
                }
            }
        }
        out.println();
        out.println("Tconnection per hop, ms (p50 / p95 over " + rounds + " joins per hop):");
        out.println("  hop   proxy        rtsp         first packet  first decoded frame (total)  of which decode"
                + " (first packet to first picture)");
        for (int hop = 1; hop <= hops; hop++) {
            List<long[]> samples = joins.getOrDefault(hop, List.of());
            out.printf(Locale.ROOT, "  %3d  %s  %s  %s  %s                 %s%n", hop, pp(samples, 0),
                    pp(samples, 1), pp(samples, 2), pp(samples, 3), pp(samples, 4));
        }
        out.printf(Locale.ROOT, "Trecovery graceful (hop-3 Logout, hop-4's gap): p50 %d ms, p95 %d ms (n=%d)%n",
                percentile(gracefulGaps, 50), percentile(gracefulGaps, 95), gracefulGaps.size());
        out.printf(Locale.ROOT, "Trecovery abort (hop-5 sockets closed, no Logout; hop-6's gap): p50 %d ms, p95 %d ms"
                + " (n=%d)%n", percentile(abortGaps, 50), percentile(abortGaps, 95), abortGaps.size());
        out.printf(Locale.ROOT, "stalls of the remaining peers: %d; packets lost after repair: %d%n", stalls,
                lostAfterRepair);
        out.printf(Locale.ROOT, "per-hop added latency (same RTP packet, hop h minus hop h-1): p50 %.2f ms, p99 %.2f ms"
                + " (n=%d)%n", percentile(hopLatencyMicros, 50) / 1000.0, percentile(hopLatencyMicros, 99) / 1000.0,
                hopLatencyMicros.size());
        out.flush();
        try (CsvWriter csv = run.csv("hop_latency", "microseconds")) {
            hopLatencyMicros.forEach(csv::row);
        }
        try (CsvWriter csv = run.csv("joins", "hop", "proxy_ms", "rtsp_ms", "first_packet_ms", "first_frame_ms",
                "decode_ms")) {
            joins.forEach((hop, list) -> list.forEach(j -> csv.row(hop, j[0], j[1], j[2], j[3], j[4])));
        }
        report.headline("Per-hop added latency along a " + hops + "-hop chain (same RTP packet at hop h minus hop "
                + "h-1), " + rounds + " rounds", String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms (n=%,d)",
                        percentile(hopLatencyMicros, 50) / 1000.0, percentile(hopLatencyMicros, 99) / 1000.0,
                        hopLatencyMicros.size()), "p99 <= 2 ms per hop");
        report.section("Chain of in-process peers");
        report.text(String.format(Locale.ROOT, "Per-hop added latency p50 %.2f ms, p99 %.2f ms over %,d packet "
                + "pairs. Trecovery (in-process: graceful hop-3 Logout p50 %d / p95 %d ms, n=%d; hop-5 sockets closed "
                + "p50 %d / p95 %d ms, n=%d); %d stalls, %d packets lost after repair. The paper scenario measures "
                + "Tconnection and Trecovery on separate processes with SIGKILL.",
                percentile(hopLatencyMicros, 50) / 1000.0, percentile(hopLatencyMicros, 99) / 1000.0,
                hopLatencyMicros.size(), percentile(gracefulGaps, 50), percentile(gracefulGaps, 95),
                gracefulGaps.size(), percentile(abortGaps, 50), percentile(abortGaps, 95), abortGaps.size(), stalls,
                lostAfterRepair));
        relayCost();
        out.println("report: " + reportRun.finish());
        return 0;
    }

    private void collectRecovery(PeerNode peer, List<Long> gaps) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> recoveries = (List<Map<String, Object>>) peer.stats().get("recoveries");
            for (int i = recoveries.size() - 1; i >= 0; i--) {
                Map<String, Object> r = recoveries.get(i);
                if (!"rtp-timeout".equals(r.get("cause")) && (long) r.get("gapMs") >= 0) {
                    gaps.add((long) r.get("gapMs"));
                    return;
                }
            }
            Thread.sleep(50);
        }
        out.println("  (a recovery did not complete within 20 s)");
    }

    private void relayCost() throws Exception {
        try (Rig rig = new Rig("testsrc2=size=1280x720:rate=30", "2000k", 1)) {
            rig.account("relay");
            int statsPort;
            try (ServerSocket s = new ServerSocket(0)) {
                statsPort = s.getLocalPort();
            }
            String address = rig.nextAddress();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString()));
            command.addAll(PeerCommand.jvmOptions());
            command.addAll(List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"),
                    "io.omnicast.peer.cli.PeerCommand", "--proxy", "127.0.0.1:" + rig.proxy.uscpAddress().getPort(),
                    "--user", "relay", "--password", PASSWORD, "--channel", CHANNEL, "--bind", address,
                    "--max-children", String.valueOf(children), "--fixed-capacity", "--stats-port",
                    String.valueOf(statsPort), "--transport", "tcp", "--headless"));
            Process relay = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("relay.log").toFile()).start();
            List<PeerNode> kids = new ArrayList<>();
            try {
                PeerStats s = awaitProcess(statsPort, relay);
                rig.awaitJson("/api/nodes/" + s.text("nodeId"), b -> b.contains("\"reachable\":true"));
                Thread.sleep(3000);
                // Alternate: the machine's background moves the relay's own figure, so each "with children" is
                // compared with the "alone" just before it, and the median of the differences is the figure.
                List<Double> perChild = new ArrayList<>();
                double alone = 0;
                double withChildren = 0;
                PeerStats after = null;
                long rss = -1;
                try (CsvWriter csv = run.csv("relay_cpu", "repeat", "children", "cpu_share_of_a_core")) {
                    for (int r = 1; r <= repeats; r++) {
                        alone = cpuShare(relay.pid(), seconds);
                        csv.row(r, 0, alone);
                        for (int i = 1; i <= children; i++) {
                            kids.add(rig.peer("kid" + r + "x" + i, 0, PeerConfig.PlayerMode.COUNT_ONLY));
                        }
                        Thread.sleep(3000);
                        withChildren = cpuShare(relay.pid(), seconds);
                        csv.row(r, kids.size(), withChildren);
                        perChild.add((withChildren - alone) * 100 / kids.size());
                        if (r == repeats) {
                            after = PeerStats.fetch(statsPort); // memory while relaying to all the children
                            rss = rssBytes(relay.pid());
                        }
                        out.printf(Locale.ROOT, "  relay CPU, repeat %d: %.1f%% alone, %.1f%% with %d children%n", r,
                                alone * 100, withChildren * 100, kids.size());
                        kids.forEach(PeerNode::close);
                        kids.clear();
                        Thread.sleep(3000);
                    }
                }
                perChild.sort(Double::compare);
                double medianPerChild = perChild.get(perChild.size() / 2);
                if (after == null) {
                    throw new IllegalStateException("the relay process gave no stats; see " + dir.resolve("relay.log"));
                }
                out.printf(Locale.ROOT, "relay CPU (headless 720p30 at %d kbit/s, decoding): median %.2f%% of a core "
                        + "per child over %d repeats (%s)%n", (long) after.number("bitrateKbps", 0), medianPerChild,
                        repeats, perChild);
                report.headline("Relay CPU per child, 720p30 at 2 Mbit/s (relay process decoding headless, 0 vs "
                        + children + " children, median of " + repeats + " alternations)", String.format(Locale.ROOT,
                                "%.2f %% of a core per child (each: %s)", medianPerChild, perChild.stream()
                                        .map(v -> String.format(Locale.ROOT, "%.2f", v)).toList()),
                        "<= 0.3 % of a core per child");
                report.headline("Memory of a headless peer decoding 720p30 at 2 Mbit/s under -Xmx128m, relaying",
                        String.format(Locale.ROOT, "heap used %.1f MiB of %.0f MiB, RSS %.1f MiB; %.0f fps, %d stalls",
                                after.number("heapUsedBytes", 0) / 1048576.0, after.number("heapMaxBytes", 0)
                                        / 1048576.0, rss / 1048576.0, after.number("fps", 0),
                                (long) after.number("stalls", 0)), "runs with -Xmx128m");
                out.printf(Locale.ROOT, "memory of that peer under -Xmx128m: heap used %.1f MiB of %.1f MiB, RSS %.1f MiB,"
                        + " %d stalls, fps %.0f%n", after.number("heapUsedBytes", 0) / 1048576.0,
                        after.number("heapMaxBytes", 0) / 1048576.0, rss / 1048576.0,
                        (long) after.number("stalls", 0), after.number("fps", 0));
                out.flush();
            } finally {
                kids.forEach(PeerNode::close);
                relay.destroy();
                if (!relay.waitFor(10, TimeUnit.SECONDS)) {
                    relay.destroyForcibly();
                }
            }
        }
    }

    private static PeerStats awaitProcess(int statsPort, Process process) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && process.isAlive()) {
            PeerStats s = PeerStats.fetch(statsPort);
            if (s != null && "playing".equals(s.text("state")) && s.number("framesDecoded", 0) > 0) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the relay process did not start playing");
    }

    /** Share of one core the process used over {@code seconds} (utime + stime from /proc, clock ticks of 10 ms). */
    private static double cpuShare(long pid, int seconds) throws Exception {
        long before = cpuTicks(pid);
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long ticks = cpuTicks(pid) - before;
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        return ticks / 100.0 / wallSeconds; // USER_HZ is 100 on Linux
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    private static String pp(List<long[]> samples, int column) {
        List<Long> values = new ArrayList<>();
        for (long[] s : samples) {
            if (s[column] >= 0) {
                values.add(s[column]);
            }
        }
        return String.format(Locale.ROOT, "%5d / %-5d", percentile(values, 50), percentile(values, 95));
    }

    /** Nearest-rank percentile; -1 without samples. */
    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Proxy, streaming server, ffmpeg source and the origin's registration. */
    private final class Rig implements AutoCloseable {
        final NioEventLoopGroup group = new NioEventLoopGroup(1);
        final ProxyServer proxy;
        final StreamingServer server;
        final Process source;
        final OriginSession origin;

        Rig(String lavfi, String bitrate, int originChildren) throws Exception {
            Path db = Files.createTempDirectory(dir, "proxy");
            // The proxy shares the chain's JVM, which runs with the peer's options (C1 only: no SHA-256 intrinsic),
            // where the default PBKDF2 cost took about 0.5 s per login; the proxy's own figures come from bench load
            // and bench paper, so its password hashing here is cheap.
            proxy = ProxyServer.start(ProxyConfig.builder().dbPath(db.resolve("proxy")).topology("hop-count")
                    .uscpPort(0).httpPort(0).bindAddress("127.0.0.1").pbkdf2Iterations(10_000).build());
            proxy.services().accounts().create("origin", PASSWORD, "origin");
            server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(0).udpRtpPort(0)
                    .channelKey(CHANNEL, KEY).build());
            source = new ProcessBuilder(ffmpeg, "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                    lavfi, "-c:v", "libx264", "-g", "30", "-preset", "ultrafast", "-tune", "zerolatency",
                    "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate, "-pix_fmt", "yuv420p", "-f", "rtsp",
                    "-rtsp_transport", "tcp", "rtsp://127.0.0.1:" + server.rtspPort() + "/live/" + CHANNEL + "?key="
                    + KEY).redirectErrorStream(true).redirectOutput(dir.resolve("source.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.channel(CHANNEL).isEmpty()) {
                if (System.nanoTime() > deadline || !source.isAlive()) {
                    throw new IllegalStateException("ffmpeg did not publish; see " + dir.resolve("source.log"));
                }
                Thread.sleep(100);
            }
            origin = new OriginSession(proxy.uscpAddress(), "origin", PASSWORD, CHANNEL,
                    new InetSocketAddress("127.0.0.1", server.rtspPort()), originChildren, group);
            origin.start();
            awaitJson("/api/channels", b -> b.contains(CHANNEL));
        }

        String nextAddress() {
            int n = nextHost++;
            return "127.0." + (n / 250) + "." + (2 + n % 250);
        }

        void account(String user) throws Exception {
            proxy.services().accounts().create(user, PASSWORD, "viewer");
        }

        PeerNode peer(String user, int maxChildren) throws Exception {
            return peer(user, maxChildren, PeerConfig.PlayerMode.HEADLESS);
        }

        PeerNode peer(String user, int maxChildren, PeerConfig.PlayerMode mode) throws Exception {
            account(user);
            PeerNode peer = new PeerNode(PeerConfig.builder().proxy("127.0.0.1:" + proxy.uscpAddress().getPort())
                    .user(user).password(PASSWORD).channel(CHANNEL).bind(nextAddress()).maxChildren(maxChildren)
                    .capacityFollowsLoad(false).transport(TransportMode.TCP).playerMode(mode)
                    .playoutDelay(Duration.ofMillis(500)).build());
            peer.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!("playing".equals(peer.stats().get("state")) && (long) peer.stats().get("framesDecoded") > 0)) {
                if (System.nanoTime() > deadline) {
                    peer.close();
                    throw new IllegalStateException(user + " did not start playing: " + peer.stats());
                }
                Thread.sleep(20);
            }
            if (maxChildren > 0) {
                awaitJson("/api/nodes/" + peer.stats().get("nodeId"), b -> b.contains("\"reachable\":true"));
            }
            return peer;
        }

        String awaitJson(String path, Predicate<String> condition) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String last = null;
            while (System.nanoTime() < deadline) {
                try {
                    last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                            + proxy.httpAddress().getPort() + path)).build(), HttpResponse.BodyHandlers.ofString())
                            .body();
                    if (condition.test(last)) {
                        return last;
                    }
                } catch (IOException e) {
                    last = e.toString();
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("condition not met on " + path + ": " + last);
        }

        @Override
        public void close() throws Exception {
            origin.close();
            source.destroy();
            source.waitFor(5, TimeUnit.SECONDS);
            source.destroyForcibly();
            server.close();
            proxy.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
