package io.omnicast.proxy.cli;

import io.omnicast.proxy.ProxyServer;
import io.omnicast.proxy.config.ProxyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code omnicast proxy}: runs the proxy until it is stopped (Ctrl-C, SIGTERM). Settings come from the defaults
 * file, then {@code --config FILE}, then the options here. The launcher subclasses this command; it also runs
 * on its own through {@link #main}.
 */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Run the proxy server: the USCP directory, authentication, topology plugins and re-parenting.",
        subcommands = {UserCommand.class})
public class ProxyCommand implements Callable<Integer> {
    /** Printed once both ports listen; scripts and tests wait for it. */
    public static final String READY = "proxy ready:";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "USCP TCP port (default 7070; 0 = any free port).")
    Integer port;

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP API and /metrics port (default 8080).")
    Integer httpPort;

    @Option(names = "--db", paramLabel = "PATH", description = "H2 database path, without .mv.db (default ./data/proxy).")
    Path db;

    @Option(names = "--topology", paramLabel = "ID",
            description = "Topology plugin id: hop-count (default), random, longevity, or a plugin's id.")
    String topology;

    @Option(names = "--plugin-dir", paramLabel = "DIR", description = "Directory of extra topology plugin jars.")
    Path pluginDir;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address both ports bind to (default 0.0.0.0).")
    String bind;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file with any keys of proxy-defaults.properties.")
    Path configFile;

    /** Classpath resource with the JVM options the proxy is meant to run with (see {@link #jvmOptions()}). */
    public static final String JVM_OPTIONS_RESOURCE = "/io/omnicast/proxy/proxy-jvm.options";

    /**
     * The JVM options the proxy is meant to run with: {@code ./omnicast proxy} starts with them (unless
     * {@code OMNICAST_JAVA_OPTS} is set), and so does the proxy that {@code ./omnicast bench proxy-load} starts. The
     * file's comments say why each is there.
     */
    public static List<String> jvmOptions() {
        try (InputStream in = ProxyCommand.class.getResourceAsStream(JVM_OPTIONS_RESOURCE)) {
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

    public static void main(String[] args) {
        System.exit(new CommandLine(new ProxyCommand()).execute(args));
    }

    /** The configuration these options describe. */
    ProxyConfig.Builder configBuilder() throws IOException {
        Properties file = new Properties();
        if (configFile != null) {
            try (InputStream in = Files.newInputStream(configFile)) {
                file.load(in);
            }
        }
        ProxyConfig.Builder builder = ProxyConfig.fromProperties(file);
        if (port != null) {
            builder.uscpPort(port);
        }
        if (httpPort != null) {
            builder.httpPort(httpPort);
        }
        if (db != null) {
            builder.dbPath(db);
        }
        if (topology != null) {
            builder.topology(topology);
        }
        if (pluginDir != null) {
            builder.pluginDir(pluginDir);
        }
        if (bind != null) {
            builder.bindAddress(bind);
        }
        return builder;
    }

    /** The database path after the defaults file, --config and --db. */
    Path dbPath() throws IOException {
        return configBuilder().build().dbPath();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ProxyConfig config;
        try {
            config = configBuilder().build();
        } catch (IllegalArgumentException | IOException e) {
            err.println("omnicast proxy: " + e.getMessage());
            return 2;
        }
        ProxyServer server;
        try {
            server = ProxyServer.start(config);
        } catch (RuntimeException e) {
            err.println("omnicast proxy: cannot start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "proxy-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println(READY + " uscp=" + hostPort(server.uscpAddress()) + " http=" + hostPort(server.httpAddress())
                + " topology=" + config.topology() + " db=" + config.dbPath().toAbsolutePath());
        out.flush();
        stopped.await();
        return 0;
    }

    private static String hostPort(java.net.InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }
}
