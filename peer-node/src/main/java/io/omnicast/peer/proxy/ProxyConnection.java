package io.omnicast.peer.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.uscp.UscpMessages;
import io.omnicast.uscp.netty.UscpFrameDecoder;
import io.omnicast.uscp.netty.UscpMessageDecoder;
import io.omnicast.uscp.netty.UscpMessageEncoder;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.Credentials;
import io.omnicast.uscp.v1.ERROR;
import io.omnicast.uscp.v1.Endpoint;
import io.omnicast.uscp.v1.FailureReason;
import io.omnicast.uscp.v1.Health;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.Logout;
import io.omnicast.uscp.v1.LogoutReason;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.v1.OK;
import io.omnicast.uscp.v1.ReConfiguration;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Role;
import io.omnicast.uscp.v1.Subscription;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's USCP session with the proxy (the paper's "proxy connection"): logs in (or subscribes), beats with
 * {@code NodeInformation}, reports failed parents with {@code ReConfiguration}, logs out, and hands every
 * {@code ReStreamingConnection} (reply or pushed) to the {@link ProxyListener}.
 *
 * <p>When the proxy goes away the connection retries with exponential back-off and logs in again on its own;
 * nothing else in the peer waits for it, so playing and relaying go on. All state belongs to one event loop.
 */
public final class ProxyConnection implements AutoCloseable {
    /** Reported as {@code clientVersion}. */
    public static final String CLIENT_VERSION = "0.1.0";
    private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

    /** What the beat reports; supplied by the peer each beat. */
    public record Report(Capacity capacity, Health health) {
    }

    private final PeerConfig config;
    private final InetSocketAddress relayEndpoint;
    private final Supplier<Report> reports;
    private final ProxyListener listener;
    private final EventLoop loop;
    private final Map<String, CompletableFuture<Object>> pending = new HashMap<>();
    private Channel channel;
    private boolean loggedIn;
    private boolean subscribed;
    private boolean closing;
    private Duration backoff;
    private Duration beatInterval;
    private ScheduledFuture<?> beat;
    private long nextRequest;
    private long connectStartedNanos;
    private volatile long lastLoginMillis = -1;
    private volatile String nodeId;
    private volatile int logins;

    /**
     * @param relayEndpoint where children reach us (announced in Login), or null for a leaf
     * @param reports       capacity and health for every beat and the login
     */
    public ProxyConnection(PeerConfig config, InetSocketAddress relayEndpoint, Supplier<Report> reports,
            ProxyListener listener, EventLoopGroup group) {
        this.config = config;
        this.relayEndpoint = relayEndpoint;
        this.reports = reports;
        this.listener = listener;
        this.loop = group.next();
        this.backoff = config.reconnectMinBackoff();
        this.beatInterval = config.beatInterval();
    }

    /** Connects and logs in; the returned future completes with the first placement's login time. */
    public void start() {
        loop.execute(this::connect);
    }

    /** Milliseconds from starting the connection to the login reply, of the latest login; -1 before. */
    public long lastLoginMillis() {
        return lastLoginMillis;
    }

    /** How many logins succeeded (1 + re-logins after the proxy came back). */
    public int logins() {
        return logins;
    }

    public boolean isLoggedIn() {
        return loggedIn;
    }

    /** Our node id from the latest login, or null. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Tells the proxy our parent failed; completes with the proxy's new placement (also given to the listener),
     * or exceptionally when the proxy is unreachable or refuses.
     */
    public CompletableFuture<Placement> reportParentFailure(String failedParent, FailureReason reason,
            Integer lastSequence, String detail) {
        ReConfiguration message = new ReConfiguration();
        message.setFailedParent(failedParent);
        message.setReason(reason);
        message.setLastSequence(lastSequence);
        message.setDetail(detail == null || detail.length() <= 256 ? detail : detail.substring(0, 256));
        CompletableFuture<Placement> result = new CompletableFuture<>();
        loop.execute(() -> {
            if (!loggedIn) {
                result.completeExceptionally(new IllegalStateException("not logged in to the proxy"));
                return;
            }
            message.setRequestId(newRequestId("rc"));
            request(message.getRequestId(), message).whenComplete((reply, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else if (reply instanceof ReStreamingConnection rsc) {
                    result.complete(Placement.of(rsc));
                } else {
                    result.completeExceptionally(new IllegalStateException("ReConfiguration answered with "
                            + UscpMessages.name(reply)));
                }
            });
        });
        return result;
    }

