package io.omnicast.bench.load;

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
 * {@code omnicast bench load} end to end in a tiny configuration through the real command line: a real proxy
 * process under a flash crowd of 100 USCP sessions (burst and paced), a real streaming server process with a few
 * UDP and TCP readers.
 */
class LoadIT {
    @Test
    void flashCrowdAndReadersGiveJoinRatesLatenciesCpuAndMemoryInOneReport(@TempDir Path reports)
            throws IOException {
        long before = ProcessHandle.current().descendants().count();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OmniCast.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("bench", "load", "--sessions", "100", "--rate", "1000", "--warmup-joins", "0",
                "--push-rounds", "3", "--push-warmup", "1", "--readers", "2,4", "--reader-seconds", "2",
                "--start-joins", "10", "--kbps", "500", "--reports", reports.toString());
        assertEquals(0, exit, out + "\n" + err);

        Path run;
        try (Stream<Path> dirs = Files.list(reports)) {
            List<Path> all = dirs.toList();
            assertEquals(1, all.size(), all.toString());
            run = all.get(0);
        }
        assertTrue(run.getFileName().toString().startsWith("load-"), run.toString());

        // both crowds answered, every join placed, at a plausible rate and round trip
        List<String> crowds = Files.readAllLines(run.resolve("proxy_flash_crowds.csv"));
        assertEquals(3, crowds.size(), crowds.toString());
        for (String line : crowds.subList(1, crowds.size())) {
            String[] f = line.split(",");
            assertEquals("100", f[1], line);
            assertTrue(Double.parseDouble(f[3]) > 10, "joins/s: " + line);
            double p50 = Double.parseDouble(f[5]);
            double p99 = Double.parseDouble(f[6]);
            assertTrue(p50 > 0 && p50 <= p99 && p99 < 30_000, "round trip: " + line);
            assertEquals("0", f[8], "errors: " + line);
            assertTrue(Double.parseDouble(f[11]) > 20, "proxy RSS: " + line);
        }
        assertTrue(crowds.get(1).startsWith("burst,") && crowds.get(2).startsWith("paced,"), crowds.toString());
        assertTrue(Files.readAllLines(run.resolve("proxy_timeline.csv")).size() > 4, "proxy samples");

        // the server fed every reader the stream: a baseline and two steps per transport
        List<String> readers = Files.readAllLines(run.resolve("server_readers.csv"));
        assertEquals(1 + 2 * 3, readers.size(), readers.toString());
        for (String line : readers.subList(1, readers.size())) {
            String[] f = line.split(",");
            assertTrue(Double.parseDouble(f[3]) > 0, "server CPU: " + line);
            if (!f[1].equals("0")) {
                assertTrue(Long.parseLong(f[6]) > 0, "a reader got nothing: " + line);
                double kbps = Double.parseDouble(f[9]);
                assertTrue(kbps > 300 && kbps < 800, "throughput per reader: " + line);
            }
        }
        List<String> start = Files.readAllLines(run.resolve("server_start_latency.csv"));
        assertTrue(start.size() >= 1 + 10, "start latencies: " + start.size());

        for (String chart : List.of("proxy_joins_per_s", "proxy_join_rtt_burst", "proxy_join_rtt_paced", "proxy_cpu", "proxy_memory",
                "server_cpu", "server_memory", "server_throughput", "server_start_latency")) {
            BufferedImage image = ImageIO.read(run.resolve(chart + ".png").toFile());
            assertEquals(1000, image.getWidth(), chart);
        }
        String md = Files.readString(run.resolve("report.md"));
        for (String expected : List.of("# Load:", "## Machine", "## Versions", "## Parameters",
                "## Proxy under a flash crowd", "| burst, 100 sessions |", "| paced, 100 sessions (1,000/s offered) |",
                "re-parent push", "## Streaming server under many readers", "| udp, 4 |", "| tcp, 4 |",
                "inside the server", "(proxy_joins_per_s.png)")) {
            assertTrue(md.contains(expected), expected + " missing from report.md:\n" + md);
        }

        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.current().descendants().count() > before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(before, ProcessHandle.current().descendants().count(), "processes left behind");
    }
}
