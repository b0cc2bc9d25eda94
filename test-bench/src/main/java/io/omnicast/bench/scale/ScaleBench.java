package io.omnicast.bench.scale;

import io.omnicast.bench.live.LiveRig;
import io.omnicast.bench.live.LiveScenario;
import io.omnicast.bench.live.ProcessStats;
import io.omnicast.bench.report.Charts;
import io.omnicast.bench.report.CsvWriter;
import io.omnicast.bench.report.ResultTable;
import io.omnicast.bench.report.Samples;
import io.omnicast.bench.scale.HostClient.Arrival;
import io.omnicast.bench.scale.HostClient.PeerLine;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code omnicast bench scale}: as many peers as the machine holds on loopback. The peers run in a few
 * {@link ScaleHost} processes (many {@code PeerNode}s per JVM, each with its own account, address, proxy session,
 * relay and parent link), most counting frames from RTP timestamps and markers without decoding, a sample decoding
 * with FFmpeg in a host of their own so their cost shows apart. Peers join at a steady pace into the tree the
 * topology plugin builds; when all play, a window is measured: frame rate per peer grouped by hop, per-hop latency
 * (arrival of the same RTP sequence number at a peer and at its parent, {@code System.nanoTime} being
 * CLOCK_MONOTONIC on Linux and so comparable between the processes), and CPU and RSS of every process divided by
 * the peers it holds.
 */
@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = "As many peers as the machine holds on loopback (many peer nodes per JVM, most not decoding, a "
                + "sample decoding): frame rate per hop, per-hop latency, CPU and memory per peer.")
public final class ScaleBench extends LiveScenario {
    /** A peer "holds 30 fps" when it counted at least this many frames per second over the window. */
    static final double FULL_RATE_FPS = 29.5;

    @Option(names = "--peers", defaultValue = "200", description = "Peers (default ${DEFAULT-VALUE}).")
    int peers;

    @Option(names = "--hosts", defaultValue = "4",
            description = "Processes holding the non-decoding peers (default ${DEFAULT-VALUE}).")
    int hosts;

    @Option(names = "--decode-sample", defaultValue = "4",
            description = "Peers that decode with FFmpeg, in a process of their own (default ${DEFAULT-VALUE}).")
    int decodeSample;

    @Option(names = "--max-children", defaultValue = "4",
            description = "Children slots of every peer (default ${DEFAULT-VALUE}).")
    int maxChildren;

    @Option(names = "--origin-children", defaultValue = "4",
            description = "Children slots of the streaming server (default ${DEFAULT-VALUE}).")
    int originChildren;

    @Option(names = "--join-rate", defaultValue = "5", description = "Peers joining per second (default ${DEFAULT-VALUE}).")
    double joinRate;

    @Option(names = "--window", defaultValue = "20", description = "Seconds measured once every peer plays "
            + "(default ${DEFAULT-VALUE}).")
    int windowSeconds;

    @Option(names = "--settle", defaultValue = "5", description = "Seconds between the last peer playing and the "
            + "window (default ${DEFAULT-VALUE}).")
    int settleSeconds;

    @Option(names = "--transport", defaultValue = "tcp", description = "udp or tcp from each parent "
            + "(default ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--host-heap-mb", defaultValue = "1024", description = "-Xmx of each host process "
            + "(default ${DEFAULT-VALUE}).")
    int hostHeapMb;

    @Option(names = "--host-nice", defaultValue = "5", description = "Niceness of the host processes (0 = as the "
            + "rest): on a saturated machine the peers, not the stream's source, the origin and the proxy, should "
            + "give way, as on separate machines (default ${DEFAULT-VALUE}).")
    int hostNice;

    @Option(names = "--host-jvm-arg", paramLabel = "ARG", description = "An extra JVM option of the host "
            + "processes (repeatable), e.g. -XX:StartFlightRecording:filename=host.jfr to profile them.")
    List<String> hostJvmArgs = new ArrayList<>();

    @Option(names = "--play-timeout", defaultValue = "90", description = "Seconds after the last join within which "
            + "every peer must play; the ones that do not are reported (default ${DEFAULT-VALUE}).")
    int playTimeoutSeconds;

    private final List<HostClient> hostClients = new ArrayList<>();
    private final Map<String, HostClient> hostOf = new HashMap<>();

    @Override
    protected String scenario() {
        return "scale";
    }

    @Override
    protected String title() {
        return "Scale: " + peers + " peers on one machine (" + kbps + " kbit/s, 30 fps)";
    }

