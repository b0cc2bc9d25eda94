package io.omnicast.launcher;

import picocli.CommandLine.Command;

/**
 * {@code omnicast proxy}: the proxy server's own command ({@link io.omnicast.proxy.cli.ProxyCommand}), with its
 * options and its {@code user} subcommand, mounted in the launcher.
 */
@Command(name = "proxy")
final class ProxyCommand extends io.omnicast.proxy.cli.ProxyCommand {
}
