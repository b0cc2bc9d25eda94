package io.omnicast.bench.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.launcher.OmniCast;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PerformanceReadmeTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theReadmesPerformanceTableIsTheOneThePublishedReportsGive() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"), StandardCharsets.UTF_8);
        String expected = PerformanceReadme.table(REPO.resolve("docs").resolve("performance"));
        assertEquals(expected, PerformanceReadme.current(readme), "README.md's generated Performance table differs "
                + "from docs/performance/*/headline.md: run ./omnicast bench publish (with the new report dirs)");
    }

    @Test
    void publishCopiesARunAndRegeneratesTheTableInScenarioOrder(@TempDir Path repo) throws IOException {
        Files.writeString(repo.resolve("README.md"), "# x\n\n## Performance\n\n" + PerformanceReadme.BEGIN + "\nold\n"
                + PerformanceReadme.END + "\n\nafter\n");
        Path chaos = run(repo, "chaos-20261121-101010", "| stalls per peer-hour | 0.0 | 0 | `./omnicast bench chaos` |\n");
        Path paper = run(repo, "paper-20261121-090000", "| Tconnection p95 | 40 ms | <= 50 ms | `./omnicast bench paper` |\n");
        Files.writeString(paper.resolve("big.csv"), "x".repeat(600 * 1024));
        Files.writeString(paper.resolve("joins.csv"), "round,hop\n1,1\n");
        StringWriter out = new StringWriter();
        CommandLine cli = OmniCast.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("bench", "publish", "--repo", repo.toString(), chaos.toString(), paper.toString()));

        Path published = repo.resolve("docs/performance");
        assertTrue(Files.exists(published.resolve("paper/report.md")));
        assertTrue(Files.exists(published.resolve("paper/joins.csv")));
        assertTrue(Files.notExists(published.resolve("paper/big.csv")), "large raw CSV stays in reports/");
        String readme = Files.readString(repo.resolve("README.md"));
        assertEquals("| what | figure | target | command | report |\n|---|---|---|---|---|\n"
                + "| Tconnection p95 | 40 ms | <= 50 ms | `./omnicast bench paper` | [paper](docs/performance/paper/report.md) |\n"
                + "| stalls per peer-hour | 0.0 | 0 | `./omnicast bench chaos` | [chaos](docs/performance/chaos/report.md) |\n",
                PerformanceReadme.current(readme));
        assertTrue(readme.endsWith(PerformanceReadme.END + "\n\nafter\n"), readme);

        // a newer run of a scenario replaces the old one entirely
        Path again = run(repo, "paper-20261121-120000", "| Tconnection p95 | 35 ms | <= 50 ms | `./omnicast bench paper` |\n");
        assertEquals(0, cli.execute("bench", "publish", "--repo", repo.toString(), again.toString()));
        assertTrue(Files.notExists(published.resolve("paper/joins.csv")));
        assertTrue(PerformanceReadme.current(Files.readString(repo.resolve("README.md"))).contains("| 35 ms |"));

        // a second run of one scenario goes under another listed name, after the first
        Path million = run(repo, "simulate-20261121-130000", "| 1,000,000 sessions | 23 s | < 60 s | `x` |\n");
        Path hundred = run(repo, "simulate-20261121-131000", "| 100,000 sessions | 5 s | — | `y` |\n");
        assertEquals(0, cli.execute("bench", "publish", "--repo", repo.toString(), hundred.toString()));
        assertEquals(0, cli.execute("bench", "publish", "--repo", repo.toString(), "--as", "simulate-1m",
                million.toString()));
        String table = PerformanceReadme.current(Files.readString(repo.resolve("README.md")));
        assertTrue(table.indexOf("| 100,000 sessions |") < table.indexOf("| 1,000,000 sessions |"), table);
        assertTrue(table.contains("[simulate-1m](docs/performance/simulate-1m/report.md)"), table);
        assertEquals(2, cli.execute("bench", "publish", "--repo", repo.toString(), "--as", "holidays",
                million.toString()), "--as takes only a listed name");
    }

    @Test
    void aDirectoryThatIsNotARunIsRefused(@TempDir Path repo) throws IOException {
        Files.writeString(repo.resolve("README.md"), PerformanceReadme.BEGIN + "\n" + PerformanceReadme.END + "\n");
        Path stray = Files.createDirectories(repo.resolve("reports/holiday-photos"));
        StringWriter err = new StringWriter();
        CommandLine cli = OmniCast.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("bench", "publish", "--repo", repo.toString(), stray.toString()));
        assertTrue(err.toString().contains("is not a run directory"), err.toString());
        assertThrows(IllegalArgumentException.class, () -> PerformanceReadme.replace("no markers", "t"));
    }

    private static Path run(Path repo, String name, String headline) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("reports").resolve(name));
        Files.writeString(dir.resolve("report.md"), "# report " + name + "\n");
        Files.writeString(dir.resolve("headline.md"), headline);
        Files.writeString(dir.resolve("chart.png"), "png");
        return dir;
    }
}
