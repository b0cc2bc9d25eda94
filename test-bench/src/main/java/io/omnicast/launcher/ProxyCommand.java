package io.omnicast.launcher;

import picocli.CommandLine.Command;

@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run the proxy server: the USCP directory, authentication, topology plugins and re-parenting.")
final class ProxyCommand extends NotBuiltYetCommand {
    @Override
    String arrivesWith() {
        return "the proxy server arrives with issue #4";
    }
}
