package io.omnicast.launcher;

import picocli.CommandLine.Command;

@Command(name = "peer", mixinStandardHelpOptions = true,
        description = "Run a peer node: join a channel, play it and relay it to children.")
final class PeerCommand extends NotBuiltYetCommand {
    @Override
    String arrivesWith() {
        return "the peer node arrives with issue #5";
    }
}
