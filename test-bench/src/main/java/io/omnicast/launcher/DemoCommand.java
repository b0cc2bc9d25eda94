package io.omnicast.launcher;

import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the whole system on loopback: proxy, streaming server, test pattern and 9 peers, with live figures.")
final class DemoCommand extends NotBuiltYetCommand {
    @Override
    String arrivesWith() {
        return "the end-to-end demo arrives with issue #5";
    }
}