    @Override
    protected void validate() {
        if (peers < 1 || peers > 2000 || hosts < 1 || hosts > 64 || decodeSample < 0 || decodeSample > peers
                || maxChildren < 0 || maxChildren > 64 || originChildren < 1 || joinRate <= 0 || windowSeconds < 2
                || settleSeconds < 0 || playTimeoutSeconds < 5 || hostHeapMb < 64
                || !(transport.equals("tcp") || transport.equals("udp"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need 1 <= --peers <= 2000, 1 <= --hosts <= "
                    + "64, 0 <= --decode-sample <= --peers, 0 <= --max-children <= 64, --origin-children >= 1, "
                    + "--join-rate > 0, --window >= 2, --play-timeout >= 5, --host-heap-mb >= 64, --transport "
                    + "tcp|udp");
        }
    }

    @Override
    protected void run(LiveRig rig) throws Exception {
        int counting = peers - decodeSample;
        report.parameter("peers", peers + " (" + counting + " counting frames without decoding, " + decodeSample
                + " decoding with FFmpeg)");
        report.parameter("processes", hosts + " host JVMs for the counting peers" + (decodeSample > 0
                ? " + 1 for the decoding sample" : "") + " (-Xmx" + hostHeapMb + "m, Shenandoah GC: the rings of many "
                + "peers hold seconds of packets, which a stop-the-world collector copies in long pauses; the hosted "
                + "peers share 2 event-loop threads" + (hostNice != 0 ? ", nice " + hostNice : "") + "); proxy and streaming "
                + "server in the bench JVM; the bridge's encoder");
        report.parameter("tree", "every peer " + maxChildren + " children slots, streaming server " + originChildren
                + "; transport " + transport + ", playout delay 500 ms");
        report.parameter("joins", String.format(Locale.ROOT, "%.1f peers/s; window %d s after %d s settling",
                joinRate, windowSeconds, settleSeconds));
        say("starting proxy, streaming server and the bridge's test pattern");
        rig.publishTestPattern(size, 30, kbps, 30, originChildren);
        List<String> users = new ArrayList<>();
        for (int i = 0; i < peers; i++) {
            String user = String.format(Locale.ROOT, "s%04d", i);
            users.add(user);
            rig.account(user, "viewer");
            progress.update(i + 1, peers, () -> "accounts created");
        }
        startHosts(rig);
        java.util.concurrent.ScheduledExecutorService sampler = startRampSampler();
        List<PeerLine> playing;
        try {
            join(users);
            playing = awaitPlaying();
            Thread.sleep(1100); // the sampler's last second
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
        }
        say(playing.stream().filter(PeerLine::playing).count() + " of " + peers + " peers play; settling "
                + settleSeconds + " s");
        Thread.sleep(TimeUnit.SECONDS.toMillis(settleSeconds));
        measure(rig, List.copyOf(ramp));
    }

    // ------------------------------------------------------------------------------------------ set-up

    private void startHosts(LiveRig rig) throws Exception {
        int total = hosts + (decodeSample > 0 ? 1 : 0);
        for (int h = 0; h < total; h++) {
            boolean decoding = h == hosts;
            String name = decoding ? "scale-host-decode" : "scale-host-" + h;
            int port = LiveRig.freePort();
            List<String> jvm = new ArrayList<>(List.of("-Xms256m", "-Xmx" + hostHeapMb + "m", "-XX:+UseShenandoahGC",
                    "-Dio.netty.eventLoopThreads=1"));
            jvm.addAll(hostJvmArgs);
            Process p = rig.launch(name, jvm, "bench", "scale-host", "--proxy", rig.proxyAddress(),
                    "--channel", rig.channel(), "--password", LiveRig.PASSWORD, "--control-port",
                    String.valueOf(port), "--transport", transport);
            hostClients.add(new HostClient(name, port, p, rig.log(name), decoding));
        }
        for (HostClient h : hostClients) {
            h.awaitReady(Duration.ofSeconds(60));
            if (hostNice != 0) {
                renice(h.process().pid());
            }
        }
        say(total + " host processes up");
    }

    /**
     * Renices every thread of {@code pid}: on Linux niceness is per thread and a new thread takes its creator's, so
     * the threads that exist once the host answers (its control, starter, JIT and GC threads) pass it on to the
     * peers' threads they create.
     */
    private void renice(long pid) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("renice", "-n", String.valueOf(hostNice), "-p"));
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(t -> command.add(t.getFileName().toString()));
        }
        Process r = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(r.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (r.waitFor() != 0) {
            say("could not renice host " + pid + ": " + text.strip());
        }
    }

    /** One second of the join phase: peers started and playing, and the machine's busy cores. */
    private record JoinSample(double seconds, int joined, int playing, double busyCores) {
    }

    private List<JoinSample> join(List<String> users) throws Exception {
        List<HostClient> countingHosts = hostClients.stream().filter(h -> !h.decoding()).toList();
        Optional<HostClient> decodeHost = hostClients.stream().filter(HostClient::decoding).findFirst();
        java.util.Set<Integer> decoders = new java.util.HashSet<>();
        for (int k = 0; k < decodeSample; k++) {
            decoders.add((int) ((k + 0.5) * peers / decodeSample)); // spread over the join order, so over the hops
        }
        long t0 = System.nanoTime();
        long interval = (long) (1e9 / joinRate);
        int countingIndex = 0;
        for (int i = 0; i < users.size(); i++) {
            long wait = t0 + i * interval - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            boolean decode = decoders.contains(i);
            HostClient host = decode ? decodeHost.orElseThrow() : countingHosts.get(countingIndex++
                    % countingHosts.size());
            String user = users.get(i);
            host.startPeer(user, "127.1." + (i / 250) + "." + (2 + i % 250), maxChildren, decode);
            hostOf.put(user, host);
            joined = i + 1;
            progress.update(joined, users.size(), () -> "peers joined (" + playingNow + " playing)");
        }
        return ramp;
    }

    /** Peers started so far and playing at the last ramp sample (the sampler thread writes the latter). */
    private volatile int joined;
    private volatile int playingNow;
    private final List<JoinSample> ramp = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Samples the join ramp once a second from its own thread until closed. */
    private java.util.concurrent.ScheduledExecutorService startRampSampler() {
        java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "scale-ramp");
                    t.setDaemon(true);
                    return t;
                });
        long t0 = System.nanoTime();
        double[] last = {ProcessStats.machineBusySeconds(), t0};
        sampler.scheduleAtFixedRate(() -> {
            try {
                int playing = (int) allStats().stream().filter(PeerLine::playing).count();
                long now = System.nanoTime();
                double busy = ProcessStats.machineBusySeconds();
                ramp.add(new JoinSample((now - t0) / 1e9, joined, playing, (busy - last[0]) / ((now - last[1])
                        / 1e9)));
                last[0] = busy;
                last[1] = now;
                playingNow = playing;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 0, 1, TimeUnit.SECONDS);
        return sampler;
    }

    /** Waits until every peer plays or the timeout passes; the last stats. */
    private List<PeerLine> awaitPlaying() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(playTimeoutSeconds);
        List<PeerLine> last = List.of();
        while (System.nanoTime() < deadline) {
            last = allStats();
            long n = last.stream().filter(PeerLine::playing).count();
            progress.update(n, peers, () -> "peers playing");
            if (n == peers) {
                break;
            }
            Thread.sleep(200);
        }
        return last;
    }

    /** Every peer's stats line from every host that answers. */
    private List<PeerLine> allStats() throws InterruptedException {
        List<PeerLine> all = new ArrayList<>();
        for (HostClient h : hostClients) {
            try {
                all.addAll(h.stats());
            } catch (IOException | RuntimeException e) {
                // a host that died or hangs: its peers count as not playing
            }
        }
        return all;
    }

    // ------------------------------------------------------------------------------------------ measurement

    /** A process whose CPU and RSS are measured over the window. */
    private record Proc(String name, long pid, int peers, String holds) {
    }

    private void measure(LiveRig rig, List<JoinSample> ramp) throws Exception {
        List<Proc> procs = new ArrayList<>();
        for (HostClient h : hostClients) {
            procs.add(new Proc(h.name(), h.process().pid(), h.peers(), h.peers() + (h.decoding() ? " decoding"
                    : " counting") + " peers"));
        }
        procs.add(new Proc("bench JVM", ProcessHandle.current().pid(), 0, "proxy + streaming server (+ this bench)"));
        bridgePid().ifPresent(pid -> procs.add(new Proc("bridge", pid, 0, "test pattern encoder (x264)")));
        for (HostClient h : hostClients) {
            h.record(true);
        }
        Map<String, PeerLine> first = byUser(allStats());
        double[] cpu0 = procs.stream().mapToDouble(p -> ProcessStats.cpuSeconds(p.pid())).toArray();
        double busy0 = ProcessStats.machineBusySeconds();
        long t0 = System.nanoTime();
        Map<String, Samples> fpsPerSecond = new HashMap<>();
        long[] rssMax = new long[procs.size()];
        try (CsvWriter timeline = run.csv("timeline", "second", "user", "host", "hop", "fps_1s", "frames", "stalls",
                "state")) {
            for (int second = 1; second <= windowSeconds; second++) {
                long due = t0 + TimeUnit.SECONDS.toNanos(second);
                Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime())));
                for (PeerLine p : allStats()) {
                    fpsPerSecond.computeIfAbsent(p.user(), u -> new Samples()).add(p.number("fps"));
                    timeline.row(second, p.user(), p.host(), p.hop(), p.number("fps"), (long) p.number("frames"),
                            (long) p.number("stalls"), p.text("state"));
                }
                for (int i = 0; i < procs.size(); i++) {
                    rssMax[i] = Math.max(rssMax[i], ProcessStats.rssBytes(procs.get(i).pid()));
                }
                int done = second;
                progress.update(done, windowSeconds, () -> "measuring");
            }
        }
        Map<String, PeerLine> last = byUser(allStats());
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] cpu1 = procs.stream().mapToDouble(p -> ProcessStats.cpuSeconds(p.pid())).toArray();
        double busyCores = (ProcessStats.machineBusySeconds() - busy0) / seconds;
        List<Arrival> arrivals = new ArrayList<>();
        for (HostClient h : hostClients) {
            h.record(false);
            try {
                arrivals.addAll(h.arrivals());
            } catch (IOException e) {
                say(h.name() + " gave no arrivals: " + e);
            }
        }
        List<PeerResult> results = peerResults(first, last, fpsPerSecond, seconds);
        writeRamp(ramp);
        writePeers(results, seconds);
        Map<Integer, Samples[]> latency = latencies(results, arrivals);
        writeHops(results, latency);
        Map<String, double[]> perPeer = writeProcesses(procs, cpu0, cpu1, rssMax, seconds, busyCores);
        writeCharts(results, latency, perPeer, ramp);
    }

    private static Optional<Long> bridgePid() {
        // /proc rather than ProcessHandle.Info.commandLine(), which is empty for some processes
        return ProcessHandle.current().children().filter(p -> {
            try {
                return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", String.valueOf(
                        p.pid()), "cmdline")), java.nio.charset.StandardCharsets.UTF_8).contains("\0bridge\0");
            } catch (IOException e) {
                return false;
            }
        }).map(ProcessHandle::pid).findFirst();
    }

    private static Map<String, PeerLine> byUser(List<PeerLine> lines) {
        Map<String, PeerLine> m = new LinkedHashMap<>();
        for (PeerLine p : lines) {
            m.put(p.user(), p);
        }
        return m;
    }

    /** One peer over the window. */
    private record PeerResult(String user, String host, String nodeId, String parent, int hop, boolean decode,
            boolean playing, double fps, double minFps1s, long stalls, long packetsLost, double kbps, int children,
            long firstFrameMs, long recoveries, boolean stable) {
        /** Counted 30 fps over the window and never stalled (a fail-over the viewer did not see is fine). */
        boolean fullRate() {
            return fps >= FULL_RATE_FPS && stalls == 0;
        }
    }

    private List<PeerResult> peerResults(Map<String, PeerLine> first, Map<String, PeerLine> last,
            Map<String, Samples> fpsPerSecond, double seconds) {
        List<PeerResult> list = new ArrayList<>();
        for (Map.Entry<String, HostClient> e : hostOf.entrySet()) {
            String user = e.getKey();
            PeerLine a = first.get(user);
            PeerLine b = last.get(user);
            if (b == null) {
                list.add(new PeerResult(user, e.getValue().name(), "", "", -1, e.getValue().decoding(), false, 0, 0,
                        0, 0, 0, 0, -1, 0, false));
                continue;
            }
            double frames = b.number("frames") - (a == null ? 0 : a.number("frames"));
            Samples s = fpsPerSecond.getOrDefault(user, new Samples());
            list.add(new PeerResult(user, b.host(), b.text("nodeId"), b.text("parent"), b.hop(), Boolean.parseBoolean(
                    b.text("decode")), b.playing() && a != null && a.playing(), frames / seconds,
                    s.isEmpty() ? 0 : s.min(), (long) (b.number("stalls") - (a == null ? 0 : a.number("stalls"))),
                    (long) (b.number("packetsLost") - (a == null ? 0 : a.number("packetsLost"))),
                    b.number("bitrateKbps"), (int) b.number("children"), (long) b.number("firstFrameMs"),
                    (long) (b.number("recoveries") - (a == null ? 0 : a.number("recoveries"))), a != null && a.text("parent").equals(b.text("parent"))
                            && a.number("recoveries") == b.number("recoveries") && a.hop() == b.hop()));
        }
        list.sort((x, y) -> x.user().compareTo(y.user()));
        return list;
    }

    private void writeRamp(List<JoinSample> ramp) {
        try (CsvWriter csv = run.csv("join_ramp", "seconds", "joined", "playing", "machine_busy_cores")) {
            for (JoinSample s : ramp) {
                csv.row(s.seconds(), s.joined(), s.playing(), s.busyCores());
            }
        }
    }

    private void writePeers(List<PeerResult> results, double seconds) {
        try (CsvWriter csv = run.csv("peers", "user", "host", "node_id", "parent", "hop", "decode", "playing",
                "fps", "min_fps_1s", "stalls", "packets_lost", "kbps", "children", "first_frame_ms", "recoveries_in_window")) {
            for (PeerResult r : results) {
                csv.row(r.user(), r.host(), r.nodeId(), r.parent(), r.hop(), r.decode(), r.playing(), r.fps(),
                        r.minFps1s(), r.stalls(), r.packetsLost(), r.kbps(), r.children(), r.firstFrameMs(),
                        r.recoveries());
            }
        }
        long full = results.stream().filter(PeerResult::fullRate).count();
        long playing = results.stream().filter(PeerResult::playing).count();
        Samples fps = new Samples();
        results.forEach(r -> fps.add(r.fps()));
        int depth = results.stream().mapToInt(PeerResult::hop).max().orElse(0);
        ResultTable summary = new ResultTable("Summary", "metric", List.of("this run"));
        summary.row("peers started", List.of(String.valueOf(results.size())), "target: 200");
        summary.row("peers playing through the window", List.of(String.valueOf(playing)));
        summary.row("peers at 30 fps (>= " + FULL_RATE_FPS + " frames/s over " + Math.round(seconds) + " s, no stall)",
                List.of(full + " of " + results.size()), "target: 200 at 30 fps");
        summary.row("frame rate over all peers: mean / min", List.of(String.format(Locale.ROOT, "%.2f / %.2f fps",
                fps.mean(), fps.min())));
        summary.row("tree depth (hops)", List.of(String.valueOf(depth)));
        summary.row("stalls in the window (all peers)", List.of(String.valueOf(results.stream()
                .mapToLong(PeerResult::stalls).sum())));
        long failovers = results.stream().mapToLong(PeerResult::recoveries).sum();
        summary.row("fail-overs in the window (all peers)", List.of(String.valueOf(failovers)));
        report.headline("peers holding 30 fps on " + Runtime.getRuntime().availableProcessors() + " cores ("
                + kbps + " kbit/s, " + topology + ")", full + " of " + results.size() + " (depth " + depth + ")",
                "200 of 200");
        report.section("Result");
        report.text(String.format(Locale.ROOT, "%d of %d peers held 30 fps (at least %.1f frames per second counted "
                + "over the %d s window, no stall) on %d cores; the tree the `%s` plugin built is %d hops deep.", full,
                results.size(), FULL_RATE_FPS, Math.round(seconds), Runtime.getRuntime().availableProcessors(),
                topology, depth));
        if (full < results.size()) {
            report.text(String.format(Locale.ROOT, "**The machine did not hold %d peers at 30 fps.** With the cores "
                    + "saturated, RTP arrives late, peers blame their parents (%d fail-overs in the window), the "
                    + "proxy moves them and the tree reshapes itself; the join ramp and the per-hop table show where "
                    + "it broke. Rerun with fewer `--peers` to find the size this machine holds.", results.size(),
                    failovers));
        }
        report.table(summary);
        say(full + " of " + results.size() + " peers at 30 fps; mean " + String.format(Locale.ROOT, "%.2f",
                fps.mean()) + " fps, depth " + depth);
    }

    /** Per hop of the child: [parent-to-child latency ms, latency since the hop-1 ancestor ms]. */
    private Map<Integer, Samples[]> latencies(List<PeerResult> results, List<Arrival> arrivals) {
        Map<String, PeerResult> byNode = new HashMap<>();
        for (PeerResult r : results) {
            byNode.put(r.nodeId(), r);
        }
        Map<String, Map<Integer, Long>> at = new HashMap<>();
        for (Arrival a : arrivals) {
            at.computeIfAbsent(a.user(), u -> new HashMap<>()).put(a.seq(), a.nanos());
        }
        Map<Integer, Samples[]> byHop = new TreeMap<>();
        try (CsvWriter csv = run.csv("hop_latency", "user", "hop", "parent_user", "seq", "from_parent_us",
                "from_hop1_us")) {
            for (PeerResult r : results) {
                PeerResult parent = byNode.get(r.parent());
                Map<Integer, Long> mine = at.get(r.user());
                if (parent == null || mine == null || !r.stable() || !parent.stable() || parent.hop() != r.hop() - 1) {
                    // hop 1 (the streaming server is the parent), no arrivals, or a parent that changed in the
                    // window: which packets came through which parent is not known then
                    continue;
                }
                PeerResult top = parent;
                for (int guard = 0; guard < 64 && top.hop() > 1 && byNode.containsKey(top.parent()); guard++) {
                    top = byNode.get(top.parent());
                }
                Map<Integer, Long> up = at.getOrDefault(parent.user(), Map.of());
                Map<Integer, Long> root = at.getOrDefault(top.user(), Map.of());
                Samples[] s = byHop.computeIfAbsent(r.hop(), h -> new Samples[] {new Samples(), new Samples()});
                for (Map.Entry<Integer, Long> e : mine.entrySet()) {
                    Long p = up.get(e.getKey());
                    if (p == null) {
                        continue;
                    }
                    Long t = root.get(e.getKey());
                    double fromParent = (e.getValue() - p) / 1e3;
                    double fromTop = t == null || top.hop() != 1 ? Double.NaN : (e.getValue() - t) / 1e3;
                    s[0].add(fromParent / 1e3);
                    if (!Double.isNaN(fromTop)) {
                        s[1].add(fromTop / 1e3);
                    }
                    csv.row(r.user(), r.hop(), parent.user(), e.getKey(), fromParent, Double.isNaN(fromTop) ? ""
                            : fromTop);
                }
            }
        }
        return byHop;
    }

    private void writeHops(List<PeerResult> results, Map<Integer, Samples[]> latency) {
        Map<Integer, List<PeerResult>> byHop = new TreeMap<>();
        for (PeerResult r : results) {
            byHop.computeIfAbsent(r.hop(), h -> new ArrayList<>()).add(r);
        }
        ResultTable fps = new ResultTable("Frame rate per hop over the window", "hop", List.of("peers",
                "playing", "at 30 fps", "mean fps", "min fps", "lowest 1-s fps", "stalls", "packets lost"));
        ResultTable lat = new ResultTable("Per-hop latency: the same RTP packet at a peer minus at its parent",
                "hop", List.of("packets", "p50", "p95", "p99", "max", "since hop 1, p50 / p99"));
        try (CsvWriter csv = run.csv("hops", "hop", "peers", "playing", "full_rate", "mean_fps", "min_fps",
                "min_fps_1s", "stalls", "packets_lost", "latency_samples", "latency_p50_ms", "latency_p95_ms",
                "latency_p99_ms", "latency_max_ms", "since_hop1_p50_ms", "since_hop1_p99_ms")) {
            for (Map.Entry<Integer, List<PeerResult>> e : byHop.entrySet()) {
                List<PeerResult> rs = e.getValue();
                Samples f = new Samples();
                Samples f1 = new Samples();
                rs.forEach(r -> {
                    f.add(r.fps());
                    f1.add(r.minFps1s());
                });
                long playing = rs.stream().filter(PeerResult::playing).count();
                long full = rs.stream().filter(PeerResult::fullRate).count();
                long stalls = rs.stream().mapToLong(PeerResult::stalls).sum();
                long lost = rs.stream().mapToLong(PeerResult::packetsLost).sum();
                Samples[] l = latency.getOrDefault(e.getKey(), new Samples[] {new Samples(), new Samples()});
                String hop = e.getKey() < 0 ? "none (not placed)" : String.valueOf(e.getKey());
                fps.row(hop, List.of(String.valueOf(rs.size()), String.valueOf(playing), String.valueOf(full),
                        String.format(Locale.ROOT, "%.2f", f.mean()), String.format(Locale.ROOT, "%.2f", f.min()),
                        String.format(Locale.ROOT, "%.0f", f1.min()), String.valueOf(stalls), String.valueOf(lost)));
                if (e.getKey() > 1) {
                    lat.row(hop, List.of(String.valueOf(l[0].size()), msq(l[0], 0.5), msq(l[0], 0.95),
                            msq(l[0], 0.99), l[0].isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f ms",
                                    l[0].max()), l[1].isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f / %.2f ms",
                                    l[1].quantile(0.5), l[1].quantile(0.99))));
                }
                csv.row(e.getKey(), rs.size(), playing, full, f.mean(), f.min(), f1.min(), stalls, lost, l[0].size(),
                        q(l[0], 0.5), q(l[0], 0.95), q(l[0], 0.99), l[0].isEmpty() ? "" : l[0].max(), q(l[1], 0.5),
                        q(l[1], 0.99));
            }
        }
        Samples allLinks = new Samples();
        latency.forEach((hop, l) -> {
            for (int i = 0; i < l[0].size(); i++) {
                allLinks.add(l[0].sortedValue(i));
            }
        });
        if (!allLinks.isEmpty()) {
            report.headline("latency added per relay hop, p50 / p99 (scale)", String.format(Locale.ROOT,
                    "%.2f / %.2f ms", allLinks.quantile(0.5), allLinks.quantile(0.99)), "");
        }
        report.section("Frame rate per hop");
        report.text("Frames counted per peer over the window divided by its length (decoding peers: decoded "
                + "pictures; the others: frames from RTP timestamps and markers); \"lowest 1-s fps\" is the lowest "
                + "one-second count of pictures played out, sampled every second. A peer is at 30 fps with at least "
                + FULL_RATE_FPS + " frames per second and no stall; \"playing\" means playing at the window's start "
                + "and end (not in the middle of a fail-over).");
        report.table(fps);
        report.section("Per-hop latency");
        report.text("Every 8th RTP sequence number's arrival was recorded at every peer (System.nanoTime, "
                + "CLOCK_MONOTONIC, comparable between the host processes); a peer's arrival minus its parent's is "
                + "the latency that relay hop added (relay forwarding, loopback TCP, the receiving event loop). Hop 1 "
                + "reads from the streaming server and is not listed; \"since hop 1\" is a peer's arrival minus its "
                + "hop-1 ancestor's. Only pairs whose parent link held through the whole window are counted.");
        report.table(lat);
    }

    /** Writes the process table; per host process, [CPU % of a core per peer, RSS MiB per peer]. */
    private Map<String, double[]> writeProcesses(List<Proc> procs, double[] cpu0, double[] cpu1, long[] rssMax,
            double seconds, double busyCores) {
        Map<String, double[]> perPeer = new LinkedHashMap<>();
        ResultTable table = new ResultTable("CPU and memory per process and per peer over the window", "process",
                List.of("holds", "CPU (cores)", "CPU per peer", "RSS", "RSS per peer"));
        double hostsCpu = 0;
        long hostsRss = 0;
        int hostPeers = 0;
        try (CsvWriter csv = run.csv("processes", "process", "pid", "peers", "cpu_cores", "cpu_per_peer_pct_core",
                "rss_mib", "rss_per_peer_mib")) {
            for (int i = 0; i < procs.size(); i++) {
                Proc p = procs.get(i);
                double cores = cpu0[i] < 0 || cpu1[i] < 0 ? Double.NaN : (cpu1[i] - cpu0[i]) / seconds;
                double rssMib = rssMax[i] / 1048576.0;
                double cpuPerPeer = p.peers() > 0 ? 100 * cores / p.peers() : Double.NaN;
                double rssPerPeer = p.peers() > 0 ? rssMib / p.peers() : Double.NaN;
                if (p.peers() > 0) {
                    perPeer.put(p.name(), new double[] {cpuPerPeer, rssPerPeer});
                    hostsCpu += cores;
                    hostsRss += rssMax[i];
                    hostPeers += p.peers();
                }
                csv.row(p.name(), p.pid(), p.peers(), cores, Double.isNaN(cpuPerPeer) ? "" : cpuPerPeer, rssMib,
                        Double.isNaN(rssPerPeer) ? "" : rssPerPeer);
                table.row(p.name(), List.of(p.holds(), String.format(Locale.ROOT, "%.2f", cores),
                        Double.isNaN(cpuPerPeer) ? "-" : String.format(Locale.ROOT, "%.2f %% of a core", cpuPerPeer),
                        String.format(Locale.ROOT, "%.0f MiB", rssMib), Double.isNaN(rssPerPeer) ? "-"
                                : String.format(Locale.ROOT, "%.1f MiB", rssPerPeer)));
            }
        }
        double countingCpu = 0;
        long countingRss = 0;
        int countingPeers = 0;
        for (int i = 0; i < procs.size(); i++) {
            if (procs.get(i).name().startsWith("scale-host-") && !procs.get(i).name().endsWith("decode")) {
                countingCpu += (cpu1[i] - cpu0[i]) / seconds;
                countingRss += rssMax[i];
                countingPeers += procs.get(i).peers();
            }
        }
        if (countingPeers > 0) {
            report.headline("CPU / RSS per peer without decoding (scale)", String.format(Locale.ROOT,
                    "%.2f %% of a core / %.1f MiB", 100 * countingCpu / countingPeers, countingRss / 1048576.0
                            / countingPeers), "");
        }
        table.row("all peer hosts", List.of(hostPeers + " peers", String.format(Locale.ROOT, "%.2f", hostsCpu),
                hostPeers == 0 ? "-" : String.format(Locale.ROOT, "%.2f %% of a core", 100 * hostsCpu / hostPeers),
                String.format(Locale.ROOT, "%.0f MiB", hostsRss / 1048576.0), hostPeers == 0 ? "-"
                        : String.format(Locale.ROOT, "%.1f MiB", hostsRss / 1048576.0 / hostPeers)));
        table.row("whole machine", List.of("all processes, also other users'", String.format(Locale.ROOT,
                "%.2f of %d", busyCores, Runtime.getRuntime().availableProcessors()), "-", "-", "-"));
        report.section("CPU and memory");
        report.text("CPU from /proc/<pid>/stat (user + system) over the window in cores (1.00 = one core busy), "
                + "divided by the peers a process holds; RSS is the highest /proc/<pid>/status VmRSS seen in the "
                + "window. A host's fixed cost (JVM, JIT, GC, heap floor of -Xms256m) is spread over its peers. The "
                + "whole-machine figure includes work of other users of the machine, if any, during the run.");
        report.table(table);
        return perPeer;
    }

    private void writeCharts(List<PeerResult> results, Map<Integer, Samples[]> latency,
            Map<String, double[]> perProcess, List<JoinSample> ramp) {
        Map<Integer, Samples> fpsByHop = new TreeMap<>();
        Map<Integer, Samples> min1ByHop = new TreeMap<>();
        for (PeerResult r : results) {
            if (r.hop() > 0) {
                fpsByHop.computeIfAbsent(r.hop(), h -> new Samples()).add(r.fps());
                min1ByHop.computeIfAbsent(r.hop(), h -> new Samples()).add(r.minFps1s());
            }
        }
        List<String> hops = fpsByHop.keySet().stream().map(String::valueOf).toList();
        CategoryChart fps = Charts.bars("Frame rate per hop (" + results.size() + " peers)", "hop", "frames/s");
        Charts.addBars(fps, 0, "mean over the window", hops, fpsByHop.values().stream().map(Samples::mean).toList());
        Charts.addBars(fps, 1, "lowest peer over the window", hops, fpsByHop.values().stream().map(Samples::min)
                .toList());
        Charts.addBars(fps, 2, "lowest 1-s count", hops, min1ByHop.values().stream().map(Samples::min).toList());
        fps.getStyler().setYAxisMin(0.0);
        fps.getStyler().setYAxisMax(Math.max(35.0, Math.ceil(results.stream().mapToDouble(PeerResult::fps).max()
                .orElse(0)) + 2));
        fps.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        report.chart(Charts.save(run, "fps_per_hop", fps), "Frame rate per hop: mean, lowest peer, and lowest "
                + "one-second count (the stream has 30)");

        List<PeerResult> ranked = new ArrayList<>(results);
        ranked.sort((a, b) -> Double.compare(b.fps(), a.fps()));
        double[] x = new double[ranked.size()];
        double[] y = new double[ranked.size()];
        double[] full = new double[ranked.size()];
        for (int i = 0; i < ranked.size(); i++) {
            x[i] = i + 1;
            y[i] = ranked.get(i).fps();
            full[i] = 30;
        }
        XYChart rankChart = Charts.lines("Frame rate of every peer, highest first", "peers (ranked)", "frames/s");
        Charts.addLine(rankChart, 0, "peer's frame rate over the window", x, y);
        Charts.addLine(rankChart, 1, "the stream (30 fps)", x, full);
        rankChart.getStyler().setYAxisMin(0.0);
        // a peer that caught up after a stall counts more than 30 frames a second over the window
        rankChart.getStyler().setYAxisMax(Math.max(35.0, Math.ceil(y.length == 0 ? 0 : y[0]) + 2));
        rankChart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW);
        report.chart(Charts.save(run, "fps_ranked", rankChart), "Frame rate of every peer, ranked");

        List<String> lhops = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p95 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        for (Map.Entry<Integer, Samples[]> e : latency.entrySet()) {
            Samples s = e.getValue()[0];
            if (!s.isEmpty()) {
                lhops.add(String.valueOf(e.getKey()));
                p50.add(s.quantile(0.5));
                p95.add(s.quantile(0.95));
                p99.add(s.quantile(0.99));
            }
        }
        CategoryChart lat = Charts.bars(lhops.isEmpty() ? "Per-hop latency: no parent link held through the window"
                : "Per-hop latency (peer's arrival minus its parent's)", "hop of the peer", "ms");
        if (lhops.isEmpty()) {
            lhops.add("none");
            p50.add(0.0);
            p95.add(0.0);
            p99.add(0.0);
        }
        Charts.addBars(lat, 0, "p50", lhops, p50);
        Charts.addBars(lat, 1, "p95", lhops, p95);
        Charts.addBars(lat, 2, "p99", lhops, p99);
        lat.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        report.chart(Charts.save(run, "hop_latency", lat), "Latency added by each relay hop, p50/p95/p99");

        List<String> names = new ArrayList<>(perProcess.keySet());
        CategoryChart cost = Charts.bars("CPU and memory per peer, by host process", "process",
                "% of a core  /  MiB");
        Charts.addBars(cost, 0, "CPU per peer (% of one core)", names, perProcess.values().stream()
                .map(v -> v[0]).toList());
        Charts.addBars(cost, 1, "RSS per peer (MiB)", names, perProcess.values().stream().map(v -> v[1]).toList());
        cost.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        report.chart(Charts.save(run, "cost_per_peer", cost), "CPU (% of one core) and RSS (MiB) per peer in each "
                + "host process");

        double[] t = ramp.stream().mapToDouble(JoinSample::seconds).toArray();
        XYChart rampChart = Charts.lines("Join ramp: peers started and playing", "seconds since the first join",
                "peers");
        Charts.addLine(rampChart, 0, "started", t, ramp.stream().mapToDouble(JoinSample::joined).toArray());
        Charts.addLine(rampChart, 1, "playing", t, ramp.stream().mapToDouble(JoinSample::playing).toArray());
        report.chart(Charts.save(run, "join_ramp", rampChart), "Peers started (at " + joinRate + "/s) and playing "
                + "over the join phase; join_ramp.csv also has the machine's busy cores each second");
    }

    private static String msq(Samples s, double p) {
        return s.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f ms", s.quantile(p));
    }

    private static Object q(Samples s, double p) {
        return s.isEmpty() ? "" : s.quantile(p);
    }
}
