package io.omnicast.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code omnicast} command line. The {@code ./omnicast} script builds the project on first use and then
 * runs this class; {@code ./omnicast test} is handled by the script itself because it must work before
 * anything is built.
 */
@Command(name = "omnicast",
        mixinStandardHelpOptions = true,
        versionProvider = OmniCastVersion.class,
        description = "OmniCast: hybrid peer-to-peer live streaming of H.264 over RTSP/RTP.",
        subcommands = {
            DemoCommand.class,
            TestCommand.class,
            ProxyCommand.class,
            ServerCommand.class,
            PeerCommand.class,
            BridgeCommand.class,
            BenchCommand.class,
        })
public final class OmniCast implements Runnable {
    /** Exit code of a command whose component has not been built yet. */
    public static final int EXIT_NOT_BUILT = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new OmniCast()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: choose one of "
                + spec.subcommands().keySet());
    }
}
