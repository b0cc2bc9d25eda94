package io.omnicast.proxy;

import io.omnicast.proxy.auth.AccountService;
import io.omnicast.proxy.auth.AuthException;
import io.omnicast.proxy.auth.CredentialCache;
import io.omnicast.proxy.auth.LoginThrottle;
import io.omnicast.proxy.auth.PasswordHasher;
import io.omnicast.proxy.auth.PasswordPolicy;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.proxy.directory.NodeDirectory;
import io.omnicast.uscp.UscpCodec;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.Credentials;
import io.omnicast.uscp.v1.ERROR;
import io.omnicast.uscp.v1.Endpoint;
import io.omnicast.uscp.v1.ErrorCode;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.Logout;
import io.omnicast.uscp.v1.LogoutReason;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.v1.OK;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Role;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the proxy's hot paths before it serves: a private proxy (same topology plugin and settings, its own
 * temporary directory, cheap password hashing) on loopback takes rounds of real USCP traffic, each an origin, a relay
 * with 8 children, their beats, the relay's abrupt loss with its 8 re-parenting pushes, and the children's logouts.
 * A fresh JVM loads thousands of classes on these paths (Netty, JAXB and the schema validator, H2, Ed25519, the
 * plugin) and interprets them until they ran often enough to compile; done here, that cost does not land on the
 * first viewers after a start (measured on a cold proxy: 1,150 us of CPU per join instead of 140-300, push p50 6 ms
 * instead of 0.7) - which matters most when a proxy comes back and every peer logs in again at once. The private
 * proxy shares no state with the real one: nothing reaches the real directory. Best effort: a failure is logged
 * and the proxy starts anyway.
 */
