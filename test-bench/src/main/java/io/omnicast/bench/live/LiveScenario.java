package io.omnicast.bench.live;

import io.omnicast.bench.report.BuildInfo;
import io.omnicast.bench.report.MachineInfo;
import io.omnicast.bench.report.Progress;
import io.omnicast.bench.report.ReportDocument;
import io.omnicast.bench.report.ReportRun;
import io.omnicast.bench.report.RunDirectory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The common frame of a live scenario: the options every scenario takes (topology plugin, seed, reports root,
 * stream), its run directory and report, the {@link LiveRig} (stopped on every way out, also on Ctrl-C), and
 * one-line progress on standard error.
 */
public abstract class LiveScenario implements Callable<Integer> {
    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    @Option(names = "--topology", paramLabel = "ID", defaultValue = "hop-count",
            description = "Topology plugin of the proxy (default ${DEFAULT-VALUE}).")
    protected String topology;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of every random choice (default ${DEFAULT-VALUE}).")
    protected long seed;

    @Option(names = "--reports", paramLabel = "DIR", defaultValue = "reports",
            description = "Where the run directory is created (default ${DEFAULT-VALUE}).")
    protected Path reportsRoot;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "640x360",
            description = "Test pattern size (default ${DEFAULT-VALUE}).")
    protected String size;

    @Option(names = "--kbps", defaultValue = "1000", description = "Stream bitrate, kbit/s (default ${DEFAULT-VALUE}).")
    protected int kbps;

    protected PrintWriter out;
    protected RunDirectory run;
    protected ReportDocument report;
    protected Progress progress;
    private Instant started;

    /** The scenario's name: its run directory prefix and its command name. */
    protected abstract String scenario();

    /** The report's title. */
    protected abstract String title();

    /** Runs the experiment on {@code rig} and adds its results to {@link #report}. */
    protected abstract void run(LiveRig rig) throws Exception;

    /** Checks the scenario's own options; throw {@link CommandLine.ParameterException} on a bad one. */
    protected void validate() {
    }

    @Override
    public final Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (!size.matches("\\d{2,4}x\\d{2,4}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size must be WIDTHxHEIGHT (was " + size
                    + ")");
        }
        validate();
        started = Instant.now();
        run = RunDirectory.create(reportsRoot, scenario(), Clock.systemDefaultZone());
        report = new ReportDocument(title(), run, started).machine(MachineInfo.current())
                .build(BuildInfo.of(Path.of("."))).command(ReportRun.rerunCommand(scenario(), spec));
        report.parameter("topology", topology).parameter("seed", seed).parameter("stream", size + " @ 30 fps, "
                + kbps + " kbit/s H.264 (encoder bridge test pattern)");
        report.parameter("load average at start", loadAverage());
        progress = Progress.onStderr(scenario());
        Path work = Files.createTempDirectory("omnicast-" + scenario());
        say("run directory " + run.path() + "; processes' logs in " + work);
        try (LiveRig rig = new LiveRig(work, "live", topology, seed)) {
            run(rig);
        }
        report.parameter("load average at end", loadAverage());
        report.elapsed(Duration.between(started, Instant.now()));
        Path file = report.write();
        say("report: " + file);
        return 0;
    }

    protected final void say(String line) {
        out.println(scenario() + ": " + line);
        out.flush();
    }

    /** The 1/5/15-minute load averages from /proc/loadavg. */
    protected static String loadAverage() {
        return ReportRun.loadAverage();
    }

    protected static String ms(double value) {
        return value < 0 || Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.0f ms", value);
    }
}
