package io.omnicast.bench.scale;

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
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code omnicast bench scale} end to end in a tiny configuration through the real command line: a real proxy,
 * streaming server and encoder bridge, 6 peers in 2 host processes (one more for the decoding peer), a tree two
 * hops deep.
 */
class ScaleIT {
    @Test
    void sixPeersInTwoHostsAllPlayAt30FpsAndTheReportHasEveryFigure(@TempDir Path reports) throws IOException {
        long before = ProcessHandle.current().descendants().count();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OmniCast.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("bench", "scale", "--peers", "6", "--hosts", "2", "--decode-sample", "1",
                "--origin-children", "2", "--max-children", "2", "--join-rate", "4", "--window", "6", "--settle", "2",
                "--size", "320x240", "--kbps", "500", "--seed", "3", "--reports", reports.toString());
        assertEquals(0, exit, out + "\n" + err);

        Path run;
        try (Stream<Path> dirs = Files.list(reports)) {
            List<Path> all = dirs.toList();
            assertEquals(1, all.size(), all.toString());
            run = all.get(0);
        }
        assertTrue(run.getFileName().toString().startsWith("scale-"), run.toString());

        // every peer played through the window at the stream's 30 fps, in a tree deeper than one hop
        List<String> peers = Files.readAllLines(run.resolve("peers.csv"));
        assertEquals("user,host,node_id,parent,hop,decode,playing,fps,min_fps_1s,stalls,packets_lost,kbps,children,"
                + "first_frame_ms,recoveries_in_window", peers.get(0));
        assertEquals(1 + 6, peers.size(), peers.toString());
        Set<String> hops = peers.stream().skip(1).map(l -> l.split(",")[4]).collect(Collectors.toSet());
        assertTrue(hops.contains("1") && hops.contains("2"), "hops " + hops);
        long decoding = peers.stream().skip(1).filter(l -> l.split(",")[5].equals("true")).count();
        assertEquals(1, decoding);
        // (not asserted: playing at the window's very end - a loaded shared machine may put a peer mid fail-over)
        for (String line : peers.subList(1, peers.size())) {
            String[] f = line.split(",");
            double fps = Double.parseDouble(f[7]);
            assertTrue(fps >= 25 && fps <= 36, "fps out of range: " + line);
        }

        // per-hop latency: packets matched between children and their parents, a few ms on loopback
        List<String> latency = Files.readAllLines(run.resolve("hop_latency.csv"));
        assertTrue(latency.size() > 20, "latency samples: " + latency.size());
        for (String line : latency.subList(1, latency.size())) {
            double us = Double.parseDouble(line.split(",")[4]);
            assertTrue(us > 0 && us < 500_000, "latency out of range: " + line);
        }
        List<String> processes = Files.readAllLines(run.resolve("processes.csv"));
        assertTrue(processes.stream().anyMatch(l -> l.startsWith("scale-host-0,")), processes.toString());
        assertTrue(processes.stream().anyMatch(l -> l.startsWith("scale-host-decode,")), processes.toString());
        for (String line : processes.subList(1, processes.size())) {
            double rssMib = Double.parseDouble(line.split(",")[5]);
            assertTrue(rssMib > 10 && rssMib < 4096, "RSS out of range: " + line);
        }
        assertTrue(Files.readAllLines(run.resolve("timeline.csv")).size() > 6 * 5, "timeline rows");
        assertTrue(Files.readAllLines(run.resolve("join_ramp.csv")).size() > 1, "ramp rows");

        for (String chart : List.of("fps_per_hop", "fps_ranked", "hop_latency", "cost_per_peer", "join_ramp")) {
            BufferedImage image = ImageIO.read(run.resolve(chart + ".png").toFile());
            assertEquals(1000, image.getWidth(), chart);
        }
        String md = Files.readString(run.resolve("report.md"));
        for (String expected : List.of("# Scale: 6 peers", "## Machine", "## Versions", "## Parameters",
                "| topology | hop-count |", "| seed | 3 |", "of 6 peers held 30 fps", "### Frame rate per hop",
                "### Per-hop latency", "| 2 |", "### CPU and memory per process and per peer", "scale-host-decode",
                "(fps_per_hop.png)", "./omnicast bench scale --peers 6")) {
            assertTrue(md.contains(expected), expected + " missing from report.md:\n" + md);
        }

        // every process the scenario started is gone
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.current().descendants().count() > before && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(before, ProcessHandle.current().descendants().count(), "processes left behind");
    }
}
