package io.omnicast.bench.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.launcher.OmniCast;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code omnicast bench simulate} end to end, in a tiny configuration, through the real command line. */
class SimulateIT {
    @Test
    void simulateWritesAComparisonReportWithCsvChartsAndMarkdown(@TempDir Path reports) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OmniCast.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("bench", "simulate", "--topology", "hop-count,random", "--peers", "1500",
                "--rate", "10", "--seed", "5", "--heap-check", "--set", "sample-interval-s=20",
                "--reports", reports.toString());
        assertEquals(0, exit, err.toString());

        Path run;
        try (Stream<Path> dirs = Files.list(reports)) {
            List<Path> all = dirs.toList();
            assertEquals(1, all.size(), all.toString());
            run = all.get(0);
        }
        assertTrue(run.getFileName().toString().startsWith("simulate-"), run.toString());
        assertTrue(out.toString().contains("report: " + run.resolve("report.md")), out.toString());

        // raw CSV: one session row per session and plugin, with the header first
        List<String> sessions = Files.readAllLines(run.resolve("sessions.csv"));
        assertEquals("topology,session,class,reachable,max_children,abrupt,arrival_s,length_s,join_hop,startup_ms,"
                + "joins_refused,interruptions", sessions.get(0));
        assertEquals(1 + 2 * 1500, sessions.size());
        for (String csv : List.of("departures.csv", "recoveries.csv", "snapshots.csv", "summary.csv",
                "depth_distribution.csv", "load_balance.csv", "load_by_class.csv")) {
            assertTrue(Files.readAllLines(run.resolve(csv)).size() > 1, csv + " has data rows");
        }
        assertTrue(Files.readString(run.resolve("summary.csv")).contains("random,sessions,1500"));

        // one chart per metric, every one a real, readable PNG
        for (String chart : List.of("depth_distribution", "startup_delay", "recovery_time", "playback_lag",
                "disrupted_per_departure", "load_balance", "origin_load", "mean_depth", "peers_in_tree",
                "simulator_speed")) {
            BufferedImage image = ImageIO.read(run.resolve(chart + ".png").toFile());
            assertEquals(1000, image.getWidth(), chart);
            assertEquals(600, image.getHeight(), chart);
        }

        String md = Files.readString(run.resolve("report.md"));
        for (String expected : List.of("# Topology simulation: hop-count vs random", "## Machine", "| cores |",
                "## Versions", "| git commit |", "## Parameters", "| seed | 5 |", "| peers | 1500 |",
                "### Comparison", "| metric | hop-count | random | paper |", "| startup delay p50 |",
                "100-120 ms", "## Heap check", "![", "(startup_delay.png)")) {
            assertTrue(md.contains(expected), expected + " missing from report.md:\n" + md);
        }

        // the scenario written with the report reruns the same experiment
        SimConfig again = SimConfig.of(ScenarioFile.read(run.resolve("scenario.txt")));
        assertEquals(1500, again.peers());
        assertEquals(5, again.seed());
        assertEquals(List.of("hop-count", "random"), again.topologies());
    }

    @Test
    void unknownPluginIsAUsageErrorListingTheAvailableOnes(@TempDir Path reports) {
        StringWriter err = new StringWriter();
        CommandLine cli = OmniCast.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("bench", "simulate", "--topology", "nope", "--reports", reports.toString()));
        assertTrue(err.toString().contains("no topology plugin with id 'nope'"), err.toString());
        assertTrue(err.toString().contains("hop-count"), err.toString());
    }
}
