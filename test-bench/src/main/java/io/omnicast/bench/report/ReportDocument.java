package io.omnicast.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a run's {@code report.md}: what ran, on which machine, with which versions and parameters, then the
 * results (tables, charts, notes) in the order they were added, and finally the list of raw files. Every scenario
 * writes the same header so reports from different runs compare line by line.
 */
public final class ReportDocument {
    private final String title;
    private final RunDirectory run;
    private final Instant started;
    private MachineInfo machine = MachineInfo.current();
    private BuildInfo build;
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private final List<String> body = new ArrayList<>();
    private final List<String[]> headlines = new ArrayList<>();
    private String command;
    private Duration elapsed;

    public ReportDocument(String title, RunDirectory run, Instant started) {
        this.title = title;
        this.run = run;
        this.started = started;
    }

    public ReportDocument machine(MachineInfo machine) {
        this.machine = machine;
        return this;
    }

    public ReportDocument build(BuildInfo build) {
        this.build = build;
        return this;
    }

    /** The command line that reruns the experiment. */
    public ReportDocument command(String command) {
        this.command = command;
        return this;
    }

    public ReportDocument elapsed(Duration elapsed) {
        this.elapsed = elapsed;
        return this;
    }

    /** A run parameter (the seed included), in the order given. */
    public ReportDocument parameter(String name, Object value) {
        parameters.put(name, String.valueOf(value));
        return this;
    }

    /** A second-level heading. */
    public ReportDocument section(String heading) {
        body.add("## " + heading + "\n");
        return this;
    }

    /** A paragraph of Markdown text. */
    public ReportDocument text(String markdown) {
        body.add(markdown.strip() + "\n");
        return this;
    }

    public ReportDocument table(ResultTable table) {
        body.add("### " + table.title() + "\n\n" + table.toMarkdown());
        return this;
    }

    /** Shows a chart written to this run with {@link Charts#save}. */
    public ReportDocument chart(Path png, String caption) {
        body.add("![" + caption + "](" + png.getFileName() + ")\n\n*" + caption + "*\n");
        return this;
    }

    /**
     * A headline figure of this run: a row of the README's Performance table ({@code ./omnicast bench publish}
     * copies the run to {@code docs/performance/} and regenerates that table from every published run's
     * {@code headline.md}). Also listed at the top of the report.
     *
     * @param target the target, or "" when there is none
     */
    public ReportDocument headline(String metric, String figure, String target) {
        headlines.add(new String[] {metric, figure, target});
        return this;
    }

    /** The headline rows as Markdown table rows: metric | figure | target | command. */
    public String headlineMarkdown() {
        StringBuilder md = new StringBuilder();
        for (String[] h : headlines) {
            md.append("| ").append(cell(h[0])).append(" | ").append(cell(h[1])).append(" | ")
                    .append(h[2].isBlank() ? "—" : cell(h[2])).append(" | `").append(command == null ? "" : command)
                    .append("` |\n");
        }
        return md.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** Renders the report. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append("Run `").append(run.path().getFileName()).append("`, started ").append(started);
        if (elapsed != null) {
            md.append(String.format(java.util.Locale.ROOT, ", took %.1f s", elapsed.toMillis() / 1000.0));
        }
        md.append(".\n\n");
        if (command != null) {
            md.append("Rerun with:\n\n```\n").append(command).append("\n```\n\n");
        }
        if (!headlines.isEmpty()) {
            md.append("## Headline figures\n\n| metric | figure | target | command |\n|---|---|---|---|\n")
                    .append(headlineMarkdown()).append('\n');
        }
        md.append("## Machine\n\n");
        keyValues(md, machine.describe());
        if (build != null) {
            md.append("## Versions\n\n");
            keyValues(md, build.describe());
        }
        md.append("## Parameters\n\n");
        keyValues(md, parameters);
        for (String block : body) {
            md.append(block).append('\n');
        }
        md.append("## Files\n\n");
        for (Path csv : run.csvFiles()) {
            md.append("- [").append(csv.getFileName()).append("](").append(csv.getFileName()).append(")\n");
        }
        for (Path png : run.charts()) {
            md.append("- [").append(png.getFileName()).append("](").append(png.getFileName()).append(")\n");
        }
        return md.toString();
    }

    /** Writes {@code report.md} (and {@code headline.md} when there are headlines) into the run directory. */
    public Path write() {
        Path file = run.reportFile();
        try {
            Files.writeString(file, toMarkdown(), StandardCharsets.UTF_8);
            if (!headlines.isEmpty()) {
                Files.writeString(run.path().resolve("headline.md"), headlineMarkdown(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static void keyValues(StringBuilder md, Map<String, String> rows) {
        md.append("| | |\n|---|---|\n");
        rows.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n"));
        md.append('\n');
    }
}
