package io.omnicast.proxy.it;

import io.omnicast.uscp.UscpCodec;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.Credentials;
import io.omnicast.uscp.v1.ERROR;
import io.omnicast.uscp.v1.Endpoint;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.Logout;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.v1.OK;
import io.omnicast.uscp.v1.ReConfiguration;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Role;
import io.omnicast.uscp.v1.Subscription;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real, independent USCP client over a plain blocking socket: it frames and parses with the shared codec but
 * shares nothing else with the proxy. A reader thread queues every message; beat replies are filtered out.
 */
public final class UscpTestClient implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(20);
    private static final Object CLOSED = new Object();
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Socket socket;
    private final DataOutputStream out;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private volatile Thread beater;
    private volatile boolean closedByPeer;

    public UscpTestClient(InetSocketAddress proxy) throws IOException {
        this(proxy, null);
    }

    /** Connects from {@code localAddress} (e.g. 127.0.0.77) so rate limiting per address can be tested alone. */
    public UscpTestClient(InetSocketAddress proxy, String localAddress) throws IOException {
        socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        }
        socket.connect(proxy, 5000);
        socket.setTcpNoDelay(true);
        out = new DataOutputStream(socket.getOutputStream());
        Thread reader = new Thread(this::readLoop, "uscp-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            while (true) {
                int length = in.readInt();
                byte[] doc = new byte[length];
                in.readFully(doc);
                Object message = UscpCodec.get().decode(doc);
                if (message instanceof OK ok && ok.getRequestId().startsWith("beat-")) {
                    continue;
                }
                inbox.add(message);
            }
        } catch (EOFException e) {
            closedByPeer = true;
        } catch (Exception e) {
            closedByPeer = true;
        } finally {
            inbox.add(CLOSED);
        }
    }

    public synchronized void send(Object message) throws Exception {
        byte[] doc = UscpCodec.get().encode(message);
        out.writeInt(doc.length);
        out.write(doc);
        out.flush();
    }

    /** Sends raw bytes (a hand-made frame or garbage). */
    public synchronized void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends one frame around {@code xml}. */
    public void sendXml(String xml) throws IOException {
        byte[] doc = xml.getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            out.writeInt(doc.length);
            out.write(doc);
            out.flush();
        }
    }

    /** The next message, failing after {@link #WAIT}. */
    public Object next() throws InterruptedException {
        Object message = inbox.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no USCP message within " + WAIT);
        }
        if (message == CLOSED) {
            inbox.add(CLOSED);
            throw new AssertionError("connection closed by the proxy");
        }
        return message;
    }

    public <T> T next(Class<T> type) throws InterruptedException {
        Object message = next();
        if (!type.isInstance(message)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + describe(message));
        }
        return type.cast(message);
    }

    /** Nothing arrives within {@code wait}. */
    public Object poll(Duration wait) throws InterruptedException {
        Object message = inbox.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        return message == CLOSED ? null : message;
    }

    /** True once the proxy closed the connection (waits up to {@link #WAIT}). */
    public boolean awaitClosed() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Object message = inbox.poll(100, TimeUnit.MILLISECONDS);
            if (message == CLOSED) {
                inbox.add(CLOSED);
                return true;
            }
        }
        return closedByPeer;
    }

    public static String describe(Object message) {
        if (message instanceof ERROR e) {
            return "ERROR " + e.getCode() + ": " + e.getMessage();
        }
        return message.getClass().getSimpleName();
    }

    /** Starts sending NodeInformation beats every {@code interval} from a background thread. */
    public void startBeating(Duration interval) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    NodeInformation beat = new NodeInformation();
                    beat.setRequestId("beat-" + IDS.incrementAndGet());
                    send(beat);
                    Thread.sleep(interval.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // connection gone: stop beating
            }
        }, "uscp-test-beat");
        t.setDaemon(true);
        beater = t;
        t.start();
    }

    /** Stops beating but keeps the socket open (a hung node). */
    public void stopBeating() throws InterruptedException {
        Thread t = beater;
        if (t != null) {
            t.interrupt();
            t.join(5000);
        }
    }

    /** Closes the socket abruptly (RST), as a crashed node would. */
    public void abort() throws IOException {
        stopBeatingQuietly();
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private void stopBeatingQuietly() {
        Thread t = beater;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        stopBeatingQuietly();
        socket.close();
    }

    // ------------------------------------------------------------------------------------------ messages

    public static String rid() {
        return "r-" + IDS.incrementAndGet();
    }

    public static Login login(String user, String password, Role role, String channel, String relayHost,
            int relayPort, int maxChildren) {
        Login login = new Login();
        login.setRequestId(rid());
        login.setClientVersion("0.1.0");
        login.setCredentials(credentials(user, password));
        login.setRole(role);
        login.getChannel().add(channel);
        if (relayHost != null) {
            login.setRelayEndpoint(endpoint(relayHost, relayPort));
        }
        login.setCapacity(capacity(maxChildren));
        return login;
    }

    public static Subscription subscription(String user, String password, String channel, String relayHost,
            int relayPort, int maxChildren) {
        Subscription s = new Subscription();
        s.setRequestId(rid());
        s.setClientVersion("0.1.0");
        s.setCredentials(credentials(user, password));
        s.setChannel(channel);
        if (relayHost != null) {
            s.setRelayEndpoint(endpoint(relayHost, relayPort));
        }
        if (channel != null) {
            s.setCapacity(capacity(maxChildren));
        }
        return s;
    }

    public static NodeInformation nodeInformation(Integer maxChildren) {
        NodeInformation info = new NodeInformation();
        info.setRequestId(rid());
        if (maxChildren != null) {
            info.setCapacity(capacity(maxChildren));
        }
        return info;
    }

    public static ReConfiguration reConfiguration(String failedParent) {
        ReConfiguration r = new ReConfiguration();
        r.setRequestId(rid());
        r.setFailedParent(failedParent);
        r.setReason(io.omnicast.uscp.v1.FailureReason.RTP_TIMEOUT);
        r.setLastSequence(1234);
        return r;
    }

    public static Logout logout() {
        Logout logout = new Logout();
        logout.setRequestId(rid());
        logout.setReason(io.omnicast.uscp.v1.LogoutReason.USER);
        return logout;
    }

    private static Credentials credentials(String user, String password) {
        Credentials c = new Credentials();
        c.setUser(user);
        c.setPassword(password);
        return c;
    }

    private static Endpoint endpoint(String host, int port) {
        Endpoint e = new Endpoint();
        e.setHost(host);
        e.setPort(port);
        return e;
    }

    private static Capacity capacity(int maxChildren) {
        Capacity c = new Capacity();
        c.setMaxChildren(maxChildren);
        c.setUplinkKbps(10_000);
        return c;
    }

    /** Convenience for assertions on a ReStreamingConnection. */
    public static String parentOf(ReStreamingConnection r) {
        return r.getParent().getNodeId();
    }
}
