package io.omnicast.launcher;

import picocli.CommandLine.Command;

/** {@code omnicast bridge}: the encoder bridge's own command (options and behaviour live in encoder-bridge). */
@Command(name = "bridge", mixinStandardHelpOptions = true,
        description = "Run the encoder bridge: bring a test pattern, file, camera or encoder stream into the streaming server.")
final class BridgeCommand extends io.omnicast.bridge.cli.BridgeCommand {
}
