package io.omnicast.launcher;

import picocli.CommandLine.Command;

/** {@code omnicast peer}: the peer node's own command (io.omnicast.peer.cli.PeerCommand), under the launcher. */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = "Run a peer node: join a channel, play it and relay it to children.")
final class PeerCommand extends io.omnicast.peer.cli.PeerCommand {
}
