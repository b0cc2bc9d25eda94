package io.omnicast.server.cli;

import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code omnicast server}: runs the streaming server until interrupted. Options override the config file, which
 * overrides {@code server-defaults.properties}.
 */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the streaming server: the RTSP origin that encoders publish to and peers pull from.%n"
                + "Publish: rtsp://HOST:PORT/live/<channel>?key=KEY (ANNOUNCE/RECORD); play: rtsp://HOST:PORT/live/<channel>")
public class ServerCommand implements Callable<Integer> {
    /** Exit code for a configuration the server refuses. */
    public static final int EXIT_BAD_CONFIG = 2;

    @Spec
    CommandSpec spec;

    /** Runs the command without the launcher (e.g. {@code java -cp ... io.omnicast.server.cli.ServerCommand}). */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new ServerCommand()).execute(args));
    }

    @Option(names = "--rtsp-port", paramLabel = "PORT", description = "RTSP TCP port (default: 8554).")
    Integer rtspPort;

    @Option(names = "--udp-port", paramLabel = "PORT",
            description = "Even UDP port for RTP; RTCP uses the next one (default: 8000; 0 picks a free pair).")
    Integer udpPort;

    @Option(names = "--stream-key", paramLabel = "KEY", description = "Key every channel requires for publishing.")
    String streamKey;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with the keys of server-defaults.properties.")
    Path config;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to bind (default: 0.0.0.0).")
    String bind;

    @Option(names = "--proxy", paramLabel = "HOST:PORT",
            description = "Register every published channel with this proxy (USCP) as its origin; readers then need "
                    + "the proxy's ticket, except players on 127.0.0.1.")
    String proxy;

    @Option(names = "--origin-user", paramLabel = "USER", description = "Proxy account (role origin) (default: origin).")
    String originUser;

    @Option(names = "--origin-password", paramLabel = "PASSWORD", description = "Password of the origin account.")
    String originPassword;

    @Option(names = "--advertised-host", paramLabel = "HOST",
            description = "Host in the RTSP URL the proxy gives peers (default: the bind address).")
    String advertisedHost;

    @Option(names = "--origin-max-children", paramLabel = "N", description = "Hop-1 peers per channel (default: 8).")
    Integer originMaxChildren;

    /** Builds the configuration from defaults, the file and the options. */
    public ServerConfig configuration() throws java.io.IOException {
        ServerConfig.Builder b = config == null ? ServerConfig.defaults() : ServerConfig.fromFile(config);
        if (rtspPort != null) {
            b.rtspPort(rtspPort);
        }
        if (udpPort != null) {
            b.udpRtpPort(udpPort);
        }
        if (streamKey != null) {
            b.streamKey(streamKey);
        }
        if (bind != null) {
            b.bindAddress(bind);
        }
        if (proxy != null) {
            b.proxy(proxy);
        }
        if (originUser != null) {
            b.originUser(originUser);
        }
        if (originPassword != null) {
            b.originPassword(originPassword);
        }
        if (advertisedHost != null) {
            b.advertisedHost(advertisedHost);
        }
        if (originMaxChildren != null) {
            b.originMaxChildren(originMaxChildren);
        }
        return b.build();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ServerConfig cfg;
        try {
            cfg = configuration();
        } catch (IllegalArgumentException | java.io.IOException e) {
            err.println("omnicast server: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }
        StreamingServer server;
        try {
            server = StreamingServer.start(cfg);
        } catch (IllegalStateException e) {
            err.println("omnicast server: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "omnicast-server-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("omnicast server: rtsp://%s:%d/live/<channel> (RTP/RTCP on UDP %d-%d)%s%n",
                cfg.bindAddress().getHostAddress(), server.rtspPort(), server.udpRtpPort(), server.udpRtcpPort(),
                cfg.streamKey().isPresent() ? ", publishing needs the stream key" : "");
        cfg.proxy().ifPresent(p -> out.printf("omnicast server: registering channels with proxy %s:%d as origin '%s' "
                + "(peers pull from rtsp://%s:%d); readers need a proxy ticket except on 127.0.0.1%n", p.getHostString(),
                p.getPort(), cfg.originUser(), cfg.advertisedHost(), server.rtspPort()));
        out.flush();
        stopped.await();
        return 0;
    }
}
