package io.omnicast.bench.publish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code omnicast bench publish RUN_DIR...}: copies runs' reports (report.md, headline.md, charts, CSV files
 * under 512 KiB; the report's links to larger ones become plain names) to {@code docs/performance/<scenario>/},
 * replacing that scenario's previous run, and regenerates the README's Performance table from every published run.
 */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = "Publish runs' reports to docs/performance/ and regenerate the README's Performance table.")
public final class PublishCommand implements Callable<Integer> {
    private static final Pattern RUN = Pattern.compile("([a-z0-9][a-z0-9\\-]*?)-\\d{8}-\\d{6}(-\\d+)?");
    private static final long MAX_CSV_BYTES = 512 * 1024;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "RUN_DIR", arity = "0..*",
            description = "Run directories (reports/<scenario>-<timestamp>); none: only regenerate the table.")
    List<Path> runs = List.of();

    @Option(names = "--as", paramLabel = "NAME", description = "Publish the (single) run under this name instead of "
            + "its scenario's, e.g. simulate-1m for a second simulator run; the name must be one the table lists: "
            + "${COMPLETION-CANDIDATES}.", completionCandidates = Names.class)
    String as;

    @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".",
            description = "The repository root (default: the current directory).")
    Path repo;

    @Override
    public Integer call() throws IOException {
        Path published = repo.resolve("docs").resolve("performance");
        if (as != null && (runs.size() != 1 || !PerformanceReadme.ORDER.contains(as))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--as takes one run and a name of "
                    + PerformanceReadme.ORDER);
        }
        for (Path run : runs) {
            Matcher m = RUN.matcher(run.getFileName().toString());
            if (!m.matches() || !PerformanceReadme.ORDER.contains(m.group(1))) {
                throw new CommandLine.ParameterException(spec.commandLine(), run + " is not a run directory of one "
                        + "of " + PerformanceReadme.ORDER + " (reports/<scenario>-<yyyyMMdd-HHmmss>)");
            }
            if (!Files.isRegularFile(run.resolve("headline.md"))) {
                throw new CommandLine.ParameterException(spec.commandLine(), run + " has no headline.md (an "
                        + "unfinished run, or a scenario without headline figures)");
            }
            Path target = published.resolve(as != null ? as : m.group(1));
            clear(target);
            Files.createDirectories(target);
            Map<String, Long> leftOut = new TreeMap<>();
            try (Stream<Path> files = Files.list(run)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    boolean tooLarge = name.endsWith(".csv") && Files.size(f) > MAX_CSV_BYTES;
                    boolean keep = name.equals("report.md") || name.equals("headline.md") || name.endsWith(".png")
                            || name.endsWith(".txt") || (name.endsWith(".csv") && !tooLarge);
                    if (tooLarge) {
                        leftOut.put(name, Files.size(f));
                    } else if (keep && Files.isRegularFile(f)) {
                        Files.copy(f, target.resolve(name));
                    }
                }
            }
            unlinkLeftOut(target.resolve("report.md"), leftOut, run.getFileName().toString());
            spec.commandLine().getOut().println("published " + run + " to " + target);
        }
        Path readme = repo.resolve("README.md");
        String before = Files.readString(readme, StandardCharsets.UTF_8);
        String after = PerformanceReadme.replace(before, PerformanceReadme.table(published));
        if (!after.equals(before)) {
            Files.writeString(readme, after, StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("README.md: Performance table regenerated");
        } else {
            spec.commandLine().getOut().println("README.md: Performance table already up to date");
        }
        return 0;
    }

    /**
     * Turns the report's links to data files too large to publish into plain names saying where they are, so the
     * published report has no dead links.
     */
    static void unlinkLeftOut(Path report, Map<String, Long> leftOut, String runName) throws IOException {
        if (leftOut.isEmpty() || !Files.isRegularFile(report)) {
            return;
        }
        String text = Files.readString(report, StandardCharsets.UTF_8);
        for (Map.Entry<String, Long> e : leftOut.entrySet()) {
            String name = e.getKey();
            text = text.replace("[" + name + "](" + name + ")", String.format(Locale.ROOT,
                    "`%s` (%.1f MiB, not published; kept in the run directory `reports/%s`)", name,
                    e.getValue() / (1024.0 * 1024.0), runName));
        }
        Files.writeString(report, text, StandardCharsets.UTF_8);
    }

    /** The names the table lists, for --as. */
    static final class Names extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Names() {
            super(PerformanceReadme.ORDER);
        }
    }

    private static void clear(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
    }
}
