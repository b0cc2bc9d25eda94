package io.omnicast.launcher;

import picocli.CommandLine.Command;

/** {@code omnicast demo}: the end-to-end demo (io.omnicast.bench.demo.DemoRun), under the launcher. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the whole system on loopback: proxy, streaming server, test pattern and 9 peers, with "
                + "live figures, a relay leaving and a relay killed.")
final class DemoCommand extends io.omnicast.bench.demo.DemoRun {
}
