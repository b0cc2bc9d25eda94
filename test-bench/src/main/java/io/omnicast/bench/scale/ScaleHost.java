package io.omnicast.bench.scale;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.omnicast.peer.PeerNode;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.config.TransportMode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code omnicast bench scale-host} (hidden): one JVM holding many in-process {@link PeerNode}s for the {@code scale}
 * scenario, because 200 peer JVMs do not fit on 2 cores (each idles at tens of MiB of RSS and some CPU for its JIT
 * and GC). Every peer still has its own account, its own 127.x.y.z address, its own proxy session, relay service and
 * parent link; only the process and its {@code --loops} event-loop threads are shared.
 *
 * <p>Controlled over plain-text HTTP on {@code 127.0.0.1:--control-port}, one thread:
 * <ul>
 * <li>{@code GET /start?user=U&bind=A&maxChildren=N&decode=true|false}: starts a peer (queued on one starter
 * thread; does not wait for it);</li>
 * <li>{@code GET /stats}: a tab-separated header line, then one line per peer ({@link #COLUMNS});</li>
 * <li>{@code GET /record?on=true|false}: starts (clearing) or stops recording arrival times of every
 * {@code --sample-every}-th RTP sequence number;</li>
 * <li>{@code GET /arrivals}: {@code user seq nanos} per recorded arrival ({@link System#nanoTime()}, which is
 * CLOCK_MONOTONIC on Linux and so comparable between processes of one machine).</li>
 * </ul>
 * SIGTERM logs every peer out (in parallel, so the rig's 5 s grace is enough).
 */
@Command(name = "scale-host", hidden = true, mixinStandardHelpOptions = true,
        description = "Internal to 'bench scale': many peer nodes in one JVM, controlled over HTTP.")
public final class ScaleHost implements Callable<Integer> {
    /** The columns of {@code /stats}. */
    static final List<String> COLUMNS = List.of("user", "nodeId", "parent", "hop", "state", "decode", "frames",
            "fps", "stalls", "stallMs", "packetsReceived", "packetsLost", "packetsRepaired", "bitrateKbps", "children",
            "firstFrameMs", "recoveries");
    /** Most arrivals kept per peer and recording (about 160 s at 100 packets/s sampled 1 in 8). */
    private static final int MAX_ARRIVALS = 2048;

    @Option(names = "--proxy", required = true, paramLabel = "HOST:PORT")
    String proxy;

    @Option(names = "--channel", required = true)
    String channel;

    @Option(names = "--password", required = true)
    String password;

    @Option(names = "--control-port", required = true)
    int controlPort;

    @Option(names = "--transport", defaultValue = "tcp")
    String transport;

    @Option(names = "--playout-delay-ms", defaultValue = "500")
    long playoutDelayMs;

    @Option(names = "--loops", defaultValue = "2",
            description = "Event-loop threads every hosted peer shares (default ${DEFAULT-VALUE}); each peer runs "
                    + "its stream, relay and proxy session on one of them.")
    int loops;

    @Option(names = "--sample-every", defaultValue = "8",
            description = "Record the arrival of every N-th RTP sequence number (default ${DEFAULT-VALUE}).")
    int sampleEvery;

    /** One hosted peer and its arrival recording (written by its stream loop only, read after recording stops). */
    private static final class Hosted {
        final PeerNode node;
        final boolean decode;
        final long[] arrivals = new long[MAX_ARRIVALS * 2];
        volatile int recorded;

        Hosted(PeerNode node, boolean decode) {
            this.node = node;
            this.decode = decode;
        }
    }

    private final Map<String, Hosted> peers = new ConcurrentHashMap<>();
    /** Starts peers one after the other off the control threads, so a slow start does not hold up the pacing. */
    private final java.util.concurrent.ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scale-host-starter");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean recording;
    private NioEventLoopGroup shared;

    @Override
    public Integer call() throws Exception {
        TransportMode mode = TransportMode.valueOf(transport.toUpperCase(Locale.ROOT));
        shared = new NioEventLoopGroup(Math.max(1, loops), new DefaultThreadFactory("scale-host-peers", true));
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", controlPort), 16);
        http.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "scale-host-control");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/start", exchange -> handle(exchange, q -> start(q, mode)));
        http.createContext("/stats", exchange -> handle(exchange, q -> stats()));
        http.createContext("/record", exchange -> handle(exchange, q -> record(Boolean.parseBoolean(q.get("on")))));
        http.createContext("/arrivals", exchange -> handle(exchange, q -> arrivals()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            http.stop(0);
            closeAll();
            stopped.countDown();
        }, "scale-host-stop"));
        http.start();
        System.out.println("scale-host ready on 127.0.0.1:" + controlPort);
        stopped.await();
        return 0;
    }

    private String start(Map<String, String> q, TransportMode mode) throws IOException {
        String user = require(q, "user");
        boolean decode = Boolean.parseBoolean(q.get("decode"));
        PeerNode node = new PeerNode(PeerConfig.builder().proxy(proxy).user(user).password(password)
                .channel(channel).bind(require(q, "bind")).maxChildren(Integer.parseInt(require(q, "maxChildren")))
                .capacityFollowsLoad(false).transport(mode).playerMode(decode ? PeerConfig.PlayerMode.HEADLESS
                        : PeerConfig.PlayerMode.COUNT_ONLY).playoutDelay(Duration.ofMillis(playoutDelayMs)).build(),
                shared);
        Hosted hosted = new Hosted(node, decode);
        if (peers.putIfAbsent(user, hosted) != null) {
            throw new IllegalArgumentException("peer " + user + " already runs here");
        }
        int every = Math.max(1, sampleEvery);
        node.observePackets((seq, nanos) -> {
            int n = hosted.recorded;
            if (recording && seq % every == 0 && n < MAX_ARRIVALS) {
                hosted.arrivals[2 * n] = seq;
                hosted.arrivals[2 * n + 1] = nanos;
                hosted.recorded = n + 1;
            }
        });
        starter.execute(() -> {
            try {
                node.start();
            } catch (IOException | RuntimeException e) {
                System.out.println("scale-host: peer " + user + " did not start: " + e);
            }
        });
        return "starting " + user + "\n";
    }

    private String stats() {
        StringBuilder b = new StringBuilder(String.join("\t", COLUMNS)).append('\n');
        List<String> users = new ArrayList<>(peers.keySet());
        users.sort(null);
        for (String user : users) {
            Hosted h = peers.get(user);
            Map<String, Object> s = h.node.stats();
            @SuppressWarnings("unchecked")
            Map<String, Object> join = (Map<String, Object>) s.get("join");
            List<Object> values = List.of(user, String.valueOf(s.get("nodeId")), String.valueOf(s.get("parent")),
                    s.get("hopCount"), s.get("state"), h.decode, s.get("framesDecoded"), s.get("fps"), s.get("stalls"),
                    s.get("stallMs"), s.get("packetsReceived"), s.get("packetsLost"), s.get("packetsRepaired"),
                    s.get("bitrateKbps"), s.get("children"), join.get("firstFrameMs"), s.get("recoveriesTotal"));
            for (int i = 0; i < values.size(); i++) {
                b.append(i == 0 ? "" : "\t").append(values.get(i));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private String record(boolean on) {
        if (on) {
            for (Hosted h : peers.values()) {
                h.recorded = 0;
            }
        }
        recording = on;
        return "recording " + on + "\n";
    }

    private String arrivals() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Hosted> e : peers.entrySet()) {
            Hosted h = e.getValue();
            int n = h.recorded;
            for (int i = 0; i < n; i++) {
                b.append(e.getKey()).append(' ').append(h.arrivals[2 * i]).append(' ').append(h.arrivals[2 * i + 1])
                        .append('\n');
            }
        }
        return b.toString();
    }

    private void closeAll() {
        List<Thread> closing = new ArrayList<>();
        for (Hosted h : peers.values()) {
            Thread t = new Thread(h.node::close, "scale-host-close");
            t.setDaemon(true);
            t.start();
            closing.add(t);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        for (Thread t : closing) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @FunctionalInterface
    private interface Handler {
        String answer(Map<String, String> query) throws Exception;
    }

    private static void handle(HttpExchange exchange, Handler handler) throws IOException {
        int status = 200;
        String body;
        try {
            body = handler.answer(query(exchange.getRequestURI().getRawQuery()));
        } catch (Exception e) {
            status = 400;
            body = e + "\n";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static String require(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing query parameter " + key);
        }
        return v;
    }
}
