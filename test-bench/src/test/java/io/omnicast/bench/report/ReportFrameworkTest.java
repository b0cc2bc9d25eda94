package io.omnicast.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportFrameworkTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);

    @Test
    void runDirectoryIsNamedAfterScenarioAndTimeAndNeverReused(@TempDir Path root) {
        RunDirectory first = RunDirectory.create(root, "simulate", CLOCK);
        RunDirectory second = RunDirectory.create(root, "simulate", CLOCK);
        assertEquals(root.resolve("simulate-20260304-050607"), first.path());
        assertEquals(root.resolve("simulate-20260304-050607-2"), second.path());
        assertThrows(IllegalArgumentException.class, () -> RunDirectory.create(root, "Bad Name", CLOCK));
    }

    @Test
    void csvQuotesWhatNeedsQuotingAndWritesNumbersPlainly(@TempDir Path root) throws IOException {
        RunDirectory run = RunDirectory.create(root, "t", CLOCK);
        try (CsvWriter csv = run.csv("data", "name", "value")) {
            csv.row("plain", 1.5);
            csv.row("with, comma", 2.0);
            csv.row("with \"quote\"", Double.NaN);
            assertEquals(3, csv.rows());
            assertThrows(IllegalArgumentException.class, () -> csv.row("only one"));
        }
        assertEquals("name,value\nplain,1.5\n\"with, comma\",2\n\"with \"\"quote\"\"\",\n",
                Files.readString(run.path().resolve("data.csv")));
        assertEquals(List.of(run.path().resolve("data.csv")), run.csvFiles());
    }

    @Test
    void numbersAreRoundedToSixDecimalsWithoutTrailingZeros() {
        assertEquals("0.333333", CsvWriter.num(1.0 / 3));
        assertEquals("-2.5", CsvWriter.num(-2.5));
        assertEquals("12", CsvWriter.num(12.0));
        assertEquals("0.000001", CsvWriter.num(0.000001));
        assertEquals("1234.05", CsvWriter.num(1234.05));
        assertEquals("", CsvWriter.num(Double.NaN));
    }

    @Test
    void samplesGiveQuantilesMeansAndCdfs() {
        Samples s = new Samples();
        for (int i = 1; i <= 100; i++) {
            s.add(i);
        }
        assertEquals(50.5, s.mean(), 1e-12);
        assertEquals(50, s.quantile(0.5));
        assertEquals(99, s.quantile(0.99));
        assertEquals(1, s.quantile(0));
        assertEquals(100, s.quantile(1));
        assertEquals(0.25, s.shareAtMost(25), 1e-12);
        double[][] cdf = s.cdf(10);
        assertEquals(10, cdf[0].length);
        assertEquals(100, cdf[0][9]);
        assertEquals(100.0, cdf[1][9], 1e-9);
    }

    @Test
    void weightedSamplesCountTheirWeight() {
        Samples s = new Samples();
        s.add(10);
        s.add(1000, 9);
        assertEquals(10, s.totalWeight(), 1e-12);
        assertEquals(901, s.mean(), 1e-9);
        assertEquals(1000, s.quantile(0.5));
        assertEquals(10, s.quantile(0.1));
    }

    @Test
    void paperColumnAppearsOnlyWhenThePaperHasAFigure() {
        ResultTable ours = new ResultTable("T", "metric", List.of("a", "b")).row("x", List.of("1", "2"));
        assertFalse(ours.toMarkdown().contains("paper"));
        ResultTable withPaper = new ResultTable("T", "metric", List.of("a", "b"))
                .row("x", List.of("1", "2"), "3 ms").row("y", List.of("4", "5"));
        assertEquals("| metric | a | b | paper |\n|---|---:|---:|---|\n| x | 1 | 2 | 3 ms |\n| y | 4 | 5 |  |\n",
                withPaper.toMarkdown());
        assertThrows(IllegalArgumentException.class, () -> withPaper.row("z", List.of("1")));
    }

    @Test
    void reportStatesMachineVersionsParametersResultsAndFiles(@TempDir Path root) throws IOException {
        RunDirectory run = RunDirectory.create(root, "demo", CLOCK);
        run.csv("raw", "v").close();
        org.knowm.xchart.XYChart chart = Charts.lines("Chart", "x", "y");
        Charts.addLine(chart, 0, "series", new double[] {0, 1, 2}, new double[] {0, 50, 100});
        Path png = Charts.save(run, "chart", chart);
        Path file = new ReportDocument("Demo", run, Instant.parse("2026-03-04T05:06:07Z"))
                .machine(new MachineInfo(2, 24L << 30, "Linux", "OpenJDK 17", 4L << 30))
                .build(new BuildInfo("0.1.0", "abc123", true))
                .command("./omnicast bench demo").parameter("seed", 7)
                .section("Results").table(new ResultTable("Numbers", "metric", List.of("ours"))
                        .row("delay", List.of("5 ms"), "100 ms"))
                .chart(png, "A chart").write();
        String md = Files.readString(file, StandardCharsets.UTF_8);
        for (String expected : List.of("# Demo", "| cores | 2 |", "| memory | 24.0 GiB |", "| OS | Linux |",
                "| JVM | OpenJDK 17 |", "abc123 (with uncommitted changes)", "| seed | 7 |", "### Numbers",
                "| delay | 5 ms | 100 ms |", "![A chart](chart.png)", "- [raw.csv](raw.csv)", "./omnicast bench demo")) {
            assertTrue(md.contains(expected), expected + " missing from:\n" + md);
        }
        byte[] bytes = Files.readAllBytes(png);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals('P', bytes[1]);
        assertEquals('N', bytes[2]);
        assertEquals('G', bytes[3]);
    }

    @Test
    void plainProgressPrintsALineEveryIntervalAndTheFinalState() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong();
        Progress progress = Progress.plain(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1000, clock::get,
                "run");
        progress.update(1, 10, () -> "early");
        clock.addAndGet(1_000_000_000L);
        progress.update(5, 10, () -> "half");
        clock.addAndGet(10_000_000L);
        progress.update(6, 10, () -> {
            throw new AssertionError("the detail is not built when nothing is printed");
        });
        progress.finish(10, 10, "done");
        assertEquals("run: 5/10 (50%) half\nrun: 10/10 (100%) done\n", bytes.toString(StandardCharsets.UTF_8));
    }
}
