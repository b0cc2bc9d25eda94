package io.omnicast.launcher;

import picocli.CommandLine.Command;

/** {@code omnicast server}: the streaming server's own command (options and behaviour live in streaming-server). */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the streaming server: the RTSP origin that encoders publish to and peers pull from.")
final class ServerCommand extends io.omnicast.server.cli.ServerCommand {
}
