package io.omnicast.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.launcher.OmniCast;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code omnicast bench chaos} end to end in a tiny configuration, through the real command line: a proxy, a
 * streaming server, the bridge's test pattern and a handful of peer processes that join, leave and are killed.
 */
class ChaosIT {
    @Test
    void chaosRunsTheChurnPlanAndReportsRecoveriesStallsAndReparentLatency(@TempDir Path reports)
            throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OmniCast.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        // Short sessions and a relay-heavy tree (one slot at the origin, two per peer) so that relays with
        // children leave, by SIGKILL half of the time, within half a minute. Seed 8 plans the first wave so that the
        // hop-1 peer (chaos-000) is killed about 9 s into its session while both its hop-2 children (chaos-001 and
        // chaos-002) are planned to stay longer: recoveries happen however late the later peers start up, since the
        // plan's clock waits for the first wave.
        int exit = cli.execute("bench", "chaos", "--peers", "4", "--duration", "35", "--session-params",
                "shape=0.6,scale-s=8", "--kill-share", "0.5", "--decode-share", "0", "--max-children", "2",
                "--origin-children", "1", "--ramp-rate", "4", "--prestart", "8", "--seed", "8", "--reports",
                reports.toString());
        assertEquals(0, exit, err.toString() + out);

        Path run;
        try (Stream<Path> dirs = Files.list(reports)) {
            List<Path> all = dirs.toList();
            assertEquals(1, all.size(), all.toString());
            run = all.get(0);
        }
        assertTrue(run.getFileName().toString().startsWith("chaos-"), run.toString());
        assertTrue(out.toString().contains("report: " + run.resolve("report.md")), out.toString());

        // the plan is the seed's: drawn again with the same options it is the same, row for row
        List<String> planRows = Files.readAllLines(run.resolve("plan.csv"));
        ChurnPlan again = ChurnPlan.draw(4, 35, 4, new io.omnicast.bench.sim.SessionLengths.Weibull(0.6, 8), 0.5,
                0, new int[] {2}, 8);
        assertEquals(1 + again.sessions().size(), planRows.size());
        assertEquals("index,user,initial,join_at_s,session_s,departure,max_children,decode", planRows.get(0));

        // joins and departures on the timeline, at least one by SIGKILL, and the peers played
        List<String> timeline = Files.readAllLines(run.resolve("timeline.csv"));
        assertTrue(count(timeline, ",launch,") >= 4, String.join("\n", timeline));
        assertTrue(count(timeline, ",join,") >= 4, String.join("\n", timeline));
        assertTrue(count(timeline, ",playing,") >= 2, String.join("\n", timeline));
        assertTrue(count(timeline, ",sigkill,") >= 1, String.join("\n", timeline));
        assertTrue(count(timeline, ",sigkill,") + count(timeline, ",sigterm,") >= 2, String.join("\n", timeline));

        // every recovery a peer counted is recorded, and at least one happened
        List<String> recoveries = Files.readAllLines(run.resolve("recoveries.csv"));
        assertEquals("user,ordinal,seen_s,cause,from_node,from_user,parent_fate,to_node,gap_ms,lost_after_repair",
                recoveries.get(0));
        assertTrue(recoveries.size() >= 2, "no recovery recorded:\n" + String.join("\n", timeline));
        assertTrue(Files.readAllLines(run.resolve("samples.csv")).size() > 20, "per-second samples");
        assertTrue(Files.readAllLines(run.resolve("population.csv")).size() > 20, "population rows");
        String proxyEvents = Files.readString(run.resolve("proxy_events.csv"));
        assertTrue(proxyEvents.contains(",join,") && proxyEvents.contains(",leave,"), proxyEvents);

        for (String chart : List.of("recovery-gap-cdf", "recovery-gap-cdf-2s", "population", "churn-timeline",
                "stalls-timeline", "reparent-latency-cdf")) {
            BufferedImage image = ImageIO.read(run.resolve(chart + ".png").toFile());
            assertEquals(1000, image.getWidth(), chart);
            assertEquals(600, image.getHeight(), chart);
        }

        String md = Files.readString(run.resolve("report.md"));
        for (String expected : List.of("# Chaos: a live channel under churn", "## Machine", "## Versions",
                "## Parameters", "| seed | 8 |", "| topology | hop-count |", "| load average at end |",
                "### Chaos results", "| stalls per peer-hour |", "| recovery gap p50 / p95 / p99 / max |",
                "| packets lost after repair (in recoveries) |", "| proxy re-parent latency p50 / p95 / max (pushes) |",
                "### Recovery gaps by how the old parent left", "(recovery-gap-cdf.png)", "[plan.csv](plan.csv)")) {
            assertTrue(md.contains(expected), expected + " missing from report.md:\n" + md);
        }
    }

    @Test
    void aSessionModelWithoutAFiniteMeanIsAUsageError(@TempDir Path reports) {
        StringWriter err = new StringWriter();
        CommandLine cli = OmniCast.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("bench", "chaos", "--session", "pareto", "--session-params", "alpha=0.9,min-s=10",
                "--reports", reports.toString()));
        assertTrue(err.toString().contains("finite mean"), err.toString());
    }

    private static long count(List<String> lines, String needle) {
        return lines.stream().filter(l -> l.contains(needle)).count();
    }
}
