package io.omnicast.bench.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The generated part of the README's Performance section: one table made of the headline rows of every published
 * run ({@code docs/performance/<scenario>/headline.md}), each row linked to its full report. It sits between two
 * markers in README.md; {@code ./omnicast bench publish} rewrites it, and a test checks that it matches the
 * published reports, so the README cannot drift from what was measured.
 */
public final class PerformanceReadme {
    public static final String BEGIN = "<!-- performance:generated:begin (./omnicast bench publish REPORT_DIR) -->";
    public static final String END = "<!-- performance:generated:end -->";
    /** Scenarios in the order the table lists them. */
    public static final List<String> ORDER = List.of("paper", "peer", "chaos", "scale", "load", "simulate",
            "simulate-1m", "bridge");

    private PerformanceReadme() {
    }

    /** The table for the runs published under {@code published} (the repository's {@code docs/performance}). */
    public static String table(Path published) {
        StringBuilder md = new StringBuilder();
        md.append("| what | figure | target | command | report |\n|---|---|---|---|---|\n");
        for (String scenario : ORDER) {
            Path headline = published.resolve(scenario).resolve("headline.md");
            if (!Files.isRegularFile(headline)) {
                continue;
            }
            String link = " [" + scenario + "](docs/performance/" + scenario + "/report.md) |";
            for (String row : read(headline).split("\n")) {
                if (row.startsWith("| ")) {
                    md.append(row.stripTrailing()).append(link).append('\n');
                }
            }
        }
        return md.toString();
    }

    /** {@code readme} with the text between the markers replaced by {@code table}. */
    public static String replace(String readme, String table) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("README.md has no generated performance block (" + BEGIN + " ... "
                    + END + ")");
        }
        return readme.substring(0, begin + BEGIN.length()) + "\n" + table + readme.substring(end);
    }

    /** The text between the markers, without the line breaks around it. */
    public static String current(String readme) {
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("README.md has no generated performance block");
        }
        return readme.substring(begin + BEGIN.length() + 1, end);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
