package io.omnicast.peer.cli;

import io.omnicast.peer.PeerNode;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.config.TransportMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code omnicast peer}: runs one peer until Ctrl-C, SIGTERM or the window is closed, logging out on the way.
 * Options left out keep the values of {@code peer-defaults.properties}.
 */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = "Run a peer node: join a channel, play it and relay it to children.")
public class PeerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--proxy", paramLabel = "HOST:PORT", description = "The proxy to log in to.")
    String proxy;
    @Option(names = "--user", required = true, description = "Account name.")
    String user;
    @Option(names = "--password", required = true, description = "Account password.")
    String password;
    @Option(names = "--channel", required = true, description = "Channel to watch.")
    String channel;
    @Option(names = "--subscribe", description = "Create the account (Subscription) instead of logging in.")
    boolean subscribe;
    @Option(names = "--bind", paramLabel = "ADDR", description = "Local address to bind and connect out from.")
    String bind;
    @Option(names = "--relay-port", description = "RTSP port children pull from (0 = any free port).")
    Integer relayPort;
    @Option(names = "--max-children", description = "Most children to accept (default: computed from the uplink).")
    Integer maxChildren;
    @Option(names = "--uplink", paramLabel = "RATE", description = "Upload capacity, e.g. 20mbit (default: measured).")
    String uplink;
    @Option(names = "--fixed-capacity",
            description = "Keep the capacity fixed instead of lowering it while the machine is loaded.")
    boolean fixedCapacity;
    @Option(names = "--stats-port", description = "Serve GET http://127.0.0.1:PORT/api/stats (0 = off).")
    Integer statsPort;
    @Option(names = "--transport", description = "udp (falls back to tcp) or tcp.")
    TransportMode transport;
    @Option(names = "--playout-delay-ms", description = "Playout delay in milliseconds (default 500).")
    Long playoutDelayMs;

    @Option(names = "--hold", description = "Start up (player, relay, warm-up), print 'ready', and join only when "
            + "a line 'join' arrives on standard input (for experiments that start processes ahead of the join).")
    boolean hold;

    @ArgGroup(exclusive = true)
    PlayerChoice player;

    static final class PlayerChoice {
        @Option(names = "--window", description = "Show the video in a window.")
        boolean window;
        @Option(names = "--headless", description = "Decode and count frames, show nothing (default).")
        boolean headless;
        @Option(names = "--no-decode", description = "Count frames from RTP timestamps and markers only.")
        boolean noDecode;
    }

    /** The start of the line the command prints once the first picture is decoded. */
    public static final String PLAYING = "playing ";

    /** Classpath resource with the JVM options a peer process is meant to run with (see {@link #jvmOptions()}). */
    public static final String JVM_OPTIONS_RESOURCE = "/io/omnicast/peer/peer-jvm.options";

    /**
     * The JVM options a peer process is meant to run with: {@code ./omnicast peer} starts with them (unless
     * {@code OMNICAST_JAVA_OPTS} is set), and so do the peer processes of the benches, the demo and the tests. The
     * file's comments say why each is there.
     */
    public static List<String> jvmOptions() {
        try (InputStream in = PeerCommand.class.getResourceAsStream(JVM_OPTIONS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(JVM_OPTIONS_RESOURCE + " is missing from the classpath");
            }
            List<String> options = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String option = line.strip();
                if (!option.isEmpty() && !option.startsWith("#")) {
                    options.add(option);
                }
            }
            return List.copyOf(options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + JVM_OPTIONS_RESOURCE, e);
        }
    }

    /** The configuration the options describe (validated). */
    public PeerConfig config() {
        PeerConfig.Builder b = PeerConfig.builder().user(user).password(password).channel(channel)
                .subscribe(subscribe);
        if (proxy != null) {
            b.proxy(proxy);
        }
        if (bind != null) {
            b.bind(bind);
        }
        if (relayPort != null) {
            b.relayPort(relayPort);
        }
        if (maxChildren != null) {
            b.maxChildren(maxChildren);
        }
        if (uplink != null) {
            b.uplink(uplink);
        }
        if (statsPort != null) {
            b.statsPort(statsPort);
        }
        if (fixedCapacity) {
            b.capacityFollowsLoad(false);
        }
        if (transport != null) {
            b.transport(transport);
        }
        if (playoutDelayMs != null) {
            b.playoutDelay(Duration.ofMillis(playoutDelayMs));
        }
        if (player != null) {
            b.playerMode(player.window ? PeerConfig.PlayerMode.WINDOW
                    : player.noDecode ? PeerConfig.PlayerMode.COUNT_ONLY : PeerConfig.PlayerMode.HEADLESS);
        }
        return b.build();
    }

    /** Runs a peer as its own process (the acceptance tests and the demo start peers this way). */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new PeerCommand()).setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PeerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("peer: " + e.getMessage());
            return 2;
        }
        PeerNode node = new PeerNode(config);
        Thread hook = new Thread(node::close, "peer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (hold) {
            node.prepare();
            spec.commandLine().getOut().println("ready");
            spec.commandLine().getOut().flush();
            if (!awaitJoinLine()) {
                node.close();
                return 0;
            }
        }
        node.start();
        PrintWriter out = spec.commandLine().getOut();
        out.println("peer " + config.user() + " joining " + config.channel() + " via "
                + config.proxyHost() + ":" + config.proxyPort()
                + (node.statsPort() > 0 ? "; stats at http://127.0.0.1:" + node.statsPort() + "/api/stats" : ""));
        out.flush();
        // Said on the player's thread once the first picture is out (after the join's figures are taken), so a
        // script or a bench learns it from the output instead of asking the stats endpoint during the join.
        node.firstFrame().thenRun(() -> {
            out.println(PLAYING + config.channel() + " at hop " + node.hopCount() + " (join, ms: "
                    + node.stats().get("join") + ")");
            out.flush();
        });
        node.awaitClosed();
        return 0;
    }

    /** True when a line "join" arrived on standard input; false when it ended first. */
    private static boolean awaitJoinLine() throws java.io.IOException {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if ("join".equals(line.trim())) {
                return true;
            }
        }
        return false;
    }
}
