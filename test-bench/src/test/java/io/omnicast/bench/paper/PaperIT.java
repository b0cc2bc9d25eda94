package io.omnicast.bench.paper;

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
 * {@code omnicast bench paper} end to end in a tiny configuration (a relay with 2 children; a chain of 5 built
 * twice) through the real command line: real processes, sockets and ffmpeg-encoded video on loopback.
 */
class PaperIT {
    @Test
    void paperRunsBothSetUpsAndReportsEveryMeasurementBesideThePaper(@TempDir Path reports) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OmniCast.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("bench", "paper", "--children", "2", "--chain", "5", "--rounds", "2", "--window", "3",
                "--size", "320x240", "--kbps", "500", "--seed", "3", "--reports", reports.toString());
        assertEquals(0, exit, out + "\n" + err);

        Path run;
        try (Stream<Path> dirs = Files.list(reports)) {
            List<Path> all = dirs.toList();
            assertEquals(1, all.size(), all.toString());
            run = all.get(0);
        }
        assertTrue(run.getFileName().toString().startsWith("paper-"), run.toString());

        // parallel: the relay and both children play in real time (30 frames in about a second)
        List<String> parallel = Files.readAllLines(run.resolve("parallel.csv"));
        assertEquals("node,user,hop,frames,seconds,ms_per_30_frames,fps,min_fps_1s,stalls", parallel.get(0));
        assertEquals(1 + 3, parallel.size(), parallel.toString());
        for (String row : parallel.subList(1, parallel.size())) {
            String[] f = row.split(",");
            double fps = Double.parseDouble(f[6]);
            assertTrue(fps >= 25 && fps <= 35, "frame rate of " + row);
        }
        assertTrue(parallel.get(2).split(",")[2].equals("2"), "children sit at hop 2: " + parallel);

        // serial: every join of both rounds measured, hops 1..5, each part present and adding up to Tconnection;
        // round 1 made the proxy check every password (first logins), round 2 found them in its cache
        List<String> joins = Files.readAllLines(run.resolve("joins.csv"));
        assertEquals("round,first_login,user,hop,proxy_ms,rtsp_ms,first_packet_ms,decode_ms,tconnection_ms,"
                + "described", joins.get(0));
        assertEquals(1 + 2 * 5, joins.size(), joins.toString());
        for (int i = 1; i < joins.size(); i++) {
            String[] f = joins.get(i).split(",");
            assertEquals(String.valueOf(i <= 5), f[1], "first login of " + joins.get(i));
            assertEquals(String.valueOf((i - 1) % 5 + 1), f[3], "hop of " + joins.get(i));
            long parts = Long.parseLong(f[4]) + Long.parseLong(f[5]) + Long.parseLong(f[6]) + Long.parseLong(f[7]);
            long total = Long.parseLong(f[8]);
            assertTrue(Long.parseLong(f[4]) > 0 && total >= parts && total <= parts + 50, joins.get(i));
            assertEquals("false", f[9], "the placement carried the channel's description: no DESCRIBE in "
                    + joins.get(i));
        }

        // recovery: a graceful leave and a SIGKILL per round, each orphan back on the stream with nothing lost
        List<String> recoveries = Files.readAllLines(run.resolve("recoveries.csv"));
        assertEquals(1 + 2 * 2, recoveries.size(), recoveries.toString());
        for (String row : recoveries.subList(1, recoveries.size())) {
            String[] f = row.split(",");
            long gap = Long.parseLong(f[4]);
            assertTrue(gap >= 0 && gap < 1000, "gap of " + row);
            assertEquals("0", f[5], "packets lost after repair in " + row);
        }
        assertTrue(recoveries.stream().anyMatch(r -> r.contains("SIGKILL")), recoveries.toString());

        for (String chart : List.of("parallel-30-frames", "serial-tconnection", "serial-trecovery")) {
            BufferedImage image = ImageIO.read(run.resolve(chart + ".png").toFile());
            assertEquals(1000, image.getWidth(), chart);
        }
        String md = Files.readString(run.resolve("report.md"));
        for (String expected : List.of("## Parallel set-up (paper Fig. 5 and 7)", "990-998 ms",
                "## Serial set-up: connection delay per hop (paper Fig. 8 and 9)", "| 449 ms |", "| 100-120 ms |",
                "| 5 | ", "## Serial set-up: recovery when a relay leaves", "| SIGKILL (hop 4) | 2 |",
                "| graceful leave (hop 2) | 2 |", "| seed | 3 |", "## Machine", "load average at end")) {
            assertTrue(md.contains(expected), expected + " missing from report.md:\n" + md);
        }
        // nothing left running: every peer and the bridge were stopped
        assertTrue(ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive),
                "child processes still alive: " + ProcessHandle.current().children().toList());
    }
}
