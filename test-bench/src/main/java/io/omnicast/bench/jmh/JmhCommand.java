package io.omnicast.bench.jmh;

import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code omnicast bench jmh [REGEX]}: runs the JMH micro-benchmarks of this module. */
@Command(name = "jmh", mixinStandardHelpOptions = true,
        description = "Run JMH micro-benchmarks (all, or those whose name matches REGEX) and print ops/s.")
public final class JmhCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "REGEX", defaultValue = "io\\.omnicast\\..*",
            description = "Benchmarks to run, a regular expression over their names (default: all).")
    String include;

    @Option(names = "--forks", defaultValue = "1", description = "JVM forks per benchmark (default: ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up iterations (default: ${DEFAULT-VALUE}).")
    int warmupIterations;

    @Option(names = "--iterations", defaultValue = "5",
            description = "Measured iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--seconds", defaultValue = "2",
            description = "Seconds per iteration (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--threads", defaultValue = "1", description = "Benchmark threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .forks(forks)
                .threads(threads)
                .warmupIterations(warmupIterations)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .timeUnit(TimeUnit.SECONDS);
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.isEmpty()) {
            System.err.println("omnicast bench jmh: no benchmark matches '" + include + "'");
            return 1;
        }
        return 0;
    }
}
