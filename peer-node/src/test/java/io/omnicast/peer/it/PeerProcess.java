package io.omnicast.peer.it;

import io.omnicast.peer.cli.PeerCommand;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A peer as its own JVM ({@code io.omnicast.peer.cli.PeerCommand}), watched through its stats endpoint. */
final class PeerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String user;
    final Process process;
    final int statsPort;

    private PeerProcess(String user, Process process, int statsPort) {
        this.user = user;
        this.process = process;
        this.statsPort = statsPort;
    }

    static PeerProcess start(TreeFixture tree, String user, int maxChildren, Path log) throws Exception {
        tree.account(user);
        int statsPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            statsPort = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(PeerCommand.jvmOptions());
        command.addAll(List.of("-Xmx128m", "-cp", System.getProperty("java.class.path"),
                "io.omnicast.peer.cli.PeerCommand", "--proxy", "127.0.0.1:" + tree.proxyPort(), "--user", user,
                "--password", TreeFixture.PASSWORD, "--channel", TreeFixture.CHANNEL, "--bind",
                TreeFixture.nextLoopback(), "--max-children", String.valueOf(maxChildren), "--fixed-capacity",
                "--stats-port", String.valueOf(statsPort), "--transport", "tcp", "--headless",
                "--playout-delay-ms", "500"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new PeerProcess(user, process, statsPort);
    }

    /** The stats JSON, or null while the endpoint is not up. */
    String stats() throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + "/api/stats"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return null;
        }
    }

    static String text(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.]+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no number " + field + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Every value of a numeric field (e.g. each recovery's packetsLostAfterRepair). */
    static List<Double> numbers(String json, String field) {
        List<Double> values = new ArrayList<>();
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.]+)").matcher(json);
        while (m.find()) {
            values.add(Double.parseDouble(m.group(1)));
        }
        return values;
    }

    /** SIGTERM: the peer logs out on the way (its shutdown hook). */
    void leave() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** SIGKILL: gone without a word. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
