package io.omnicast.bench.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.launcher.OmniCast;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code omnicast demo} end to end through the real command line, small: a chain of 4 peer processes (one child
 * each) behind the bridge's test pattern; the hop-1 relay leaves, then the next relay is killed with SIGKILL; the
 * demo runs 21 s after the joins, long enough for both departures and their recoveries.
 */
class DemoIT {
    @Test
    void demoRunsTheWholeSystemAndEveryOrphanRecovers() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = OmniCast.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("demo", "--peers", "4", "--children", "1", "--size", "320x240", "--duration", "21");
        String text = out.toString();
        assertEquals(0, exit, text + "\n" + err);
        for (String expected : List.of("demo: all 4 peers joined", "joined at hop 1 under o-", "joined at hop 4 under n-",
                "(a relay) leaves: SIGTERM", "(a relay) is killed with SIGKILL", "demo: proxy API: http://127.0.0.1:")) {
            assertTrue(text.contains(expected), expected + " missing from:\n" + text);
        }
        // the killed relay's orphan recovered (the first orphan was the killed relay itself), nothing lost
        Matcher m = Pattern.compile("gap +(\\d+) ms, lost after repair (\\d+)").matcher(text);
        int recoveries = 0;
        while (m.find()) {
            recoveries++;
            assertTrue(Integer.parseInt(m.group(1)) < 1000, m.group());
            assertEquals("0", m.group(2), m.group());
        }
        assertTrue(recoveries >= 1, "a recovery expected:\n" + text);
        assertTrue(ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive),
                "child processes still alive: " + ProcessHandle.current().children().toList());
    }
}
