package io.omnicast.server.origin;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.omnicast.uscp.UscpMessages;
import io.omnicast.uscp.netty.UscpFrameDecoder;
import io.omnicast.uscp.netty.UscpMessageDecoder;
import io.omnicast.uscp.netty.UscpMessageEncoder;
import io.omnicast.uscp.ticket.TicketVerifier;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.ChannelDescription;
import io.omnicast.uscp.v1.Credentials;
import io.omnicast.uscp.v1.ERROR;
import io.omnicast.uscp.v1.Endpoint;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.Logout;
import io.omnicast.uscp.v1.LogoutReason;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.v1.OK;
import io.omnicast.uscp.v1.Role;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers a streaming server with the proxy as the origin of a channel (USCP {@code Login} with role
 * {@code origin}, its RTSP endpoint, how many hop-1 peers it takes and the channel's description, which the proxy
 * hands to joining viewers), then beats with {@code NodeInformation}.
 * When the proxy goes away it logs in again with back-off, so the tree can be rebuilt when the proxy returns.
 * The streaming server runs one per channel when started with {@code --proxy}; the demo, the tests and the
 * benchmarks may also run one next to a server. The proxy's public key from the login reply verifies readers'
 * tickets ({@link #ticketVerifier()}). All state belongs to one event loop.
 */
public final class OriginSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OriginSession.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** The longest description USCP's schema takes ({@code SessionDescription}). */
    static final int MAX_DESCRIPTION_CHARS = 8192;
    /** The USCP client version this origin announces. */
    public static final String CLIENT_VERSION = "0.1.0";

    private final InetSocketAddress proxy;
    private final String user;
    private final String password;
    private final String channel;
    private final InetSocketAddress rtsp;
    private final int maxChildren;
    private final EventLoop loop;
    private Channel connection;
    private ScheduledFuture<?> beat;
    private Duration backoff = MIN_BACKOFF;
    private long nextRequest;
    private volatile boolean closing;
    private volatile String nodeId;
    private volatile int logins;
    private volatile TicketVerifier ticketVerifier;
    /** What the channel's readers get from DESCRIBE, or null; sent with the login and when it changes. */
    private volatile String description;
    private boolean started;
    private ChannelHandlerContext loggedIn;
    /** The description this connection's proxy session has (sent with its Login or since), or null. */
    private String announced;

    /**
     * @param rtsp        where peers reach the streaming server's RTSP port
     * @param maxChildren hop-1 peers the origin takes
     */
    public OriginSession(InetSocketAddress proxy, String user, String password, String channel,
            InetSocketAddress rtsp, int maxChildren, EventLoopGroup group) {
        this.proxy = proxy;
        this.user = user;
        this.password = password;
        this.channel = channel;
        this.rtsp = rtsp;
        this.maxChildren = maxChildren;
        this.loop = group.next();
    }

    /** Connects and logs in (once; later calls do nothing). */
    public void start() {
        loop.execute(() -> {
            if (!started) {
                started = true;
                connect();
            }
        });
    }

    /**
     * The channel's description as its readers get it: sent with the next login, and at once (in a
     * {@code NodeInformation}) when logged in already and it changed. A description longer than USCP takes is left
     * out (joining viewers then ask their parent with DESCRIBE).
     */
    public void describe(String sdp) {
        String fitting = sdp != null && sdp.length() <= MAX_DESCRIPTION_CHARS ? sdp : null;
        if (sdp != null && fitting == null) {
            log.warn("origin {} for {}: the channel's description has {} characters, more than USCP carries ({}); "
                    + "viewers will ask for it with DESCRIBE", user, channel, sdp.length(), MAX_DESCRIPTION_CHARS);
        }
        loop.execute(() -> {
            if (java.util.Objects.equals(fitting, description)) {
                return;
            }
            description = fitting;
            announceDescription();
        });
    }

    /** Sends the description in a NodeInformation when logged in and the proxy has another (or none). */
    private void announceDescription() {
        ChannelHandlerContext ctx = loggedIn;
        String current = description;
        if (ctx == null || current == null || current.equals(announced) || !ctx.channel().isActive()) {
            return;
        }
        NodeInformation info = new NodeInformation();
        info.setRequestId("o-" + (++nextRequest));
        info.getDescription().add(channelDescription(current));
        ctx.writeAndFlush(info);
        announced = current;
    }

    private ChannelDescription channelDescription(String sdp) {
        ChannelDescription d = new ChannelDescription();
        d.setChannel(channel);
        d.setValue(sdp);
        return d;
    }

    /** The origin's node id from the latest login, or null. */
    public String nodeId() {
        return nodeId;
    }

    /** Verifies tickets with the proxy's key from the latest login, or null before the first login. */
    public TicketVerifier ticketVerifier() {
        return ticketVerifier;
    }

    /** The channel this session serves. */
    public String channel() {
        return channel;
    }

    /** Successful logins (more than one after the proxy came back). */
    public int logins() {
        return logins;
    }

    private void connect() {
        if (closing) {
            return;
        }
        Bootstrap bootstrap = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new UscpFrameDecoder(), new UscpMessageDecoder(),
                                new UscpMessageEncoder(), new Handler());
                    }
                });
        bootstrap.connect(proxy).addListener(f -> {
            if (f.isSuccess()) {
                return;
            }
            log.debug("origin {} for {}: proxy {} unreachable: {}", user, channel, proxy, f.cause().getMessage());
            retry();
        });
    }

    private void retry() {
        if (closing) {
            return;
        }
        long delay = backoff.toMillis();
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private Capacity capacity() {
        Capacity capacity = new Capacity();
        capacity.setMaxChildren(maxChildren);
        capacity.setUplinkKbps(1_000_000);
        return capacity;
    }

    /** Logs out (best effort) and stops reconnecting. */
    @Override
    public void close() {
        closing = true;
        loop.execute(() -> {
            if (beat != null) {
                beat.cancel(false);
            }
            Channel c = connection;
            if (c != null && c.isActive()) {
                Logout logout = new Logout();
                logout.setRequestId("o-logout");
                logout.setReason(LogoutReason.USER);
                c.writeAndFlush(logout).addListener(f -> c.close());
                loop.schedule(() -> c.close(), 500, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** One per connection. */
    private final class Handler extends SimpleChannelInboundHandler<Object> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connection = ctx.channel();
            Credentials credentials = new Credentials();
            credentials.setUser(user);
            credentials.setPassword(password);
            Endpoint endpoint = new Endpoint();
            endpoint.setHost(rtsp.getAddress().getHostAddress());
            endpoint.setPort(rtsp.getPort());
            Login login = new Login();
            login.setRequestId("o-" + (++nextRequest));
            login.setClientVersion(CLIENT_VERSION);
            login.setCredentials(credentials);
            login.setRole(Role.ORIGIN);
            login.getChannel().add(channel);
            login.setRelayEndpoint(endpoint);
            login.setCapacity(capacity());
            announced = description;
            if (announced != null) {
                login.getDescription().add(channelDescription(announced));
            }
            ctx.writeAndFlush(login);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object message) {
            if (message instanceof OK ok && ok.getSession() != null) {
                if (ok.getSession().getProxyKey() != null) {
                    try {
                        ticketVerifier = TicketVerifier.fromX509(ok.getSession().getProxyKey().getValue());
                    } catch (IllegalArgumentException e) {
                        log.warn("origin {} for {}: the proxy's key is unusable, tickets cannot be checked: {}", user,
                                channel, e.getMessage());
                    }
                }
                nodeId = ok.getSession().getNodeId();
                loggedIn = ctx;
                announceDescription(); // it changed while the login was under way
                logins++;
                backoff = MIN_BACKOFF;
                long interval = Math.max(100, ok.getSession().getBeatIntervalMs());
                log.info("origin {} serves {} at {} as node {}", user, channel, rtsp, nodeId);
                beat = loop.scheduleAtFixedRate(() -> {
                    NodeInformation info = new NodeInformation();
                    info.setRequestId("o-" + (++nextRequest));
                    info.setCapacity(capacity());
                    ctx.writeAndFlush(info);
                }, interval / 2, interval / 2, TimeUnit.MILLISECONDS);
            } else if (message instanceof ERROR error) {
                log.warn("origin {} for {}: proxy error {}: {}", user, channel, error.getCode().value(),
                        error.getMessage());
                if (nodeId == null) {
                    ctx.close();
                }
            } else if (!(message instanceof OK)) {
                log.debug("origin {}: ignoring {}", user, UscpMessages.name(message));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (loggedIn == ctx) {
                loggedIn = null;
            }
            if (beat != null) {
                beat.cancel(false);
                beat = null;
            }
            if (!closing) {
                log.warn("origin {} for {}: lost the proxy {}; logging in again", user, channel, proxy);
                retry();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("origin {}: {}", user, cause.getMessage());
            ctx.close();
        }
    }
}
