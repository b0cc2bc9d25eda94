package io.omnicast.bench.sim;

import io.omnicast.bench.report.BuildInfo;
import io.omnicast.bench.report.CsvWriter;
import io.omnicast.bench.report.MachineInfo;
import io.omnicast.bench.report.Progress;
import io.omnicast.bench.report.ReportDocument;
import io.omnicast.bench.report.RunDirectory;
import io.omnicast.proxy.topology.TopologyRegistry;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code omnicast bench simulate}: simulates one channel under churn with one or more topology plugins (loaded by
 * id through the proxy's {@link TopologyRegistry}, plugin directory included) and writes a comparison report.
 * Settings come from the defaults ({@link SimConfig#KEYS}), then a scenario file, then the options; the report's
 * {@code scenario.txt} holds the effective settings and reruns the experiment exactly. The launcher's
 * {@code bench simulate} entry extends this class.
 */
public class SimulateCommand implements Callable<Integer> {
    /** The scale target's heap: 4 GiB. */
    static final long HEAP_TARGET_BYTES = 4L << 30;

    @Spec
    CommandSpec spec;

    @Option(names = "--topology", paramLabel = "ID[,ID...]",
            description = "Plugin id(s) to compare, e.g. hop-count,random (default: hop-count).")
    String topology;

    @Option(names = "--peers", paramLabel = "N", description = "Peer sessions to simulate (default: 10000).")
    String peers;

    @Option(names = "--arrival", paramLabel = "poisson|flash", description = "Arrival process (default: poisson).")
    String arrival;

    @Option(names = "--rate", paramLabel = "R", description = "Mean arrivals per second (default: 50).")
    String rate;

    @Option(names = "--session", paramLabel = "weibull|pareto", description = "Session lengths (default: weibull).")
    String session;

    @Option(names = "--session-params", paramLabel = "K=V,...",
            description = "weibull: shape=0.6,scale-s=600 (default); pareto: alpha=1.5,min-s=120.")
    String sessionParams;

    @Option(names = "--capacity-mix", paramLabel = "FILE|NAME",
            description = "Access classes: paper-2007 (default), broadband, or a mix file.")
    String capacityMix;

    @Option(names = "--nat-share", paramLabel = "F",
            description = "Share of unreachable peers, kept as leaves (default: 0.3).")
    String natShare;

    @Option(names = "--link-delay-ms", paramLabel = "MIN[:MAX]",
            description = "One-way access delay per peer, uniform (default: 5:50).")
    String linkDelayMs;

    @Option(names = "--detection-delay-ms", paramLabel = "MS",
            description = "Time until the proxy acts on an abrupt death (default: 1000).")
    String detectionDelayMs;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of every random draw (default: 1).")
    String seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Any other setting, as in a scenario file (repeatable), e.g. --set abrupt-share=0.5.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--scenario", paramLabel = "FILE",
            description = "Scenario file of key = value settings; options given here override it.")
    Path scenario;

    @Option(names = "--plugin-dir", paramLabel = "DIR",
            description = "Directory of plugin jars, loaded as the proxy loads them.")
    Path pluginDir;

    @Option(names = "--reports", paramLabel = "DIR", defaultValue = "reports",
            description = "Where run directories are created (default: ${DEFAULT-VALUE}).")
    Path reportsRoot;

    @Option(names = "--heap-check",
            description = "Watch the heap and fail if the live heap exceeded 4 GiB (run with "
                    + "OMNICAST_JAVA_OPTS=-Xmx4g to enforce the limit itself).")
    boolean heapCheck;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SimConfig config;
        List<TopologyAlgorithm> algorithms = new ArrayList<>();
        try {
            config = SimConfig.of(scenario == null ? Map.of() : ScenarioFile.read(scenario), options());
            TopologyRegistry registry = TopologyRegistry.load(SimulateCommand.class.getClassLoader(), pluginDir);
            for (String id : config.topologies()) {
                algorithms.add(registry.require(id));
            }
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println("omnicast bench simulate: " + e.getMessage());
            return 2;
        }
        Instant started = Instant.now();
        RunDirectory run = RunDirectory.create(reportsRoot, "simulate", Clock.systemDefaultZone());
        err.println("omnicast bench simulate: " + String.join(", ", config.topologies()) + ", "
                + String.format(Locale.ROOT, "%,d", config.peers()) + " sessions, seed " + config.seed()
                + " -> " + run.path());
        List<SimResult> results = new ArrayList<>();
        try (CsvWriter sessions = config.rawCsv() ? run.csv("sessions", ChannelSimulation.RawWriters.SESSIONS) : null;
                CsvWriter departures = config.rawCsv()
                        ? run.csv("departures", ChannelSimulation.RawWriters.DEPARTURES) : null;
                CsvWriter recoveries = config.rawCsv()
                        ? run.csv("recoveries", ChannelSimulation.RawWriters.RECOVERIES) : null;
                CsvWriter snapshots = run.csv("snapshots", ChannelSimulation.RawWriters.SNAPSHOTS)) {
            ChannelSimulation.RawWriters raw = new ChannelSimulation.RawWriters(sessions, departures, recoveries,
                    snapshots);
            for (TopologyAlgorithm algorithm : algorithms) {
                Progress progress = Progress.onStderr("simulate " + algorithm.id());
                SimResult result = new ChannelSimulation(config, algorithm, raw, heapCheck ? new HeapWatch() : null)
                        .run(progress);
                progress.finish(result.sessions(), config.peers(), String.format(Locale.ROOT,
                        "sessions [%s] done: %,d events in %.2f s (%,.0f events/s)", algorithm.id(), result.events(),
                        result.wallSeconds(), result.eventsPerSecond()));
                results.add(result);
            }
        }
        ReportDocument report = new ReportDocument("Topology simulation: " + String.join(" vs ", config.topologies()),
                run, started).machine(MachineInfo.current()).build(BuildInfo.of(Path.of(".")))
                .command(io.omnicast.bench.report.ReportRun.rerunCommand("simulate", spec));
        report.text("Rerun exactly with `./omnicast bench simulate --scenario " + run.path().resolve("scenario.txt")
                + (pluginDir == null ? "" : " --plugin-dir " + pluginDir) + "` (every setting, the seed included, "
                + "is in that file).");
        describeParameters(report, config, algorithms);
        headlines(report, config, results);
        new SimulationReport(run, config, results).addTo(report);
        boolean heapOk = true;
        if (heapCheck) {
            heapOk = heapSection(report, results, err);
        }
        writeScenario(run, config);
        report.elapsed(Duration.between(started, Instant.now()));
        Path file = report.write();
        out.println("report: " + file);
        for (SimResult r : results) {
            out.printf(Locale.ROOT, "%-12s mean hop %.2f, startup p50 %.0f ms, recovery p50 %.0f ms, "
                    + "disrupted/departure %.2f, %,.0f events/s (%.2f s)%n", r.topology(), r.meanDepth(),
                    r.startupMs().quantile(0.5), r.recoveryMs().quantile(0.5), r.disruptedPerDeparture().mean(),
                    r.eventsPerSecond(), r.wallSeconds());
        }
        return heapOk ? 0 : 1;
    }

    /** One headline per plugin: tree shape, disruption, modelled delays, simulator speed (and heap when checked). */
    private void headlines(ReportDocument report, SimConfig config, List<SimResult> results) {
        for (SimResult r : results) {
            String heap = heapCheck ? String.format(Locale.ROOT, "; live heap after GC at most %d MiB",
                    r.peakHeapAfterGcBytes() >> 20) : "";
            report.headline(String.format(Locale.ROOT, "Simulator, `%s`, %,d sessions with churn (seed %d)",
                    r.topology(), r.sessions(), config.seed()), String.format(Locale.ROOT,
                    "mean hop %.1f (max %d), %.1f peers disrupted per departure, modelled startup p50 %.0f ms, "
                    + "recovery p50 %.0f ms; %,d events in %.1f s (%,.0f events/s)%s", r.meanDepth(), r.maxDepth(),
                    r.disruptedPerDeparture().mean(), r.startupMs().quantile(0.5), r.recoveryMs().quantile(0.5),
                    r.events(), r.wallSeconds(), r.eventsPerSecond(), heap),
                    r.sessions() >= 1_000_000 ? "1,000,000 sessions < 60 s within 4 GiB" : "");
        }
    }

    /** The options given on the command line, as settings (absent options are not included). */
    private Map<String, String> options() {
        Map<String, String> settings = new LinkedHashMap<>();
        put(settings, "topology", topology);
        put(settings, "peers", peers);
        put(settings, "arrival", arrival);
        put(settings, "rate", rate);
        put(settings, "session", session);
        put(settings, "session-params", sessionParams);
        put(settings, "capacity-mix", capacityMix);
        put(settings, "nat-share", natShare);
        put(settings, "link-delay-ms", linkDelayMs);
        put(settings, "detection-delay-ms", detectionDelayMs);
        put(settings, "seed", seed);
        for (String set : sets) {
            int eq = set.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set needs KEY=VALUE (was '" + set + "')");
            }
            put(settings, set.substring(0, eq).strip(), set.substring(eq + 1).strip());
        }
        return settings;
    }

    private static void put(Map<String, String> settings, String key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }

    private static void describeParameters(ReportDocument report, SimConfig config, List<TopologyAlgorithm> plugins) {
        for (TopologyAlgorithm plugin : plugins) {
            report.parameter("plugin " + plugin.id(), plugin.getClass().getName() + " " + plugin.version() + " - "
                    + plugin.description());
        }
        config.settings().forEach(report::parameter);
        report.parameter("capacity classes", config.capacityMix().describe(config.streamKbps()));
        report.parameter("origin capacity", config.origins() + " x " + config.originMaxChildren() + " children");
        report.parameter("mean session length", String.format(Locale.ROOT, "%.0f s", config.sessions().meanSeconds()));
        report.parameter("expected concurrent audience (rate x mean session)",
                String.format(Locale.ROOT, "%,.0f", config.expectedConcurrentPeers()));
    }

    private static boolean heapSection(ReportDocument report, List<SimResult> results, PrintWriter err) {
        long maxHeap = Runtime.getRuntime().maxMemory();
        long peakAfterGc = results.stream().mapToLong(SimResult::peakHeapAfterGcBytes).max().orElse(0);
        boolean within = peakAfterGc <= HEAP_TARGET_BYTES;
        String text = String.format(Locale.ROOT, "Heap check: max heap (-Xmx) %,d MiB; highest heap occupancy "
                + "right after a collection %,d MiB; GC time so far %,d ms. Target: live heap within 4 GiB: %s.%s",
                maxHeap >> 20, peakAfterGc >> 20, HeapWatch.gcMillis(), within ? "met" : "NOT met",
                maxHeap > HEAP_TARGET_BYTES ? " The JVM was allowed more than 4 GiB; run with "
                        + "OMNICAST_JAVA_OPTS=-Xmx4g to prove the run fits." : " The JVM could not use more than 4 GiB.");
        report.section("Heap check").text(text);
        err.println("omnicast bench simulate: " + text);
        return within;
    }

    private static void writeScenario(RunDirectory run, SimConfig config) {
        try {
            Files.writeString(run.path().resolve("scenario.txt"), config.toScenarioText(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the scenario of " + run.path(), e);
        }
    }
}
