package io.omnicast.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Listed so that {@code omnicast --help} shows it. The {@code ./omnicast} script runs the suite itself, since
 * it must work on a fresh clone before anything is built.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Install what the tests need (Debian's ffmpeg and GStreamer) if missing, then run the whole test suite "
                + "(mvn -B verify). Exit code is the suite's.",
            "Extra arguments are passed to Maven, e.g. ./omnicast test -pl protocol-xsd"})
final class TestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("omnicast test: run it through the ./omnicast script at the project root.");
        return 2;
    }
}
