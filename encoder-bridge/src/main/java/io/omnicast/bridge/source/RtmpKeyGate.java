package io.omnicast.bridge.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets only the publisher with the right application and stream key reach FFmpeg's RTMP listener.
 *
 * <p>Why: FFmpeg's RTMP protocol in listen mode ({@code listen=1}) accepts any application and any stream name; it
 * only logs "App field don't match up" and "Unexpected stream X, expecting Y" at info level and then demuxes
 * whatever arrives (checked with FFmpeg 5.1 and 7.1). So the gate listens on the public address instead, relays
 * each connection byte for byte to FFmpeg listening on a private loopback port, and reads the client's commands on
 * the way ({@link RtmpCommandReader}). A {@code connect} to another application, a {@code play}, or a
 * {@code publish} with another stream name closes both sides before the command reaches FFmpeg, with one log line;
 * FFmpeg's open then fails and {@link DemuxSource} listens again, while the gate keeps the public port open.
 * After a good {@code publish} the bytes pass without being looked at.
 *
 * <p>One publisher at a time, as FFmpeg's listener takes one: a second connection while one is relayed is
 * refused. Threads: one accepting, two per relayed connection; all end on {@link #close()}.
 */
final class RtmpKeyGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpKeyGate.class);
    /** Client bytes read before the publish command at most; OBS needs about 4 KiB (handshake included). */
    static final int MAX_BYTES_BEFORE_PUBLISH = 256 * 1024;
    private static final long CONNECT_UPSTREAM_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int BUFFER_BYTES = 16 * 1024;

    private final String label;
    private final String app;
    private final String key;
    private final ServerSocket server;
    private final int upstreamPort;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicLong endedBeforePublish = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile boolean closed;
    private volatile Socket clientSocket;
    private volatile Socket upstreamSocket;

    /**
     * Binds the public address of {@code url} ({@code rtmp://HOST:PORT/APP/KEY}) at once, so an encoder can connect
     * before FFmpeg listens; connections wait in the backlog meanwhile.
     */
    RtmpKeyGate(String url) {
        URI uri = URI.create(url);
        String path = uri.getPath();
        int slash = path.lastIndexOf('/');
        this.app = path.substring(1, Math.max(1, slash));
        this.key = path.substring(slash + 1);
        this.label = "rtmp://" + uri.getHost() + ":" + uri.getPort() + "/" + app;
        try {
            ServerSocket upstreamProbe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            upstreamPort = upstreamProbe.getLocalPort();
            upstreamProbe.close();
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(uri.getHost(), uri.getPort()), 8);
        } catch (IOException e) {
            throw new SourceException("cannot listen for RTMP on " + uri.getHost() + ":" + uri.getPort() + ": "
                    + e.getMessage(), e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "rtmp-gate-" + uri.getPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where FFmpeg listens: loopback only, the same application and key so FFmpeg has nothing to complain about. */
    String upstreamUrl() {
        return "rtmp://127.0.0.1:" + upstreamPort + "/" + app + "/" + key;
    }

    /**
     * Connections relayed to FFmpeg that ended before a good publish (refused, or the client went away): FFmpeg's
     * open fails for each, and that is no reason to give up listening.
     */
    long endedBeforePublish() {
        return endedBeforePublish.get();
    }

    /** Publishers refused so far (wrong application or key, a reader, a second publisher, bad bytes). */
    long refused() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("{}: accepting an RTMP connection failed: {}", label, e.getMessage());
                    pause();
                }
                continue;
            }
            if (!busy.compareAndSet(false, true)) {
                refused.incrementAndGet();
                LOG.warn("{}: refused RTMP connection from {}: another publisher is connected", label,
                        client.getRemoteSocketAddress());
                closeQuietly(client);
                continue;
            }
            Thread relay = new Thread(() -> relay(client), "rtmp-gate-in-" + client.getPort());
            relay.setDaemon(true);
            relay.start();
        }
    }

    /** Client to FFmpeg, reading commands until the verdict; starts the FFmpeg-to-client thread. */
    private void relay(Socket client) {
        Socket upstream = null;
        boolean accepted = false;
        try {
            clientSocket = client;
            client.setTcpNoDelay(true);
            upstream = connectUpstream();
            upstreamSocket = upstream;
            Socket up = upstream;
            Thread back = new Thread(() -> copy(up, client), "rtmp-gate-out-" + client.getPort());
            back.setDaemon(true);
            back.start();
            InputStream in = client.getInputStream();
            OutputStream out = upstream.getOutputStream();
            RtmpCommandReader reader = new RtmpCommandReader();
            byte[] buffer = new byte[BUFFER_BYTES];
            long seen = 0;
            String refusal = null;
            int n;
            while (!accepted && (n = in.read(buffer)) >= 0) {
                seen += n;
                List<RtmpCommandReader.Command> commands;
                try {
                    commands = reader.feed(buffer, 0, n);
                } catch (IllegalArgumentException e) {
                    refusal = "not a valid RTMP stream (" + e.getMessage() + ")";
                    break;
                }
                for (RtmpCommandReader.Command command : commands) {
                    refusal = check(command);
                    if (refusal != null) {
                        break;
                    }
                    accepted |= command.name().equals("publish");
                }
                if (refusal == null && !accepted && seen > MAX_BYTES_BEFORE_PUBLISH) {
                    refusal = "no publish command in the first " + MAX_BYTES_BEFORE_PUBLISH + " bytes";
                }
                if (refusal != null) {
                    break;
                }
                out.write(buffer, 0, n); // the bytes with a refused command never reach FFmpeg
            }
            if (refusal != null) {
                accepted = false;
                refused.incrementAndGet();
                LOG.warn("{}: refused RTMP publisher {}: {}; still listening for the right one", label,
                        client.getRemoteSocketAddress(), refusal);
                return;
            }
            if (accepted) {
                LOG.info("{}: RTMP publisher {} accepted (stream key matches)", label, client.getRemoteSocketAddress());
                in.transferTo(out);
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.debug("{}: RTMP connection from {} ended: {}", label, client.getRemoteSocketAddress(), e.toString());
            }
        } finally {
            if (upstream != null && !accepted) {
                endedBeforePublish.incrementAndGet(); // before closing: DemuxSource reads it when FFmpeg's open fails
            }
            closeQuietly(client);
            if (upstream != null) {
                closeQuietly(upstream);
            }
            clientSocket = null;
            upstreamSocket = null;
            busy.set(false);
        }
    }

    /** Null when the command may pass, else why it may not. */
    private String check(RtmpCommandReader.Command command) {
        switch (command.name()) {
            case "connect" -> {
                String asked = command.app() == null ? "" : command.app();
                if (!stripSlash(asked).equals(app)) {
                    return "application '" + asked + "' is not '" + app + "'";
                }
            }
            case "play" -> {
                return "it asked to play; this address only takes a publisher";
            }
            case "publish" -> {
                if (!key.equals(command.streamName())) {
                    return "the stream key does not match";
                }
            }
            default -> {
                // releaseStream, FCPublish, createStream, _checkbw...: nothing to check
            }
        }
        return null;
    }

    private static String stripSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    /** FFmpeg starts listening a moment after the gate: a connection arriving first waits for it. */
    private Socket connectUpstream() throws IOException {
        long deadline = System.nanoTime() + CONNECT_UPSTREAM_NANOS;
        while (true) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 1000);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                if (closed || System.nanoTime() - deadline > 0) {
                    throw new IOException("FFmpeg's RTMP listener on port " + upstreamPort + " is not there: "
                            + e.getMessage(), e);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", interrupted);
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ignored) {
            // one side closed; the other thread closes both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        Socket c = clientSocket;
        Socket u = upstreamSocket;
        if (c != null) {
            closeQuietly(c);
        }
        if (u != null) {
            closeQuietly(u);
        }
    }
}
