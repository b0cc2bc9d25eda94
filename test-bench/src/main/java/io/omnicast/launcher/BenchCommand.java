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
            io.omnicast.bench.scale.ScaleBench.class,
            io.omnicast.bench.scale.ScaleHost.class,
            io.omnicast.bench.load.LoadBench.class,
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

    @Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Discrete-event simulation of topology plugins at scale.")
    static final class Simulate extends io.omnicast.bench.sim.SimulateCommand {
    }
}
