package io.omnicast.bench.scale;

import io.omnicast.bench.live.ProcessStats;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code scale} scenario's side of one {@link ScaleHost} process: its control endpoint and its /proc figures. */
final class HostClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One peer's line of {@code /stats}. */
    record PeerLine(String host, Map<String, String> fields) {
        String text(String column) {
            return fields.getOrDefault(column, "");
        }

        double number(String column) {
            try {
                return Double.parseDouble(text(column));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        String user() {
            return text("user");
        }

        int hop() {
            return (int) number("hop");
        }

        boolean playing() {
            return "playing".equals(text("state")) && number("frames") > 0;
        }
    }

    /** One recorded arrival: {@code user} received RTP sequence number {@code seq} at {@code nanos}. */
    record Arrival(String user, int seq, long nanos) {
    }

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    private final boolean decoding;
    private int peers;

    HostClient(String name, int port, Process process, Path log, boolean decoding) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.decoding = decoding;
    }

    String name() {
        return name;
    }

    Process process() {
        return process;
    }

    Path log() {
        return log;
    }

    boolean decoding() {
        return decoding;
    }

    int peers() {
        return peers;
    }

    double cpuSeconds() {
        return ProcessStats.cpuSeconds(process.pid());
    }

    long rssBytes() {
        return ProcessStats.rssBytes(process.pid());
    }

    /** Waits until the control endpoint answers. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                get("/stats");
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(name + " did not answer within " + timeout + "; see " + log);
    }

    void startPeer(String user, String bind, int maxChildren, boolean decode) throws IOException,
            InterruptedException {
        get("/start?user=" + enc(user) + "&bind=" + enc(bind) + "&maxChildren=" + maxChildren + "&decode=" + decode);
        peers++;
    }

    List<PeerLine> stats() throws IOException, InterruptedException {
        String[] lines = get("/stats").split("\n");
        String[] header = lines[0].split("\t");
        List<PeerLine> list = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split("\t", -1);
            Map<String, String> m = new HashMap<>();
            for (int k = 0; k < header.length && k < f.length; k++) {
                m.put(header[k], f[k]);
            }
            list.add(new PeerLine(name, m));
        }
        return list;
    }

    void record(boolean on) throws IOException, InterruptedException {
        get("/record?on=" + on);
    }

    List<Arrival> arrivals() throws IOException, InterruptedException {
        List<Arrival> list = new ArrayList<>();
        for (String line : get("/arrivals").split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3) {
                list.add(new Arrival(f[0], Integer.parseInt(f[1]), Long.parseLong(f[2])));
            }
        }
        return list;
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(name + " " + path + ": " + r.statusCode() + " " + r.body().strip());
        }
        return r.body();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
