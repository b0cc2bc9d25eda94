package io.omnicast.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One run's output directory, {@code <reportsRoot>/<scenario>-<yyyyMMdd-HHmmss>/}: the raw CSV files, the PNG
 * charts and {@code report.md} all go here, and the directory lists what it holds so the report can link every
 * file. A second run in the same second gets a {@code -2} suffix rather than overwriting the first.
 */
public final class RunDirectory {
    private static final Pattern SCENARIO = Pattern.compile("[a-z0-9][a-z0-9\\-]{0,63}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,127}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final String scenario;
    private final Path path;
    private final List<Path> csvFiles = new ArrayList<>();
    private final List<Path> charts = new ArrayList<>();

    private RunDirectory(String scenario, Path path) {
        this.scenario = scenario;
        this.path = path;
    }

    /** Creates {@code reportsRoot/<scenario>-<local time>/} (and {@code reportsRoot} if missing). */
    public static RunDirectory create(Path reportsRoot, String scenario, Clock clock) {
        if (!SCENARIO.matcher(scenario).matches()) {
            throw new IllegalArgumentException("scenario name must be lower-case letters, digits and dashes (was '"
                    + scenario + "')");
        }
        String base = scenario + "-" + LocalDateTime.now(clock).format(STAMP);
        try {
            Files.createDirectories(reportsRoot);
            for (int attempt = 1; attempt < 1000; attempt++) {
                Path candidate = reportsRoot.resolve(attempt == 1 ? base : base + "-" + attempt);
                try {
                    return new RunDirectory(scenario, Files.createDirectory(candidate));
                } catch (FileAlreadyExistsException taken) {
                    // another run started in the same second: try the next suffix
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory under " + reportsRoot, e);
        }
        throw new IllegalStateException("999 runs of " + scenario + " in one second under " + reportsRoot);
    }

    public String scenario() {
        return scenario;
    }

    public Path path() {
        return path;
    }

    /** Opens {@code name.csv} in this run for streaming rows; the caller closes it. */
    public CsvWriter csv(String name, String... header) {
        Path file = path.resolve(checkName(name) + ".csv");
        CsvWriter writer = new CsvWriter(file, header);
        csvFiles.add(file);
        return writer;
    }

    /** Where a chart called {@code name} is written ({@code name.png}); registers it for the report. */
    Path chartFile(String name) {
        Path file = path.resolve(checkName(name) + ".png");
        charts.add(file);
        return file;
    }

    public List<Path> csvFiles() {
        return Collections.unmodifiableList(csvFiles);
    }

    public List<Path> charts() {
        return Collections.unmodifiableList(charts);
    }

    /** The report file, {@code report.md}. */
    public Path reportFile() {
        return path.resolve("report.md");
    }

    private static String checkName(String name) {
        if (!FILE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("report file name must be letters, digits, '.', '_' or '-' (was '"
                    + name + "')");
        }
        return name;
    }
}
