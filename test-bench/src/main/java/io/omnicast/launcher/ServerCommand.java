package io.omnicast.launcher;

import picocli.CommandLine.Command;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the streaming server: the RTSP origin that encoders publish to and peers pull from.")
final class ServerCommand extends NotBuiltYetCommand {
    @Override
    String arrivesWith() {
        return "the streaming server arrives with issue #3";
    }
}
