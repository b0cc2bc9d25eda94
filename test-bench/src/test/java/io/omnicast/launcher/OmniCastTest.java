package io.omnicast.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OmniCastTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = OmniCast.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void helpListsEveryCommand() {
        assertEquals(0, run("--help"));
        for (String command : List.of("demo", "test", "proxy", "server", "peer", "bridge", "bench")) {
            assertTrue(out.toString().contains(command), command + " missing from:\n" + out);
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("demo", "test", "proxy", "server", "peer", "bridge", "bench")) {
            out.getBuffer().setLength(0);
            assertEquals(0, run(command, "--help"), command);
            assertTrue(out.toString().startsWith("Usage: omnicast " + command), out.toString());
        }
    }

    @Test
    void missingCommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(err.toString().contains("Missing command"), err.toString());
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(2, run("frobnicate"));
    }
}
