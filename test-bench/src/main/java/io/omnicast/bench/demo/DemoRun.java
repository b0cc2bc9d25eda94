package io.omnicast.bench.demo;

import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.server.origin.OriginSession;
import io.omnicast.proxy.ProxyServer;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code omnicast demo}: in one go on loopback, a proxy (H2 in a temporary directory), a streaming server, the
 * encoder bridge's 720p30 test pattern publishing to it (a child process), and N headless peers as child
 * processes, each on its own 127.0.0.x and placed by the proxy. It prints a live table every second, makes one
 * relay leave (Logout), kills another with SIGKILL, prints the recovery figures, and runs until Ctrl-C or
 * {@code --duration}. Every child process is stopped on the way out, also on Ctrl-C.
 *
 * <p>Subclassed (with its {@code @Command}) by the launcher.
 */
public class DemoRun implements Callable<Integer> {
    static final String CHANNEL = "demo";
    static final String STREAM_KEY = "demo-key";
    static final String PASSWORD = "demo-passphrase";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Stop this many seconds after all peers joined (default: run until Ctrl-C).")
    Integer duration;

    @Option(names = "--window", description = "Open one player window (the first peer plays in a window).")
    boolean window;

    @Option(names = "--peers", description = "Peers to start (default ${DEFAULT-VALUE}).", defaultValue = "9")
    int peerCount;

    @Option(names = "--size", paramLabel = "WxH",
            description = "Test pattern size (default ${DEFAULT-VALUE}; every peer decodes it, so a small machine "
                    + "may want 640x360).", defaultValue = "1280x720")
    String size;

    @Option(names = "--children", description = "Children per peer (default ${DEFAULT-VALUE}).", defaultValue = "2")
    int childrenPerPeer;

    private final List<Process> processes = new ArrayList<>();
    private final List<Peer> peers = new ArrayList<>();
    private PrintWriter out;

    /** One peer process and what the demo knows about it. */
    private static final class Peer {
        final String user;
        final String address;
        final int statsPort;
        final Process process;
        String fate = "";

