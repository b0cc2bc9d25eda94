package io.omnicast.launcher;

import picocli.CommandLine.Command;

@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Run the encoder bridge: bring a test pattern, file, camera or encoder stream into the streaming server.")
final class BridgeCommand extends NotBuiltYetCommand {
    @Override
    String arrivesWith() {
        return "the encoder bridge arrives with issue #6";
    }
}
