package io.omnicast.proxy.it;

import io.omnicast.proxy.cli.ProxyCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The proxy as a separate JVM (the test classpath), started with ProxyCommand's main and killed at will. */
final class ProxyProcess implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("proxy ready: uscp=([0-9.]+):(\\d+) http=([0-9.]+):(\\d+)");

    private final Process process;
    private final InetSocketAddress uscp;
    private final int httpPort;
    private final StringBuilder output = new StringBuilder();

    private ProxyProcess(Process process, InetSocketAddress uscp, int httpPort) {
        this.process = process;
        this.uscp = uscp;
        this.httpPort = httpPort;
    }

    static ProxyProcess start(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"), ProxyCommand.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Matcher> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        Matcher m = ready.get(60, TimeUnit.SECONDS);
        if (m == null) {
            process.destroyForcibly();
            throw new AssertionError("proxy process did not start; exit " + process.waitFor() + ", log "
                    + java.nio.file.Files.readString(log));
        }
        return new ProxyProcess(process, new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2))),
                Integer.parseInt(m.group(4)));
    }

    /** Runs ProxyCommand to completion (e.g. a user subcommand); returns exit code and output. */
    static String run(Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), ProxyCommand.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return process.waitFor() + " " + text;
    }

    InetSocketAddress uscp() {
        return uscp;
    }

    int httpPort() {
        return httpPort;
    }

    /** kill -9. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    String output() {
        return output.toString();
    }
}
