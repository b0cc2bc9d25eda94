package io.omnicast.launcher;

import java.util.concurrent.Callable;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A command whose component has not landed yet: it says so plainly and exits with
 * {@link OmniCast#EXIT_NOT_BUILT} rather than pretending to work.
 */
abstract class NotBuiltYetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** What the command will run, and the issue that brings it. */
    abstract String arrivesWith();

    @Override
    public Integer call() {
        spec.commandLine().getErr().println(spec.qualifiedName() + ": not built yet - " + arrivesWith() + ".");
        return OmniCast.EXIT_NOT_BUILT;
    }
}
