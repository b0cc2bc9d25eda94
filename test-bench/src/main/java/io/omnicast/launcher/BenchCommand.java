package io.omnicast.launcher;

import io.omnicast.bench.jmh.JmhCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code omnicast bench}: experiments and benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run an experiment or benchmark and write its report.",
        subcommands = {
            JmhCommand.class,
            io.omnicast.bench.server.ServerFanoutBench.class,
            io.omnicast.bench.bridge.BridgeBench.class,
            io.omnicast.bench.peer.PeerBench.class,
            io.omnicast.bench.paper.PaperBench.class,
            io.omnicast.bench.chaos.ChaosBench.class,
            BenchCommand.Scale.class,
            BenchCommand.Load.class,
            BenchCommand.Simulate.class,
            io.omnicast.bench.proxy.ProxyLoadBench.class,
            io.omnicast.bench.publish.PublishCommand.class,
        })
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing scenario: choose one of "
                + spec.subcommands().keySet());
    }

    /** Scenarios that come with the test-bench issue. */
    abstract static class Scenario extends NotBuiltYetCommand {
        @Override
        String arrivesWith() {
            return "the test-bench scenarios arrive with issue #7";
        }
    }

    @Command(name = "scale", mixinStandardHelpOptions = true,
            description = "As many peers as the machine holds on loopback.")
    static final class Scale extends Scenario {
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "The proxy under a flash crowd; the streaming server under many readers.")
    static final class Load extends Scenario {
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Discrete-event simulation of topology plugins at scale.")
    static final class Simulate extends io.omnicast.bench.sim.SimulateCommand {
    }
}