final class ProxyWarmup {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyWarmup.class);
    private static final String PASSWORD = "warm-up-passphrase";
    private static final int CHILDREN = 8;
    private static final int READ_TIMEOUT_MS = 5000;

    private ProxyWarmup() {
    }

    /** What a warm-up did: rounds completed, logins placed, pushes received, and how long it took. */
    record Result(int rounds, int logins, int pushes, long millis) {
    }

    /** What the rounds so far did. */
    private static final class Tally {
        int rounds;
        int logins;
        int pushes;
    }

    /** Runs {@code config.warmupRounds()} rounds against a private proxy built from {@code config}. */
    static Result run(ProxyConfig config) {
        long t0 = System.nanoTime();
        Tally tally = new Tally();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("omnicast-proxy-warmup");
            ProxyConfig own = config.toBuilder().dbPath(dir.resolve("proxy")).bindAddress("127.0.0.1").uscpPort(0)
                    .httpPort(0).pbkdf2Iterations(10_000).warmupRounds(0).build();
            createAccounts(own);
            try (ProxyServer proxy = ProxyServer.start(own); ProbeTarget relayEndpoint = new ProbeTarget(
                    InetAddress.getLoopbackAddress(), "warm-up-relay-endpoint");
                    Client origin = new Client(proxy.uscpAddress())) {
                // one origin for every round's channel, with one slot each, so the children go under the relay
                Login originLogin = login("warm-up-origin", Role.ORIGIN, null, "127.0.0.1", 8554, 1);
                for (int round = 0; round < config.warmupRounds(); round++) {
                    originLogin.getChannel().add(channel(round));
                }
                origin.send(originLogin);
                origin.expect(OK.class);
                for (int round = 0; round < config.warmupRounds(); round++) {
                    round(proxy.uscpAddress(), origin, channel(round), relayEndpoint.port(), tally);
                    tally.rounds++;
                }
            }
        } catch (Exception | AssertionError e) {
            LOG.warn("warm-up stopped after {} of {} rounds (the proxy starts anyway): {}", tally.rounds,
                    config.warmupRounds(), e.toString());
        } finally {
            if (dir != null) {
                deleteTree(dir);
            }
        }
        Result result = new Result(tally.rounds, tally.logins, tally.pushes,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        LOG.info("warm-up: {} rounds against a private proxy, {} logins placed, {} pushes, {} ms", result.rounds(),
                result.logins(), result.pushes(), result.millis());
        return result;
    }

    private static void createAccounts(ProxyConfig config) throws AuthException {
        try (NodeDirectory directory = NodeDirectory.open(config.dbPath())) {
            AccountService accounts = new AccountService(directory, new PasswordHasher(config.pbkdf2Iterations()),
                    new PasswordPolicy(config.passwordMinLength()),
                    new LoginThrottle(1, Duration.ofSeconds(1), Duration.ofSeconds(1), System::nanoTime),
                    new CredentialCache(Duration.ZERO, System::nanoTime));
            accounts.create("warm-up-origin", PASSWORD, "origin");
            accounts.create("warm-up-viewer", PASSWORD, "viewer");
        }
    }

    private static String channel(int round) {
        return "warm-up-" + round;
    }

    /**
     * One round on its own channel: a relay, 8 children under it, their beats, the relay lost with room for the
     * orphans at the origin, their logouts, and the origin back to one slot.
     */
    private static void round(InetSocketAddress uscp, Client origin, String channel, int relayPort, Tally tally)
            throws Exception {
        List<Client> clients = new ArrayList<>();
        try {
            Client relay = open(uscp, clients);
            String relayId = relay.join(login("warm-up-viewer", Role.VIEWER, channel, "127.0.0.1", relayPort,
                    CHILDREN)).getNodeId();
            tally.logins++;
            List<Client> children = new ArrayList<>(CHILDREN);
            for (int i = 0; i < CHILDREN; i++) {
                Client child = open(uscp, clients);
                // retried until the connect-back probe has made the relay a candidate (the origin has one slot)
                ReStreamingConnection placed = child.join(login("warm-up-viewer", Role.VIEWER, channel, null, 0, 0));
                tally.logins++;
                if (!placed.getParent().getNodeId().equals(relayId)) {
                    throw new IllegalStateException("a child was placed under " + placed.getParent().getNodeId()
                            + ", not the relay");
                }
                child.send(beat(0));
                child.expect(OK.class);
                children.add(child);
            }
            origin.send(beat(CHILDREN + 1)); // room for the orphans
            origin.expect(OK.class);
            relay.abort();
            for (Client child : children) {
                child.expect(ReStreamingConnection.class);
                tally.pushes++;
            }
            for (Client child : children) {
                Logout logout = new Logout();
                logout.setRequestId("w-logout");
                logout.setReason(LogoutReason.USER);
                child.send(logout);
                child.expect(OK.class);
            }
            origin.send(beat(1));
            origin.expect(OK.class);
        } finally {
            for (Client c : clients) {
                c.close();
            }
        }
    }

    private static Client open(InetSocketAddress uscp, List<Client> clients) throws IOException {
        Client c = new Client(uscp);
        clients.add(c);
        return c;
    }

    private static Login login(String user, Role role, String channel, String relayHost, int relayPort,
            int maxChildren) {
        Login login = new Login();
        login.setRequestId("w-login");
        login.setClientVersion("0.1.0");
        Credentials credentials = new Credentials();
        credentials.setUser(user);
        credentials.setPassword(PASSWORD);
        login.setCredentials(credentials);
        login.setRole(role);
        if (channel != null) {
            login.getChannel().add(channel);
        }
        if (relayHost != null) {
            Endpoint endpoint = new Endpoint();
            endpoint.setHost(relayHost);
            endpoint.setPort(relayPort);
            login.setRelayEndpoint(endpoint);
        }
        login.setCapacity(capacity(maxChildren));
        return login;
    }

    private static NodeInformation beat(int maxChildren) {
        NodeInformation info = new NodeInformation();
        info.setRequestId("w-beat");
        info.setCapacity(capacity(maxChildren));
        return info;
    }

    private static Capacity capacity(int maxChildren) {
        Capacity capacity = new Capacity();
        capacity.setMaxChildren(maxChildren);
        capacity.setUplinkKbps(100_000);
        return capacity;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete the warm-up directory {}: {}", dir, e.toString());
        }
    }

    /** A blocking USCP client: length-prefixed documents, request and reply on the calling thread. */
    private static final class Client implements AutoCloseable {
        private final Socket socket = new Socket();
        private final DataOutputStream out;
        private final DataInputStream in;

        Client(InetSocketAddress proxy) throws IOException {
            socket.connect(proxy, READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            out = new DataOutputStream(socket.getOutputStream());
            in = new DataInputStream(socket.getInputStream());
        }

        void send(Object message) throws Exception {
            byte[] doc = UscpCodec.get().encode(message);
            out.writeInt(doc.length);
            out.write(doc);
            out.flush();
        }

        /** The next message, read and decoded on this thread. */
        Object next() throws Exception {
            byte[] doc = new byte[in.readInt()];
            in.readFully(doc);
            return UscpCodec.get().decode(doc);
        }

        <T> T expect(Class<T> type) throws Exception {
            Object message = next();
            if (!type.isInstance(message)) {
                throw new IllegalStateException("expected " + type.getSimpleName() + ", got " + (message
                        instanceof ERROR e ? "ERROR " + e.getCode() + ": " + e.getMessage() : message));
            }
            return type.cast(message);
        }

        /** Sends {@code login} until it is placed (NO_PARENT_AVAILABLE while the relay's probe is under way). */
        ReStreamingConnection join(Login login) throws Exception {
            for (int attempt = 0; ; attempt++) {
                send(login);
                Object reply = next();
                if (reply instanceof ReStreamingConnection placed) {
                    return placed;
                }
                if (!(reply instanceof ERROR e) || e.getCode() != ErrorCode.NO_PARENT_AVAILABLE || attempt == 200) {
                    throw new IllegalStateException("join refused: " + (reply instanceof ERROR e2 ? e2.getCode()
                            + " " + e2.getMessage() : reply));
                }
                Thread.sleep(2);
            }
        }

        void abort() throws IOException {
            socket.setSoLinger(true, 0);
            socket.close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
