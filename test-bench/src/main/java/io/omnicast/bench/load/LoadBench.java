package io.omnicast.bench.load;

import io.omnicast.bench.live.LiveRig;
import io.omnicast.bench.live.LiveScenario;
import io.omnicast.bench.live.ProcessStats;
import io.omnicast.bench.report.Charts;
import io.omnicast.bench.report.CsvWriter;
import io.omnicast.bench.report.ResultTable;
import io.omnicast.bench.report.Samples;
import io.omnicast.bench.server.ServerFanoutBench;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code omnicast bench load}: the proxy under a flash crowd of USCP sessions and the streaming server under many
 * readers, in one report. It composes the two benches that measure each: {@code bench proxy-load} runs as a child
 * process (it starts the proxy as its own JVM and drives it from cheap Netty clients; its printed figures are read
 * from its output, and the proxy's CPU and RSS are sampled here from /proc every 250 ms), and
 * {@code bench server-fanout} runs in this JVM through its public results (the server is its own JVM there too).
 * Every process started on the way, grandchildren included, is stopped at the end and on Ctrl-C.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The proxy under a flash crowd of USCP sessions (joins/s, round trips, push latency, CPU, "
                + "memory) and the streaming server under many readers (throughput, start latency, CPU, memory).")
public final class LoadBench extends LiveScenario {
    private static final Pattern N = Pattern.compile("N=([\\d,]+)");
    private static final Pattern JOINS_PER_S = Pattern.compile("([\\d,]+) joins/s");
    private static final Pattern REPLY_RATE = Pattern.compile("reply rate ([\\d,]+)/s");
    private static final Pattern OFFERED = Pattern.compile("([\\d,]+) Logins/s offered");
    private static final Pattern P50 = Pattern.compile("p50 ([\\d.]+) ms");
    private static final Pattern P99 = Pattern.compile("p99 ([\\d.]+) ms");
    private static final Pattern MAX = Pattern.compile("max ([\\d.]+) ms");
    private static final Pattern ERRORS = Pattern.compile("(\\d+) errors");
    private static final Pattern CPU_PER_JOIN = Pattern.compile("proxy CPU: ([\\d.]+) us per join");
    private static final Pattern COLD = Pattern.compile("cold login[^:]*: ([\\d, ]+) ms");

    @Option(names = "--sessions", split = ",", defaultValue = "1000,10000",
            description = "Flash-crowd sizes, concurrent USCP sessions (default ${DEFAULT-VALUE}).")
    List<Integer> sessions;

    @Option(names = "--modes", split = ",", defaultValue = "burst,paced",
            description = "burst (every Login at once: peak joins/s) and/or paced (Logins at --rate, open loop) "
                    + "(default ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--rate", defaultValue = "5000", description = "Offered Logins/s of the paced mode "
            + "(default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--warmup-joins", defaultValue = "20000", description = "Unreported joins warming the proxy "
            + "first (default ${DEFAULT-VALUE}).")
    int warmupJoins;

    @Option(names = "--push-rounds", defaultValue = "1000", description = "Relay failures measured for the "
            + "re-parent push latency, after the warm-up joins (default ${DEFAULT-VALUE}).")
    int pushRounds;

    @Option(names = "--push-warmup", defaultValue = "200", description = "Unreported relay failures first "
            + "(default ${DEFAULT-VALUE}).")
    int pushWarmup;

    @Option(names = "--readers", split = ",", defaultValue = "50,100,200",
            description = "Readers of the streaming server, ascending (default ${DEFAULT-VALUE}).")
    int[] readers;

    @Option(names = "--transports", split = ",", defaultValue = "udp,tcp",
            description = "Reader transports (default ${DEFAULT-VALUE}).")
    String[] transports;

    @Option(names = "--reader-seconds", defaultValue = "10", description = "Measuring window per reader count "
            + "(default ${DEFAULT-VALUE}).")
    int readerSeconds;

    @Option(names = "--start-joins", defaultValue = "200", description = "Single joins timed from PLAY to the "
            + "first keyframe packet (default ${DEFAULT-VALUE}).")
    int startJoins;

    @Option(names = "--proxy-load-timeout", defaultValue = "1200", description = "Seconds the proxy part may take "
            + "(default ${DEFAULT-VALUE}).")
    int proxyTimeoutSeconds;

    @Override
    protected String scenario() {
        return "load";
    }

    @Override
    protected String title() {
        return "Load: the proxy under a flash crowd, the streaming server under many readers";
    }

    @Override
    protected void validate() {
        if (sessions.isEmpty() || sessions.stream().anyMatch(n -> n < 1 || n > 50_000) || rate < 1
                || warmupJoins < 0 || pushRounds < 1 || pushWarmup < 0 || readers.length == 0 || readerSeconds < 1
                || startJoins < 1 || modes.stream().anyMatch(m -> !m.equals("burst") && !m.equals("paced"))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need 1 <= --sessions <= 50000, --modes "
                    + "burst|paced, --rate >= 1, --push-rounds >= 1, --readers, --reader-seconds >= 1, "
                    + "--start-joins >= 1");
        }
    }

    @Override
    protected void run(LiveRig rig) throws Exception {
        report.parameter("stream", "none from the encoder bridge here: the readers get server-fanout's synthetic "
                + "H.264 at " + kbps + " kbit/s, 30 fps");
        report.parameter("flash crowd", sessions.stream().map(n -> String.format(Locale.ROOT, "%,d", n))
                .collect(Collectors.joining(" and ")) + " concurrent USCP sessions, modes " + modes + ", paced at "
                + String.format(Locale.ROOT, "%,d", rate) + " Logins/s; " + String.format(Locale.ROOT, "%,d",
                        warmupJoins) + " warm-up joins, " + pushRounds + " push rounds");
        report.parameter("readers", java.util.Arrays.toString(readers) + " over " + String.join(",", transports)
                + ", " + readerSeconds + " s each, synthetic H.264 at " + kbps + " kbit/s; " + startJoins
                + " timed single joins");
        report.parameter("topology in the proxy part", "hop-count: `bench proxy-load` starts its own proxy with its "
                + "default plugin and has no option to choose one; its viewers are leaves under origins, so the "
                + "plugin only picks among origins (--topology " + topology + " applies to the rig's proxy only, "
                + "idle here)");
        try (Descendants descendants = new Descendants()) {
            proxyPart(rig, descendants);
            serverPart(descendants);
        }
    }

    // ------------------------------------------------------------------------------------------ proxy

    /** A line of proxy-load's output and when it appeared (seconds since the child started). */
    private record Line(double seconds, String text) {
    }

    /** One /proc sample of the proxy and of the client process. */
    private record Sample(double seconds, double proxyCores, long proxyRss, double clientCores, long clientRss) {
    }

    private void proxyPart(LiveRig rig, Descendants descendants) throws Exception {
        say("proxy: flash crowds of " + sessions + " sessions (bench proxy-load as a child process)");
        List<String> args = new ArrayList<>(List.of("bench", "proxy-load", "--sessions", join(sessions), "--mode",
                String.join(",", modes), "--rate", String.valueOf(rate), "--warmup-joins", String.valueOf(warmupJoins),
                "--push-rounds", String.valueOf(pushRounds), "--push-warmup", String.valueOf(pushWarmup),
                "--paced-runs", "1")); // one line per crowd: this report charts each crowd's own round trips
        long t0 = System.nanoTime();
        Process child = rig.launch("proxy-load", List.of("-Xmx2g"), args.toArray(String[]::new));
        java.nio.file.Path log = rig.log("proxy-load");
        List<Line> lines = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        long offset = 0;
        StringBuilder partial = new StringBuilder();
        ProcessHandle proxy = null;
        double proxyCpu = -1;
        double clientCpu = ProcessStats.cpuSeconds(child.pid());
        long lastNanos = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(proxyTimeoutSeconds);
        while (true) {
            boolean alive = child.isAlive();
            descendants.note();
            if (proxy == null || !proxy.isAlive()) {
                proxy = child.descendants().filter(p -> commandLine(p).contains("ProxyCommand")
                        && commandLine(p).contains("--http-port")).findFirst().orElse(null);
                proxyCpu = proxy == null ? -1 : ProcessStats.cpuSeconds(proxy.pid());
                clientCpu = ProcessStats.cpuSeconds(child.pid()); // both from the same instant
            }
            long now = System.nanoTime();
            double seconds = (now - t0) / 1e9;
            double dt = (now - lastNanos) / 1e9;
            lastNanos = now;
            if (proxy != null && dt > 0) {
                double pc = ProcessStats.cpuSeconds(proxy.pid());
                double cc = ProcessStats.cpuSeconds(child.pid());
                if (pc >= 0 && proxyCpu >= 0 && cc >= 0 && clientCpu >= 0) {
                    samples.add(new Sample(seconds, (pc - proxyCpu) / dt, ProcessStats.rssBytes(proxy.pid()),
                            (cc - clientCpu) / dt, ProcessStats.rssBytes(child.pid())));
                }
                proxyCpu = pc;
                clientCpu = cc;
            }
            byte[] all = Files.readAllBytes(log);
            if (all.length > offset) {
                partial.append(new String(all, (int) offset, (int) (all.length - offset), StandardCharsets.UTF_8));
                offset = all.length;
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    String text = partial.substring(0, nl).strip();
                    partial.delete(0, nl + 1);
                    if (!text.isEmpty()) {
                        lines.add(new Line(seconds, text));
                    }
                }
            }
            String last = lines.isEmpty() ? "starting the proxy" : lines.get(lines.size() - 1).text();
            progress.update(lines.size(), 0, () -> "proxy-load: " + (last.length() > 90 ? last.substring(0, 90) + "..." : last));
            if (!alive) {
                break;
            }
            if (System.nanoTime() > deadline) {
                child.destroy();
                throw new IllegalStateException("bench proxy-load did not finish within " + proxyTimeoutSeconds
                        + " s; see " + log);
            }
            Thread.sleep(250);
        }
        if (child.exitValue() != 0) {
            throw new IllegalStateException("bench proxy-load exited with " + child.exitValue() + "; see " + log
                    + ":\n" + lines.stream().map(Line::text).skip(Math.max(0, lines.size() - 15))
                            .collect(Collectors.joining("\n")));
        }
        writeProxy(lines, samples);
    }

    /** One flash crowd as proxy-load printed it, with the proxy's /proc figures over its phase. */
    private record Crowd(String mode, int sessions, int offered, double joinsPerSecond, double replyRate,
            double p50, double p99, double max, int errors, double cpuMicrosPerJoin, double proxyCores,
            long proxyRssMax, String text) {
    }

    private void writeProxy(List<Line> lines, List<Sample> samples) {
        try (CsvWriter csv = run.csv("proxy_load_output", "seconds", "line")) {
            lines.forEach(l -> csv.row(l.seconds(), l.text()));
        }
        try (CsvWriter csv = run.csv("proxy_timeline", "seconds", "proxy_cpu_cores", "proxy_rss_mib",
                "client_cpu_cores", "client_rss_mib")) {
            samples.forEach(s -> csv.row(s.seconds(), s.proxyCores(), s.proxyRss() / 1048576.0, s.clientCores(),
                    s.clientRss() / 1048576.0));
        }
        List<Crowd> crowds = new ArrayList<>();
        String cold = null;
        String push = null;
        double phaseStart = 0;
        for (int i = 0; i < lines.size(); i++) {
            Line l = lines.get(i);
            String t = l.text();
            if (t.startsWith("cold login")) {
                cold = t;
            } else if (t.startsWith("push latency")) {
                push = t;
            } else if (t.startsWith("join burst") || t.startsWith("join paced")) {
                String cpuLine = i + 1 < lines.size() ? lines.get(i + 1).text() : "";
                double from = phaseStart;
                double to = l.seconds();
                // lines are stamped when read (every 250 ms), so a short phase may have one sample or none of its
                // own: then the one taken when its line was read stands for it
                List<Sample> phase = samples.stream().filter(s -> s.seconds() >= from && s.seconds() <= to + 0.25)
                        .toList();
                if (phase.isEmpty()) {
                    phase = samples.stream().filter(s -> s.seconds() >= to).limit(1).toList();
                }
                double cores = phase.stream().mapToDouble(Sample::proxyCores).max().orElse(Double.NaN);
                long rss = phase.stream().mapToLong(Sample::proxyRss).max().orElse(-1);
                boolean burst = t.startsWith("join burst");
                crowds.add(new Crowd(burst ? "burst" : "paced", (int) num(N, t), burst ? 0 : (int) num(OFFERED, t),
                        num(JOINS_PER_S, t), num(REPLY_RATE, t), num(P50, t), num(P99, t), num(MAX, t),
                        (int) num(ERRORS, t), num(CPU_PER_JOIN, cpuLine), cores, rss, t));
            }
            if (t.startsWith("push latency") || t.startsWith("  proxy CPU") || t.startsWith("proxy CPU")
                    || t.startsWith("cold login")) {
                phaseStart = l.seconds();
            }
        }
        try (CsvWriter csv = run.csv("proxy_flash_crowds", "mode", "sessions", "offered_per_s", "joins_per_s",
                "reply_rate_per_s", "rtt_p50_ms", "rtt_p99_ms", "rtt_max_ms", "errors", "proxy_cpu_us_per_join",
                "proxy_peak_cpu_cores", "proxy_peak_rss_mib")) {
            for (Crowd c : crowds) {
                csv.row(c.mode(), c.sessions(), c.offered(), c.joinsPerSecond(), nanBlank(c.replyRate()), c.p50(),
                        c.p99(), c.max(), c.errors(), nanBlank(c.cpuMicrosPerJoin()), nanBlank(c.proxyCores()),
                        c.proxyRssMax() / 1048576.0);
            }
        }
        if (crowds.isEmpty()) {
            throw new IllegalStateException("bench proxy-load printed no join figures:\n" + lines.stream()
                    .map(Line::text).collect(Collectors.joining("\n")));
        }
        ResultTable table = new ResultTable("Flash crowd: N sessions connected, then their Logins", "crowd",
                List.of("joins/s", "round trip p50", "p99", "max", "errors", "proxy CPU per join",
                        "proxy peak CPU", "proxy peak RSS"));
        for (Crowd c : crowds) {
            table.row(String.format(Locale.ROOT, "%s, %,d sessions%s", c.mode(), c.sessions(), c.offered() > 0
                    ? String.format(Locale.ROOT, " (%,d/s offered)", c.offered()) : ""), List.of(
                            String.format(Locale.ROOT, "%,.0f", c.joinsPerSecond()), fmtMs(c.p50()), fmtMs(c.p99()),
                            fmtMs(c.max()), String.valueOf(c.errors()), Double.isNaN(c.cpuMicrosPerJoin()) ? "-"
                                    : String.format(Locale.ROOT, "%.0f us", c.cpuMicrosPerJoin()),
                            Double.isNaN(c.proxyCores()) ? "-" : String.format(Locale.ROOT, "%.2f cores",
                                    c.proxyCores()), c.proxyRssMax() < 0 ? "-" : String.format(Locale.ROOT,
                                            "%.0f MiB", c.proxyRssMax() / 1048576.0)));
        }
        for (Crowd c : crowds) {
            if (c.mode().equals("burst")) {
                report.headline(String.format(Locale.ROOT, "proxy joins/s, flash crowd of %,d sessions (burst)",
                        c.sessions()), String.format(Locale.ROOT, "%,.0f joins/s, p99 %s", c.joinsPerSecond(),
                                fmtMs(c.p99())), "");
            } else {
                report.headline(String.format(Locale.ROOT, "proxy join round trip p99, %,d sessions at %,d/s offered",
                        c.sessions(), c.offered()), String.format(Locale.ROOT, "%s (%,.0f joins/s)", fmtMs(c.p99()),
                                c.replyRate() > 0 ? c.replyRate() : c.joinsPerSecond()), c.sessions() == 1000
                                        && c.offered() == 5000 ? "<= 10 ms at >= 5,000 joins/s" : "");
            }
        }
        report.section("Proxy under a flash crowd");
        report.text("`bench proxy-load` starts the proxy as its own JVM (-Xmx2g) and drives it from cheap Netty "
                + "clients in another JVM on the same 2 cores. Burst: every session connected first, then every "
                + "Login at once (joins/s = N over first Login to last reply; the round trip is queueing, about N / "
                + "rate). Paced: Logins at a fixed offered rate, open loop, each round trip from its scheduled time. "
                + "The sessions share one viewer account, so the cached credential check is measured, not PBKDF2 "
                + "(the cold login below shows that). The proxy's peak CPU and RSS are sampled here from /proc "
                + "every 250 ms over each crowd's phase (including connecting the sessions).");
        report.table(table);
        ResultTable other = new ResultTable("Other proxy figures", "metric", List.of("this run"));
        other.row("cold login (first Login of an account: PBKDF2 check)", List.of(cold == null ? "-"
                : matchOr(COLD, cold, "-") + " ms"));
        other.row("re-parent push: relay socket closed -> last of 8 orphans has its ReStreamingConnection",
                List.of(push == null ? "-" : String.format(Locale.ROOT, "p50 %s, p99 %s, max %s", fmtMs(num(P50,
                        push)), fmtMs(num(P99, push)), fmtMs(num(MAX, push)))), "Trecovery 100-120 ms (the whole fail-over; the push is one part of it)");
        Samples rss = new Samples();
        Samples cores = new Samples();
        samples.forEach(s -> {
            rss.add(s.proxyRss() / 1048576.0);
            cores.add(s.proxyCores());
        });
        other.row("proxy CPU over the whole part: mean / peak (250 ms samples)", List.of(cores.isEmpty() ? "-"
                : String.format(Locale.ROOT, "%.2f / %.2f cores", cores.mean(), cores.max())));
        other.row("proxy RSS: peak", List.of(rss.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f MiB",
                rss.max())));
        report.table(other);

        Map<String, Map<Integer, Crowd>> byMode = new TreeMap<>();
        for (Crowd c : crowds) {
            byMode.computeIfAbsent(c.mode(), m -> new TreeMap<>()).put(c.sessions(), c);
        }
        List<String> sizes = crowds.stream().map(Crowd::sessions).distinct().sorted()
                .map(n -> String.format(Locale.ROOT, "%,d sessions", n)).toList();
        CategoryChart joins = Charts.bars("Proxy joins/s under a flash crowd", "crowd", "joins/s");
        int series = 0;
        for (Map.Entry<String, Map<Integer, Crowd>> e : byMode.entrySet()) {
            List<Double> jps = new ArrayList<>();
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            List<String> modeSizes = new ArrayList<>();
            for (Crowd c : e.getValue().values()) {
                modeSizes.add(String.format(Locale.ROOT, "%,d sessions", c.sessions()));
                p50.add(c.p50());
                p99.add(c.p99());
            }
            for (int n : crowds.stream().map(Crowd::sessions).distinct().sorted().toList()) {
                Crowd c = e.getValue().get(n);
                jps.add(c == null ? 0 : c.joinsPerSecond());
            }
            Charts.addBars(joins, series, e.getKey(), sizes, jps);
            // one chart per mode: a burst's round trip is queueing (hundreds of ms), a paced one's a few ms
            CategoryChart rtt = Charts.bars("Join round trip, " + e.getKey() + (e.getKey().equals("burst")
                    ? " (every Login at once)" : String.format(Locale.ROOT, " (%,d Logins/s offered)", rate)),
                    "crowd", "ms");
            Charts.addBars(rtt, 0, "p50", modeSizes, p50);
            Charts.addBars(rtt, 1, "p99", modeSizes, p99);
            rtt.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
            report.chart(Charts.save(run, "proxy_join_rtt_" + e.getKey(), rtt), "Login -> ReStreamingConnection "
                    + "round trip, p50 and p99, " + e.getKey());
            series++;
        }
        joins.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        report.chart(Charts.save(run, "proxy_joins_per_s", joins), "Joins per second per crowd size (burst: every "
                + "Login at once; paced: at the offered rate)");
        double[] t = samples.stream().mapToDouble(Sample::seconds).toArray();
        XYChart cpu = Charts.lines("Proxy and client CPU during the proxy part", "seconds", "cores");
        Charts.addLine(cpu, 0, "proxy", t, samples.stream().mapToDouble(Sample::proxyCores).toArray());
        Charts.addLine(cpu, 1, "proxy-load clients", t, samples.stream().mapToDouble(Sample::clientCores)
                .toArray());
        cpu.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        report.chart(Charts.save(run, "proxy_cpu", cpu), "CPU of the proxy and of the client JVM, 250 ms samples "
                + "(2 cores in all)");
        XYChart mem = Charts.lines("Proxy and client memory during the proxy part", "seconds", "RSS, MiB");
        Charts.addLine(mem, 0, "proxy", t, samples.stream().mapToDouble(s -> s.proxyRss() / 1048576.0).toArray());
        Charts.addLine(mem, 1, "proxy-load clients", t, samples.stream().mapToDouble(s -> s.clientRss() / 1048576.0)
                .toArray());
        mem.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        report.chart(Charts.save(run, "proxy_memory", mem), "RSS of the proxy and of the client JVM");
        for (Crowd c : crowds) {
            say(c.text());
        }
    }

    // ------------------------------------------------------------------------------------------ server

    private void serverPart(Descendants descendants) throws Exception {
        say("streaming server: readers " + java.util.Arrays.toString(readers) + " (bench server-fanout)");
        ServerFanoutBench bench = new ServerFanoutBench();
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text, true);
        CommandLine cli = new CommandLine(bench).setOut(writer).setErr(writer);
        String[] args = {"--readers", java.util.Arrays.stream(readers).mapToObj(String::valueOf)
                .collect(Collectors.joining(",")), "--bitrate", String.valueOf(kbps * 1000), "--seconds",
            String.valueOf(readerSeconds), "--transports", String.join(",", transports), "--joins",
            String.valueOf(startJoins)};
        AtomicInteger exit = new AtomicInteger(-1);
        Thread runner = new Thread(() -> exit.set(cli.execute(args)), "load-server-fanout");
        runner.start();
        while (runner.isAlive()) {
            descendants.note();
            String[] so = text.toString().split("\n");
            String last = so[so.length - 1];
            progress.update(so.length, 0, () -> "server-fanout: " + (last.length() > 90 ? last.substring(0, 90) + "..."
                    : last));
            runner.join(250);
        }
        if (exit.get() != 0) {
            throw new IllegalStateException("bench server-fanout failed (" + exit.get() + "):\n" + text);
        }
        List<ServerFanoutBench.Step> steps = bench.steps();
        ServerFanoutBench.StartLatency start = bench.startLatency();
        List<Double> fanoutJoins = bench.fanoutJoinMillis();
        try (CsvWriter csv = run.csv("server_readers", "transport", "readers", "seconds", "server_cpu_cores",
                "server_heap_after_gc_kib", "server_rss_kib", "min_packets", "max_packets", "min_kbps_per_reader",
                "mean_kbps_per_reader")) {
            for (ServerFanoutBench.Step s : steps) {
                csv.row(s.transport(), s.readers(), s.seconds(), s.cpuShare(), s.heapKiB(), s.rssKiB(),
                        s.minPackets(), s.maxPackets(), s.minKbps(), s.meanKbps());
            }
        }
        try (CsvWriter csv = run.csv("server_start_latency", "kind", "index", "ms")) {
            for (int i = 0; i < start.clientMs().size(); i++) {
                csv.row("single join, client view", i, start.clientMs().get(i));
            }
            for (int i = 0; i < fanoutJoins.size(); i++) {
                csv.row("join during fan-out, client view", i, fanoutJoins.get(i));
            }
        }
        Map<String, ServerFanoutBench.Step> baseline = new LinkedHashMap<>();
        steps.stream().filter(s -> s.readers() == 0).forEach(s -> baseline.put(s.transport(), s));
        ResultTable table = new ResultTable("Streaming server with N readers of one " + kbps + " kbit/s stream",
                "transport, readers", List.of("server CPU", "CPU per reader", "RSS", "RSS per reader",
                        "heap after GC per reader", "throughput per reader min / mean", "server egress"));
        for (ServerFanoutBench.Step s : steps) {
            ServerFanoutBench.Step b = baseline.get(s.transport());
            boolean base = s.readers() == 0;
            table.row(s.transport() + ", " + (base ? "publisher only" : s.readers()), List.of(
                    String.format(Locale.ROOT, "%.1f %% of a core", 100 * s.cpuShare()), base ? "-"
                            : String.format(Locale.ROOT, "%.3f %%", 100 * (s.cpuShare() - b.cpuShare()) / s.readers()),
                    String.format(Locale.ROOT, "%.0f MiB", s.rssKiB() / 1024.0), base ? "-" : String.format(
                            Locale.ROOT, "%.0f KiB", (s.rssKiB() - b.rssKiB()) / (double) s.readers()), base ? "-"
                            : String.format(Locale.ROOT, "%.1f KiB", (s.heapKiB() - b.heapKiB())
                                    / (double) s.readers()), base ? "-" : String.format(Locale.ROOT,
                                            "%.0f / %.0f kbit/s", s.minKbps(), s.meanKbps()), base ? "-"
                            : String.format(Locale.ROOT, "%.1f Mbit/s", s.meanKbps() * s.readers() / 1000)));
        }
        Samples single = new Samples();
        start.clientMs().forEach(single::add);
        Samples during = new Samples();
        fanoutJoins.forEach(during::add);
        ResultTable lat = new ResultTable("Streaming server: PLAY to the first keyframe packet", "measured",
                List.of("joins", "p50", "p95", "max"));
        lat.row("inside the server (PLAY decoded -> packet to the transport)", List.of(String.valueOf(start.joins()),
                String.format(Locale.ROOT, "%.3f ms", start.serverP50Ms()), String.format(Locale.ROOT, "%.3f ms",
                        start.serverP95Ms()), "-"));
        lat.row("client: single joins (PLAY sent -> packet received)", List.of(String.valueOf(single.size()),
                fmtMs(single.quantile(0.5)), fmtMs(single.quantile(0.95)), fmtMs(single.max())));
        lat.row("client: joins while the fan-out runs", List.of(String.valueOf(during.size()),
                fmtMs(during.quantile(0.5)), fmtMs(during.quantile(0.95)), fmtMs(during.max())));
        for (ServerFanoutBench.Step s : steps) {
            ServerFanoutBench.Step b = baseline.get(s.transport());
            if (s.readers() == readers[readers.length - 1] && b != null) {
                report.headline(String.format(Locale.ROOT, "streaming server, %d %s readers: CPU per reader, slowest "
                        + "reader", s.readers(), s.transport()), String.format(Locale.ROOT, "%.3f %% of a core, "
                                + "%.0f of %d kbit/s", 100 * (s.cpuShare() - b.cpuShare()) / s.readers(), s.minKbps(),
                                kbps), "");
            }
        }
        report.section("Streaming server under many readers");
        report.text("`bench server-fanout` runs the streaming server as its own JVM (-Xmx512m), publishes one "
                + "synthetic H.264 stream into it and adds light RTP readers (this JVM) over UDP and over TCP "
                + "interleaved. CPU from /proc over each window (1.00 = one core), heap after a full GC (jcmd), RSS; "
                + "throughput is what each reader received in the window. Per-reader figures are above the "
                + "publisher-only baseline.");
        report.table(table);
        report.table(lat);
        XYChart cpu = Charts.lines("Streaming server CPU by readers", "readers", "% of one core");
        XYChart mem = Charts.lines("Streaming server RSS by readers", "readers", "MiB");
        XYChart thr = Charts.lines("Throughput per reader (stream: " + kbps + " kbit/s)", "readers", "kbit/s");
        int i = 0;
        for (String transport : transports) {
            List<ServerFanoutBench.Step> ts = steps.stream().filter(s -> s.transport().equals(transport)).toList();
            double[] x = ts.stream().mapToDouble(ServerFanoutBench.Step::readers).toArray();
            Charts.addLine(cpu, i, transport, x, ts.stream().mapToDouble(s -> 100 * s.cpuShare()).toArray());
            Charts.addLine(mem, i, transport, x, ts.stream().mapToDouble(s -> s.rssKiB() / 1024.0).toArray());
            List<ServerFanoutBench.Step> withReaders = ts.stream().filter(s -> s.readers() > 0).toList();
            double[] xr = withReaders.stream().mapToDouble(ServerFanoutBench.Step::readers).toArray();
            Charts.addLine(thr, 2 * i, transport + " mean", xr, withReaders.stream()
                    .mapToDouble(ServerFanoutBench.Step::meanKbps).toArray());
            Charts.addLine(thr, 2 * i + 1, transport + " slowest reader", xr, withReaders.stream()
                    .mapToDouble(ServerFanoutBench.Step::minKbps).toArray());
            i++;
        }
        cpu.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        mem.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        thr.getStyler().setYAxisMin(0.0);
        thr.getStyler().setYAxisMax(kbps * 1.5);
        thr.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSW);
        report.chart(Charts.save(run, "server_cpu", cpu), "Streaming server CPU by number of readers (0: the "
                + "publisher only)");
        report.chart(Charts.save(run, "server_memory", mem), "Streaming server RSS by number of readers");
        report.chart(Charts.save(run, "server_throughput", thr), "Throughput each reader received: mean and "
                + "slowest reader");
        XYChart cdf = Charts.lines("PLAY sent -> first keyframe packet received (client view)", "ms",
                "% of joins");
        double[][] a = single.cdf(500);
        double[][] b = during.cdf(500);
        Charts.addLine(cdf, 0, "single joins", a[0], a[1]);
        Charts.addLine(cdf, 1, "joins while the fan-out runs", b[0], b[1]);
        report.chart(Charts.save(run, "server_start_latency", cdf), "CDF of PLAY to the first keyframe packet");
        for (String line : text.toString().split("\n")) {
            if (!line.isBlank()) {
                say("server-fanout: " + line.strip());
            }
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /**
     * The process's command line from /proc (arguments joined by spaces), "" when gone. Not
     * {@code ProcessHandle.Info.commandLine()}, which is empty for some processes (seen under the failsafe plugin).
     */
    private static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(java.nio.file.Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static double num(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Double.parseDouble(m.group(1).replace(",", "")) : Double.NaN;
    }

    private static String matchOr(Pattern p, String text, String fallback) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1).strip() : fallback;
    }

    private static Object nanBlank(double v) {
        return Double.isNaN(v) ? "" : v;
    }

    private static String fmtMs(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v < 10 ? "%.2f ms" : "%.0f ms", v);
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