    /** Logs out and stops reconnecting; completes when the proxy said OK, or after {@code timeout}. */
    public CompletableFuture<Void> logout(LogoutReason reason, Duration timeout) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            closing = true;
            cancelBeat();
            if (!loggedIn || channel == null || !channel.isActive()) {
                closeChannel();
                done.complete(null);
                return;
            }
            Logout logout = new Logout();
            logout.setRequestId(newRequestId("lo"));
            logout.setReason(reason);
            request(logout.getRequestId(), logout).whenComplete((r, e) -> {
                closeChannel();
                done.complete(null);
            });
            loop.schedule(() -> {
                closeChannel();
                done.complete(null);
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        });
        return done;
    }

    @Override
    public void close() {
        loop.execute(() -> {
            closing = true;
            cancelBeat();
            closeChannel();
            pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("closed")));
            pending.clear();
        });
    }

    private void connect() {
        if (closing) {
            return;
        }
        connectStartedNanos = System.nanoTime();
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new UscpFrameDecoder(), new UscpMessageDecoder(),
                                new UscpMessageEncoder(), new SessionHandler());
                    }
                });
        ChannelFuture future = bootstrap.connect(new InetSocketAddress(config.proxyHost(), config.proxyPort()),
                new InetSocketAddress(config.bindAddress(), 0));
        channel = future.channel();
        future.addListener(f -> {
            if (!f.isSuccess()) {
                log.info("proxy {}:{} unreachable ({}); retrying in {} ms", config.proxyHost(), config.proxyPort(),
                        f.cause().getMessage(), backoff.toMillis());
                scheduleReconnect();
            } else {
                sendLogin();
            }
        });
    }

    private void scheduleReconnect() {
        if (closing) {
            return;
        }
        long delay = backoff.toMillis();
        backoff = backoff.multipliedBy(2).compareTo(config.reconnectMaxBackoff()) > 0 ? config.reconnectMaxBackoff()
                : backoff.multipliedBy(2);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void sendLogin() {
        Report report = reports.get();
        Credentials credentials = new Credentials();
        credentials.setUser(config.user());
        credentials.setPassword(config.password());
        Endpoint endpoint = null;
        if (relayEndpoint != null) {
            endpoint = new Endpoint();
            endpoint.setHost(relayEndpoint.getAddress().getHostAddress());
            endpoint.setPort(relayEndpoint.getPort());
        }
        Object message;
        String requestId;
        if (config.subscribe() && !subscribed) {
            Subscription subscription = new Subscription();
            requestId = newRequestId("s");
            subscription.setRequestId(requestId);
            subscription.setClientVersion(CLIENT_VERSION);
            subscription.setCredentials(credentials);
            subscription.setChannel(config.channel());
            subscription.setRelayEndpoint(endpoint);
            subscription.setCapacity(report.capacity());
            message = subscription;
        } else {
            Login login = new Login();
            requestId = newRequestId("l");
            login.setRequestId(requestId);
            login.setClientVersion(CLIENT_VERSION);
            login.setCredentials(credentials);
            login.setRole(Role.VIEWER);
            login.getChannel().add(config.channel());
            login.setRelayEndpoint(endpoint);
            login.setCapacity(report.capacity());
            message = login;
        }
        request(requestId, message).whenComplete((reply, failure) -> {
            if (failure != null) {
                log.warn("login to proxy {}:{} as {} failed: {}; retrying in {} ms", config.proxyHost(),
                        config.proxyPort(), config.user(), failure.getMessage(), backoff.toMillis());
                closeChannel();
                return;
            }
            if (!(reply instanceof ReStreamingConnection rsc) || rsc.getSession() == null) {
                log.warn("login to proxy answered with {} without a session; retrying", UscpMessages.name(reply));
                closeChannel();
                return;
            }
            lastLoginMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStartedNanos);
            loggedIn = true;
            subscribed = true;
            logins++;
            backoff = config.reconnectMinBackoff();
            ProxySession session = ProxySession.of(rsc.getSession());
            nodeId = session.nodeId();
            beatInterval = session.beatInterval();
            log.info("logged in to proxy {}:{} as node {} (channel {}, hop {}, parent {}) in {} ms",
                    config.proxyHost(), config.proxyPort(), nodeId, rsc.getChannel(), rsc.getHopCount(),
                    rsc.getParent().getNodeId(), lastLoginMillis);
            listener.onSession(session);
            listener.onPlacement(Placement.of(rsc));
            scheduleBeat();
        });
    }

    private void scheduleBeat() {
        cancelBeat();
        beat = loop.scheduleAtFixedRate(this::sendBeat, beatInterval.toMillis(), beatInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void sendBeat() {
        if (!loggedIn || channel == null || !channel.isActive()) {
            return;
        }
        Report report;
        try {
            report = reports.get();
        } catch (RuntimeException e) {
            log.warn("node {}: cannot build the beat report", nodeId, e);
            return;
        }
        NodeInformation info = new NodeInformation();
        info.setRequestId(newRequestId("b"));
        info.setCapacity(report.capacity());
        info.setHealth(report.health());
        request(info.getRequestId(), info).whenComplete((reply, failure) -> {
            if (failure != null && !(failure instanceof TimeoutException)) {
                log.debug("node {}: beat failed: {}", nodeId, failure.getMessage());
            }
        });
    }

    private void cancelBeat() {
        if (beat != null) {
            beat.cancel(false);
            beat = null;
        }
    }

    private CompletableFuture<Object> request(String requestId, Object message) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            reply.completeExceptionally(new IllegalStateException("not connected to the proxy"));
            return reply;
        }
        pending.put(requestId, reply);
        ch.writeAndFlush(message).addListener(f -> {
            if (!f.isSuccess()) {
                pending.remove(requestId);
                reply.completeExceptionally(f.cause());
            }
        });
        loop.schedule(() -> {
            if (pending.remove(requestId) != null) {
                reply.completeExceptionally(new TimeoutException("no reply from the proxy to " + requestId));
            }
        }, 5, TimeUnit.SECONDS);
        return reply;
    }

    private String newRequestId(String prefix) {
        return prefix + "-" + (++nextRequest);
    }

    private void closeChannel() {
        if (channel != null) {
            channel.close();
        }
    }

    /** One per connection. */
    private final class SessionHandler extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object message) {
            String requestId = UscpMessages.requestId(message);
            if (requestId != null) {
                CompletableFuture<Object> reply = pending.remove(requestId);
                if (reply != null) {
                    if (message instanceof ERROR error) {
                        listener.onError(error);
                        reply.completeExceptionally(new ProxyRefusedException(error));
                    } else {
                        if (message instanceof ReStreamingConnection rsc && loggedIn) {
                            listener.onPlacement(Placement.of(rsc));
                        }
                        reply.complete(message);
                    }
                    return;
                }
            }
            if (message instanceof ReStreamingConnection rsc) {
                log.info("node {}: proxy moves us to parent {} (hop {}, reason {})", nodeId,
                        rsc.getParent().getNodeId(), rsc.getHopCount(), rsc.getReason().value());
                listener.onPlacement(Placement.of(rsc));
            } else if (message instanceof ERROR error) {
                log.warn("node {}: proxy error {}: {}", nodeId, error.getCode().value(), error.getMessage());
                listener.onError(error);
            } else if (!(message instanceof OK)) {
                log.debug("node {}: ignoring {} from the proxy", nodeId, UscpMessages.name(message));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            boolean wasLoggedIn = loggedIn;
            loggedIn = false;
            cancelBeat();
            pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("proxy connection closed")));
            pending.clear();
            if (!closing) {
                if (wasLoggedIn) {
                    log.warn("node {}: lost the proxy {}:{}; streaming goes on, reconnecting", nodeId,
                            config.proxyHost(), config.proxyPort());
                    listener.onDisconnected();
                }
                scheduleReconnect();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("node {}: proxy connection error: {}", nodeId, cause.getMessage());
            if (!(cause instanceof io.omnicast.uscp.netty.UscpDecoderException)) {
                ctx.close();
            }
        }
    }
}
