package io.omnicast.bench.demo;

import io.omnicast.bench.live.LiveRig;
import io.omnicast.bench.live.PeerProcess;
import io.omnicast.bench.live.PeerSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code omnicast demo}: in one go on loopback, a proxy (H2 in a temporary directory), a streaming server
 * registered with it as the channel's origin, the encoder bridge's 720p30 test pattern publishing to it (a child
 * process), and N headless peers as child processes, each on its own 127.0.0.x and placed by the proxy (a
 * {@link LiveRig}). It prints a live table every second, makes one relay leave (Logout), kills another with
 * SIGKILL, prints the recovery figures, and runs until Ctrl-C or {@code --duration}. Every child process is stopped
 * on the way out, also on Ctrl-C.
 *
 * <p>Subclassed (with its {@code @Command}) by the launcher.
 */
public class DemoRun implements Callable<Integer> {
    static final String CHANNEL = "demo";

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

    private final List<PeerProcess> peers = new ArrayList<>();
    private final Map<PeerProcess, String> fates = new HashMap<>();
    private PrintWriter out;

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
        say("proxy: starting; it first warms up on a private copy of itself (about 3 s)");
        try (LiveRig rig = new LiveRig(dir, CHANNEL, "hop-count", 1)) {
            String api = "http://127.0.0.1:" + rig.proxy().httpAddress().getPort();
            say("proxy: USCP " + rig.proxyAddress() + ", API " + api + "/api/channels");
            rig.publishTestPattern(size, 30, 2000, 30, childrenPerPeer);
            say("streaming server: rtsp://127.0.0.1:" + rig.server().rtspPort() + "/live/" + CHANNEL
                    + ", the channel's origin in the proxy's tree");
            say("encoder bridge: " + size + " 30 fps test pattern (clock and frame counter) publishing to the server");
            for (int i = 1; i <= peerCount; i++) {
                List<String> extra = window && i == 1 ? List.of("--window") : List.of();
                peers.add(rig.startPeer(new PeerSpec("peer" + i, childrenPerPeer, true, 500, 128, extra)));
            }
            say("started " + peerCount + " peer processes on " + peers.get(0).address() + ".."
                    + peers.get(peers.size() - 1).address() + "; the proxy places each as it logs in");
            int joined = 0;
            for (PeerProcess peer : peers) {
                joined += awaitPlaying(peer) ? 1 : 0;
            }
            say((joined == peerCount ? "all " + peerCount : joined + " of " + peerCount) + " peers joined; logs in "
                    + dir);
            long endNanos = duration == null ? Long.MAX_VALUE
                    : System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
            table();
            watch(8, endNanos);

            PeerProcess leaving = pickRelay(null);
            if (leaving != null) {
                say(leaving.user() + " (a relay) leaves: SIGTERM, it sends Logout");
                fates.put(leaving, "left");
                leaving.leave();
                watch(6, endNanos);
            }
            PeerProcess killed = pickRelay(leaving);
            if (killed != null) {
                say(killed.user() + " (a relay) is killed with SIGKILL");
                fates.put(killed, "killed");
                killed.kill();
                watch(6, endNanos);
            }
            recoveries();
            PeerProcess any = peers.stream().filter(PeerProcess::isAlive).findFirst().orElse(null);
            if (any != null) {
                PeerStats s = any.stats();
                say("watch any peer from its own host: ffplay " + (s == null ? "rtsp://" + any.address()
                        + ":<relay-port>/live/" + CHANNEL : s.text("relayUrl")) + "   (each peer's relayUrl is in "
                        + "its stats: curl http://127.0.0.1:" + any.statsPort() + "/api/stats)");
            }
            say("proxy API: " + api + "/api/channels   " + api + "/api/channels/" + CHANNEL + "/tree   " + api
                    + "/api/events");
            say(duration == null ? "running until Ctrl-C" : "running until the " + duration + " s are over");
            watch(Integer.MAX_VALUE, endNanos);
            return 0;
        }
    }

    private void say(String line) {
        out.println("demo: " + line);
        out.flush();
    }

    /** True once the peer plays; false (said on the console) when it did not within two minutes. */
    private boolean awaitPlaying(PeerProcess peer) throws InterruptedException {
        try {
            PeerStats s = peer.awaitPlaying(Duration.ofSeconds(120));
            say(String.format(Locale.ROOT, "%s joined at hop %d under %s (first decoded frame after %d ms)",
                    peer.user(), (int) s.number("hopCount", -1), s.text("parent"),
                    (long) s.number("firstFrameMs", -1)));
            return true;
        } catch (IllegalStateException e) {
            say(e.getMessage() + "; going on without it");
            return false;
        }
    }

    /** A live peer that has children, other than {@code not}; prefers the lowest hop. */
    private PeerProcess pickRelay(PeerProcess not) throws InterruptedException {
        PeerProcess best = null;
        int bestHop = Integer.MAX_VALUE;
        for (PeerProcess p : peers) {
            if (p == not || !p.isAlive()) {
                continue;
            }
            PeerStats s = p.stats();
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
        for (PeerProcess p : peers) {
            PeerStats s = p.stats();
            if (s == null) {
                rows.add(new String[] {"99", String.format(Locale.ROOT, "%-8s %-12s %-9s %-8s%n", p.user(), "-", "-",
                        fates.getOrDefault(p, "starting"))});
                continue;
            }
            int hop = (int) s.number("hopCount", -1);
            rows.add(new String[] {String.format("%02d", Math.max(0, hop)), String.format(Locale.ROOT,
                    "%-8s %-12s %-9s %-8s %3d %5.0f %6d ms %6d %8d%n", p.user(), s.text("nodeId"), s.text("parent"),
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
        for (PeerProcess p : peers) {
            PeerStats s = p.stats();
            if (s == null) {
                continue;
            }
            for (PeerStats.Recovery r : s.recoveries()) {
                count++;
                out.printf(Locale.ROOT, "  %-8s %-17s from %-8s to %-8s gap %4d ms, lost after repair %d, stalls %d%n",
                        p.user(), r.cause(), r.from(), r.to(), r.gapMs(), r.packetsLostAfterRepair(),
                        (long) s.number("stalls", 0));
            }
        }
        if (count == 0) {
            say("  none recorded");
        }
        out.flush();
    }
}
