package io.omnicast.bench.live;

import io.omnicast.peer.cli.PeerCommand;
import io.omnicast.proxy.ProxyServer;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole OmniCast system on loopback for live experiments: the proxy (H2 in the work directory, the chosen
 * topology plugin) and the streaming server (registered with the proxy as the channel's origin, so hop-1 peers
 * present real tickets) in this JVM; the encoder bridge's test pattern and every peer as child processes, each
 * peer on its own 127.0.x.y so tickets and connect-back probes are really checked between addresses.
 *
 * <p>Every child process is registered here and stopped by {@link #close()}, which also runs from a shutdown hook,
 * so Ctrl-C leaves nothing behind. Child processes run from a private copy of this JVM's class path: they load
 * classes lazily for minutes, and a rebuild replacing a jar under a running JVM crashes it.
 */
public final class LiveRig implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveRig.class);
    public static final String PASSWORD = "bench-passphrase";
    public static final String STREAM_KEY = "bench-key";

    private final Path workDir;
    private final String channel;
    private final ProxyServer proxy;
    private final String classPath;
    private final List<Process> children = new ArrayList<>();
    private final List<PeerProcess> peers = new ArrayList<>();
    private final java.util.Set<String> accounts = new java.util.HashSet<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread cleanup = new Thread(this::stopChildren, "live-rig-cleanup");
    private StreamingServer server;
    private int nextHost;
    private boolean closed;

    /**
     * Starts the proxy with {@code topology} (seeded with {@code seed}) for {@code channel}; nothing streams yet.
     *
     * @param workDir a fresh directory for the database, logs and the class-path copy
     */
    public LiveRig(Path workDir, String channel, String topology, long seed) throws IOException {
        this.workDir = workDir;
        this.channel = channel;
        Files.createDirectories(workDir);
        Runtime.getRuntime().addShutdownHook(cleanup);
        this.classPath = snapshotClassPath(workDir.resolve("classpath"));
        // configured as `omnicast proxy` is, from the defaults file (so it warms up before it serves)
        this.proxy = ProxyServer.start(ProxyConfig.fromProperties(new java.util.Properties())
                .dbPath(workDir.resolve("proxy")).topology(topology).topologySeed(seed).uscpPort(0).httpPort(0)
                .bindAddress("127.0.0.1").build());
        account("origin", "origin");
    }

    /** Creates the account {@code user} (password {@link #PASSWORD}) once; later calls for the same name do nothing. */
    public void account(String user, String role) {
        synchronized (accounts) {
            if (!accounts.add(user)) {
                return;
            }
        }
        try {
            proxy.services().accounts().create(user, PASSWORD, role);
        } catch (io.omnicast.proxy.auth.AuthException e) {
            throw new IllegalStateException("cannot create the account " + user + ": " + e.getMessage(), e);
        }
    }

    public Path workDir() {
        return workDir;
    }

    public String channel() {
        return channel;
    }

    public ProxyServer proxy() {
        return proxy;
    }

    public StreamingServer server() {
        return server;
    }

    /** {@code 127.0.0.1:<port>} of the proxy's USCP listener. */
    public String proxyAddress() {
        return "127.0.0.1:" + proxy.uscpAddress().getPort();
    }

    /**
     * Starts the streaming server (the channel's origin with {@code originChildren} slots) and the encoder bridge
     * publishing its live test pattern to it, and waits until the proxy lists the channel.
     *
     * @param size    e.g. {@code 640x360}
     * @param kbps    video bitrate
     * @param gop     keyframe interval in frames
     */
    public void publishTestPattern(String size, int fps, int kbps, int gop, int originChildren) throws Exception {
        server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(0).udpRtpPort(0)
                .channelKey(channel, STREAM_KEY).proxy(proxyAddress()).originUser("origin")
                .originPassword(PASSWORD).advertisedHost("127.0.0.1").originMaxChildren(originChildren).build());
        String publishUrl = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/" + channel;
        Process bridge = launch("bridge", List.of("-Xmx256m"), "bridge", "--input", "testsrc:" + size + "@" + fps,
                "--publish", publishUrl, "--stream-key", STREAM_KEY, "--bitrate", String.valueOf(kbps), "--gop",
                String.valueOf(gop), "--preset", "ultrafast", "--status", "off");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (server.channel(channel).isEmpty()) {
            if (System.nanoTime() > deadline || !bridge.isAlive()) {
                throw new IllegalStateException("the bridge did not start publishing; see " + log("bridge"));
            }
            Thread.sleep(50);
        }
        awaitApi("/api/channels", body -> body.contains("\"" + channel + "\""), Duration.ofSeconds(30));
    }

    /** Creates the viewer account {@code spec.user()} and starts the peer process; does not wait for it. */
    public PeerProcess startPeer(PeerSpec spec) throws IOException {
        account(spec.user(), "viewer");
        String address = nextAddress();
        int statsPort = freePort();
        List<String> args = new ArrayList<>(List.of("peer", "--proxy", proxyAddress(), "--user", spec.user(),
                "--password", PASSWORD, "--channel", channel, "--bind", address, "--max-children",
                String.valueOf(spec.maxChildren()), "--fixed-capacity", "--stats-port", String.valueOf(statsPort),
                "--playout-delay-ms", String.valueOf(spec.playoutDelayMs())));
        if (!spec.extraArgs().contains("--window")) {
            args.add(spec.decode() ? "--headless" : "--no-decode");
        }
        args.addAll(spec.extraArgs());
        List<String> jvmArgs = new ArrayList<>(PeerCommand.jvmOptions());
        jvmArgs.add("-Xmx" + spec.heapMb() + "m");
        Process process = launch(spec.user(), jvmArgs, args.toArray(String[]::new));
        PeerProcess peer = new PeerProcess(spec.user(), address, statsPort, process, log(spec.user()));
        synchronized (peers) {
            peers.add(peer);
        }
        return peer;
    }

    /** Every peer started so far (live or not). */
    public List<PeerProcess> peers() {
        synchronized (peers) {
            return List.copyOf(peers);
        }
    }

    /** The log file of the child process {@code name}. */
    public Path log(String name) {
        return workDir.resolve(name + ".log");
    }

    /**
     * Runs {@code omnicast <args>} as a child process of this rig, output to {@code <name>.log}.
     *
     * @param jvmArgs e.g. {@code -Xmx128m}
     */
    public Process launch(String name, List<String> jvmArgs, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classPath, "io.omnicast.launcher.OmniCast"));
        command.addAll(List.of(args));
        synchronized (children) {
            if (closed) {
                throw new IllegalStateException("the rig is closed");
            }
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log(name).toFile())
                    .start();
            children.add(p);
            return p;
        }
    }

    /** GET {@code path} of the proxy's HTTP API; the body, or an exception's text when it is not reachable. */
    public String api(String path) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpAddress().getPort()
                    + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Polls {@code path} until {@code condition} holds; the body that met it. */
    public String awaitApi(String path, Predicate<String> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last;
        do {
            last = api(path);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("condition not met on " + path + " within " + timeout + ": " + last);
    }

    /** The next loopback address for a peer: 127.0.0.2 .. 127.0.0.251, then 127.0.1.2, ... */
    private synchronized String nextAddress() {
        int n = nextHost++;
        return "127.0." + (n / 250) + "." + (2 + n % 250);
    }

    /**
     * A free TCP port for a child process's control or stats server, below the kernel's ephemeral range (32768 and
     * up on Linux): a port the kernel hands out for an ephemeral bind can be taken by any socket of any process
     * between this check and the child's bind (a peer once died on "Address already in use" for its stats port);
     * ports here are only taken by explicit binds. Each rig process starts at its own offset.
     */
    public static synchronized int freePort() throws IOException {
        for (int tries = 0; tries < FIXED_PORTS; tries++) {
            int port = FIRST_FIXED_PORT + (nextFixedPort++ % FIXED_PORTS);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // in use: try the next
            }
        }
        throw new IOException("no free port in " + FIRST_FIXED_PORT + ".." + (FIRST_FIXED_PORT + FIXED_PORTS - 1));
    }

    private static final int FIRST_FIXED_PORT = 20_000;
    private static final int FIXED_PORTS = 12_000;
    private static int nextFixedPort = (int) (ProcessHandle.current().pid() * 97 % FIXED_PORTS);

    /** SIGTERM to every child (peers log out), then SIGKILL to what is left after 5 s. Idempotent. */
    private void stopChildren() {
        List<Process> all;
        synchronized (children) {
            closed = true;
            all = List.copyOf(children);
        }
        all.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Process p : all) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stopChildren();
        if (server != null) {
            server.close();
        }
        proxy.close();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // shutting down (Ctrl-C): the hook runs anyway
        }
        log.debug("live rig in {} closed", workDir);
    }

    private static String snapshotClassPath(Path target) throws IOException {
        List<String> copies = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path copy = target.resolve((n++) + "-" + source.getFileName());
            Files.createDirectories(copy.getParent());
            if (Files.isDirectory(source)) {
                try (var files = Files.walk(source)) {
                    files.forEach(file -> {
                        try {
                            Path to = copy.resolve(source.relativize(file).toString());
                            if (Files.isDirectory(file)) {
                                Files.createDirectories(to);
                            } else {
                                Files.copy(file, to);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            } else {
                Files.copy(source, copy);
            }
            copies.add(copy.toString());
        }
        return String.join(File.pathSeparator, copies);
    }
}
