package io.omnicast.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;

/**
 * One bench run's directory and report, started the same way by every bench: machine, versions, the command line
 * that reruns it, the load average at start (and at the end, with the elapsed time, by {@link #finish()}).
 */
public record ReportRun(RunDirectory run, ReportDocument report, Instant started) {
    /** Creates {@code reportsRoot/<scenario>-<time>/} and its report for the command {@code spec} ran. */
    public static ReportRun start(Path reportsRoot, String scenario, String title, CommandLine.Model.CommandSpec spec) {
        Instant started = Instant.now();
        RunDirectory run = RunDirectory.create(reportsRoot, scenario, Clock.systemDefaultZone());
        ReportDocument report = new ReportDocument(title, run, started).machine(MachineInfo.current())
                .build(BuildInfo.of(Path.of("."))).command(rerunCommand(scenario, spec));
        report.parameter("load average at start", loadAverage());
        return new ReportRun(run, report, started);
    }

    /**
     * {@code ./omnicast bench <scenario> <its options>}: the arguments as given, without the command names when the
     * bench ran under {@code omnicast bench <scenario>} (picocli's original arguments include them).
     */
    public static String rerunCommand(String scenario, CommandLine.Model.CommandSpec spec) {
        java.util.List<String> args = spec.commandLine().getParseResult().originalArgs();
        if (args.size() >= 2 && args.get(0).equals("bench") && args.get(1).equals(scenario)) {
            args = args.subList(2, args.size());
        }
        return ("./omnicast bench " + scenario + " " + String.join(" ", args)).strip();
    }

    /** Adds the load average at the end and the elapsed time, writes report.md (and headline.md); its path. */
    public Path finish() {
        report.parameter("load average at end", loadAverage());
        report.elapsed(Duration.between(started, Instant.now()));
        return report.write();
    }

    /** The 1/5/15-minute load averages from /proc/loadavg. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