        Peer(String user, String address, int statsPort, Process process) {
            this.user = user;
            this.address = address;
            this.statsPort = statsPort;
            this.process = process;
        }
    }

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        if (!size.matches("\\d{2,4}x\\d{2,4}")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size must be WIDTHxHEIGHT (was " + size
                    + ")");
        }
        if (peerCount < 3 || peerCount > 200) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--peers must be between 3 and 200 (was "
                    + peerCount + ")");
        }
        Path dir = Files.createTempDirectory("omnicast-demo");
        childClassPath = snapshotClassPath(dir);
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        ProxyServer proxy = null;
        StreamingServer server = null;
        OriginSession origin = null;
        Thread cleanup = new Thread(this::stopChildren, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            proxy = ProxyServer.start(ProxyConfig.builder().dbPath(dir.resolve("proxy")).topology("hop-count")
                    .uscpPort(0).httpPort(0).bindAddress("127.0.0.1").build());
            String api = "http://127.0.0.1:" + proxy.httpAddress().getPort();
            say("proxy: USCP 127.0.0.1:" + proxy.uscpAddress().getPort() + ", API " + api + "/api/channels");
            server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(0).udpRtpPort(0)
                    .channelKey(CHANNEL, STREAM_KEY).build());
            String publishUrl = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/" + CHANNEL;
            say("streaming server: " + publishUrl);
            processes.add(launcher(dir.resolve("bridge.log"), "bridge", "--input", "testsrc:" + size + "@30",
                    "--publish", publishUrl, "--stream-key", STREAM_KEY, "--gop", "30", "--preset", "ultrafast", "--status", "off"));
            say("encoder bridge: " + size + " 30 fps test pattern (clock and frame counter) publishing to the server");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.channel(CHANNEL).isEmpty()) {
                if (System.nanoTime() > deadline || !processes.get(0).isAlive()) {
                    throw new IllegalStateException("the bridge did not start publishing; see "
                            + dir.resolve("bridge.log"));
                }
                Thread.sleep(100);
            }
            proxy.services().accounts().create("origin", PASSWORD, "origin");
            origin = new OriginSession(proxy.uscpAddress(), "origin", PASSWORD, CHANNEL,
                    new InetSocketAddress("127.0.0.1", server.rtspPort()), childrenPerPeer, group);
            origin.start();
            for (int i = 1; i <= peerCount; i++) {
                String user = "peer" + i;
                proxy.services().accounts().create(user, PASSWORD, "viewer");
                String address = "127.0.0." + (i + 1);
                int statsPort = freePort();
                Process process = launcher(dir.resolve(user + ".log"), "peer", "--proxy",
                        "127.0.0.1:" + proxy.uscpAddress().getPort(), "--user", user, "--password", PASSWORD,
                        "--channel", CHANNEL, "--bind", address, "--max-children", String.valueOf(childrenPerPeer),
                        "--fixed-capacity", "--stats-port", String.valueOf(statsPort),
                        window && i == 1 ? "--window" : "--headless");
                processes.add(process);
                peers.add(new Peer(user, address, statsPort, process));
            }
            say("started " + peerCount + " peer processes on 127.0.0.2.." + peers.get(peers.size() - 1).address
                    + "; the proxy places each as it logs in");
            int joined = 0;
            for (Peer peer : peers) {
                joined += awaitPlaying(peer) ? 1 : 0;
            }
            say((joined == peerCount ? "all " + peerCount : joined + " of " + peerCount) + " peers joined; logs in "
                    + dir);
            long endNanos = duration == null ? Long.MAX_VALUE
                    : System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
            table();
            watch(8, endNanos);

            Peer leaving = pickRelay(null);
            if (leaving != null) {
                say(leaving.user + " (a relay) leaves: SIGTERM, it sends Logout");
                leaving.fate = "left";
                leaving.process.destroy();
                leaving.process.waitFor(10, TimeUnit.SECONDS);
                watch(6, endNanos);
            }
            Peer killed = pickRelay(leaving);
            if (killed != null) {
                say(killed.user + " (a relay) is killed with SIGKILL");
                killed.fate = "killed";
                killed.process.destroyForcibly();
                killed.process.waitFor(10, TimeUnit.SECONDS);
                watch(6, endNanos);
            }
            recoveries();
            Peer any = peers.stream().filter(p -> p.process.isAlive()).findFirst().orElse(null);
            if (any != null) {
                PeerStats s = PeerStats.fetch(any.statsPort);
                say("watch any peer from its own host: ffplay " + (s == null ? "rtsp://" + any.address
                        + ":<relay-port>/live/" + CHANNEL : s.text("relayUrl")) + "   (each peer's relayUrl is in "
                        + "its stats: curl http://127.0.0.1:" + any.statsPort + "/api/stats)");
            }
            say("proxy API: " + api + "/api/channels   " + api + "/api/channels/" + CHANNEL + "/tree   " + api
                    + "/api/events");
            say(duration == null ? "running until Ctrl-C" : "running until the " + duration + " s are over");
            watch(Integer.MAX_VALUE, endNanos);
            return 0;
        } finally {
            stopChildren();
            if (origin != null) {
                origin.close();
            }
            if (server != null) {
                server.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook runs anyway
            }
        }
    }

    private void say(String line) {
        out.println("demo: " + line);
        out.flush();
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * A private copy of this JVM's class path for the child processes: they load classes lazily for minutes, and a
     * rebuild replacing a jar under a running JVM crashes it (SIGSEGV in class loading), which happened on the
     * shared build machine.
     */
    private static String snapshotClassPath(Path dir) throws java.io.IOException {
        List<String> copies = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path target = dir.resolve("classpath").resolve((n++) + "-" + source.getFileName());
            Files.createDirectories(target.getParent());
            if (Files.isDirectory(source)) {
                try (var files = Files.walk(source)) {
                    for (Path file : (Iterable<Path>) files::iterator) {
                        Path to = target.resolve(source.relativize(file).toString());
                        if (Files.isDirectory(file)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(file, to);
                        }
                    }
                }
            } else {
                Files.copy(source, target);
            }
            copies.add(target.toString());
        }
        return String.join(java.io.File.pathSeparator, copies);
    }

    private String childClassPath;

    /** The same launcher (a snapshot of this JVM's class path) running one command as a child process. */
    private Process launcher(Path log, String... args) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-cp", childClassPath, "io.omnicast.launcher.OmniCast"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** True once the peer plays; false (said on the console) when it did not within two minutes. */
    private boolean awaitPlaying(Peer peer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!peer.process.isAlive()) {
                say(peer.user + " exited (" + peer.process.exitValue() + "); see its log");
                return false;
            }
            PeerStats s = PeerStats.fetch(peer.statsPort);
            if (s != null && "playing".equals(s.text("state")) && s.number("framesDecoded", 0) > 0) {
                say(String.format(Locale.ROOT, "%s joined at hop %d under %s (first decoded frame after %d ms)",
                        peer.user, (int) s.number("hopCount", -1), s.text("parent"),
                        (long) s.number("firstFrameMs", -1)));
                return true;
            }
            Thread.sleep(100);
        }
        say(peer.user + " did not start playing within two minutes (see its log); going on without it");
        return false;
    }

    /** A live peer that has children, other than {@code not}; prefers the lowest hop. */
    private Peer pickRelay(Peer not) throws InterruptedException {
        Peer best = null;
        int bestHop = Integer.MAX_VALUE;
        for (Peer p : peers) {
            if (p == not || !p.process.isAlive()) {
                continue;
            }
            PeerStats s = PeerStats.fetch(p.statsPort);
            if (s != null && s.number("children", 0) > 0 && s.number("hopCount", 99) < bestHop) {
                best = p;
                bestHop = (int) s.number("hopCount", 99);
            }
        }
        return best;
    }

    private void watch(int seconds, long endNanos) throws InterruptedException {
        for (int i = 0; i < seconds && System.nanoTime() < endNanos; i++) {
            Thread.sleep(1000);
            table();
        }
    }

    private void table() throws InterruptedException {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-8s %-12s %-9s %-8s %3s %5s %9s %6s %8s%n", "node", "id", "parent",
                "state", "hop", "fps", "buffer", "stalls", "children"));
        List<String[]> rows = new ArrayList<>();
        for (Peer p : peers) {
            PeerStats s = p.process.isAlive() ? PeerStats.fetch(p.statsPort) : null;
            if (s == null) {
                rows.add(new String[] {"99", String.format(Locale.ROOT, "%-8s %-12s %-9s %-8s%n", p.user, "-", "-",
                        p.fate.isEmpty() ? "starting" : p.fate)});
                continue;
            }
            int hop = (int) s.number("hopCount", -1);
            rows.add(new String[] {String.format("%02d", Math.max(0, hop)), String.format(Locale.ROOT,
                    "%-8s %-12s %-9s %-8s %3d %5.0f %6d ms %6d %8d%n", p.user, s.text("nodeId"), s.text("parent"),
                    s.text("state"), hop, s.number("fps", 0), (long) s.number("bufferMs", 0),
                    (long) s.number("stalls", 0), (long) s.number("children", 0))});
        }
        rows.sort(Comparator.comparing(r -> r[0]));
        rows.forEach(r -> b.append(r[1]));
        out.print(b);
        out.println();
        out.flush();
    }

    private void recoveries() throws InterruptedException {
        say("recoveries (gap = old parent's last packet to new parent's first):");
        int count = 0;
        for (Peer p : peers) {
            PeerStats s = p.process.isAlive() ? PeerStats.fetch(p.statsPort) : null;
            if (s == null) {
                continue;
            }
            for (PeerStats.Recovery r : s.recoveries()) {
                count++;
                out.printf(Locale.ROOT, "  %-8s %-17s from %-8s to %-8s gap %4d ms, lost after repair %d, stalls %d%n",
                        p.user, r.cause(), r.from(), r.to(), r.gapMs(), r.packetsLostAfterRepair(),
                        (long) s.number("stalls", 0));
            }
        }
        if (count == 0) {
            say("  none recorded");
        }
        out.flush();
    }

    /** SIGTERM to every child (peers log out), then SIGKILL to what is left. Idempotent. */
    private void stopChildren() {
        synchronized (processes) {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                try {
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
