package io.omnicast.proxy.session;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.omnicast.proxy.auth.AuthException;
import io.omnicast.proxy.directory.Account;
import io.omnicast.proxy.directory.DirectoryEvent;
import io.omnicast.uscp.UscpMessages;
import io.omnicast.uscp.netty.UscpDecoderException;
import io.omnicast.uscp.netty.UscpFramingException;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.ChannelDescription;
import io.omnicast.uscp.v1.Endpoint;
import io.omnicast.uscp.v1.ErrorCode;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.Logout;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.v1.PlacementReason;
import io.omnicast.uscp.v1.ReConfiguration;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Role;
import io.omnicast.uscp.v1.Subscription;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One USCP connection: authentication, then a viewer's or origin's session. One per channel (stateful); every
 * field is touched only on the connection's event loop. Requests are served one at a time in arrival order:
 * while one waits for the auth threads or a channel thread, later ones queue, so replies keep request order.
 * Nothing thrown here escapes to Netty: bad input gets an ERROR and the session goes on, unless the framing
 * broke, which gets a fatal ERROR and a close.
 */
public final class UscpSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(UscpSessionHandler.class);
    /** Idle periods (each the liveness timeout) an unauthenticated connection may sit before it is closed. */
    private static final int UNAUTHENTICATED_IDLE_LIMIT = 10;

    private final ProxyServices services;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private String address = "?";
    private Session session;
    private boolean busy;
    private boolean leaving;
    private int idlePeriods;

    public UscpSessionHandler(ProxyServices services) {
        this.services = services;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            address = remote.getAddress().getHostAddress();
        }
        services.metrics().connections().incrementAndGet();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        services.metrics().connections().decrementAndGet();
        leave("connection-closed", System.nanoTime());
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (busy) {
            queued.add(msg);
            return;
        }
        dispatch(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (session != null) {
                LOG.info("{}: no beat for {} ({} missed beats); treating the session as gone", session,
                        services.config().livenessTimeout(), services.config().beatMissedLimit());
                services.record(DirectoryEvent.of("session-lost", firstChannel(), session.nodeId(), null, -1, -1,
                        "missed " + services.config().beatMissedLimit() + " beats"));
                leave("missed-beats", System.nanoTime());
                ctx.close();
            } else if (++idlePeriods >= UNAUTHENTICATED_IDLE_LIMIT) {
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof UscpFramingException framing) {
            if (framing.code() == ErrorCode.TRUNCATED_FRAME) {
                LOG.debug("{}: {}", who(), framing.getMessage());
                return;
            }
            LOG.info("{}: framing error, closing: {}", who(), framing.getMessage());
            services.metrics().error(framing.code());
            ctx.writeAndFlush(UscpMessages.error(framing.code(), framing.getMessage(), null, true))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (cause instanceof UscpDecoderException bad) {
            services.metrics().error(bad.failure().code());
            if (busy) {
                queued.add(bad);
            } else {
                replyDecoderError(bad);
            }
        } else if (cause instanceof DecoderException) {
            LOG.info("{}: undecodable input, closing: {}", who(), cause.getMessage());
            ctx.close();
        } else if (cause instanceof java.io.IOException) {
            LOG.debug("{}: connection error: {}", who(), cause.getMessage());
            ctx.close();
        } else {
            LOG.error("{}: unexpected failure, closing", who(), cause);
            ctx.close();
        }
    }

    private void replyDecoderError(UscpDecoderException bad) {
        ctx.writeAndFlush(UscpMessages.error(bad.failure(), false));
    }

    // ------------------------------------------------------------------------------------------ dispatch

    private void dispatch(Object msg) {
        idlePeriods = 0;
        try {
            if (msg instanceof UscpDecoderException bad) {
                replyDecoderError(bad);
            } else if (msg instanceof Login login) {
                onLogin(login);
            } else if (msg instanceof Subscription subscription) {
                onSubscription(subscription);
            } else if (msg instanceof NodeInformation info) {
                onNodeInformation(info);
            } else if (msg instanceof ReConfiguration reconfiguration) {
                onReConfiguration(reconfiguration);
            } else if (msg instanceof Logout logout) {
                onLogout(logout);
            } else if (UscpMessages.isMessage(msg)) {
                error(UscpMessages.requestId(msg), ErrorCode.UNKNOWN_MESSAGE, UscpMessages.name(msg)
                        + " is sent by the proxy, not to it");
            } else {
                error(null, ErrorCode.UNKNOWN_MESSAGE, "not a USCP message");
            }
        } catch (RuntimeException e) {
            LOG.error("{}: failed handling {}", who(), msg.getClass().getSimpleName(), e);
            error(UscpMessages.isMessage(msg) ? UscpMessages.requestId(msg) : null, ErrorCode.INTERNAL_ERROR,
                    "the proxy failed handling " + msg.getClass().getSimpleName() + ": " + e.getMessage());
            done();
        }
    }

    /** Ends the current request and serves the next queued one. */
    private void done() {
        busy = false;
        while (!busy && !queued.isEmpty() && ctx.channel().isActive()) {
            dispatch(queued.poll());
        }
    }

    private void error(String requestId, ErrorCode code, String text) {
        services.metrics().error(code);
        ctx.writeAndFlush(UscpMessages.error(code, text, requestId, false));
    }

    // ------------------------------------------------------------------------------------------ login

    private void onLogin(Login login) {
        String rid = login.getRequestId();
        if (session != null) {
            error(rid, ErrorCode.ALREADY_AUTHENTICATED, "this session is already logged in as " + session.nodeId());
            return;
        }
        if (!versionOk(rid, login.getClientVersion())) {
            return;
        }
        boolean origin = login.getRole() == Role.ORIGIN;
        List<String> channels = login.getChannel();
        if (!origin && channels.size() != 1) {
            error(rid, ErrorCode.INVALID_MESSAGE, "a viewer Login names exactly one Channel (had " + channels.size()
                    + ")");
            return;
        }
        if (origin && login.getRelayEndpoint() == null) {
            error(rid, ErrorCode.INVALID_MESSAGE, "an origin Login needs the RelayEndpoint peers pull from");
            return;
        }
        if (!origin && services.channel(channels.get(0)) == null) {
            error(rid, ErrorCode.UNKNOWN_CHANNEL, "no origin serves channel '" + channels.get(0) + "'");
            return;
        }
        String user = login.getCredentials().getUser();
        String password = login.getCredentials().getPassword();
        long start = System.nanoTime();
        busy = true;
        // A reconnect or a flash crowd on a shared account: answered here, without the auth threads' round trip.
        Account cached = services.accounts().authenticateCached(user, password, address);
        if (cached != null && (!origin || "origin".equals(cached.role()))) {
            String nodeId = services.nodeIds().nextIfReserved(origin ? "o" : "n");
            if (nodeId != null) {
                if (origin) {
                    startOrigin(rid, nodeId, user, channels, login.getRelayEndpoint(), login.getCapacity(),
                            login.getDescription());
                } else {
                    startViewer(rid, nodeId, user, channels.get(0), login.getRelayEndpoint(), login.getCapacity(),
                            start);
                }
                return;
            }
        }
        services.authExecutor().execute(() -> {
            try {
                Account account = services.accounts().authenticate(user, password, address);
                if (origin && !"origin".equals(account.role())) {
                    throw new AuthException(ErrorCode.ROLE_NOT_PERMITTED, "account '" + user
                            + "' is a viewer account and may not log in as an origin");
                }
                String nodeId = services.nodeIds().next(origin ? "o" : "n");
                ctx.executor().execute(() -> {
                    if (origin) {
                        startOrigin(rid, nodeId, user, channels, login.getRelayEndpoint(), login.getCapacity(),
                                login.getDescription());
                    } else {
                        startViewer(rid, nodeId, user, channels.get(0), login.getRelayEndpoint(), login.getCapacity(),
                                start);
                    }
                });
            } catch (AuthException e) {
                ctx.executor().execute(() -> {
                    error(rid, e.code(), e.getMessage());
                    done();
                });
            } catch (RuntimeException e) {
                LOG.error("{}: login of {} failed", who(), user, e);
                ctx.executor().execute(() -> {
                    error(rid, ErrorCode.INTERNAL_ERROR, "login failed: " + e.getMessage());
                    done();
                });
            }
        });
    }

    private void onSubscription(Subscription subscription) {
        String rid = subscription.getRequestId();
        if (session != null) {
            error(rid, ErrorCode.ALREADY_AUTHENTICATED, "this session is already logged in as " + session.nodeId());
            return;
        }
        if (!versionOk(rid, subscription.getClientVersion())) {
            return;
        }
        String channel = subscription.getChannel();
        if (channel != null && services.channel(channel) == null) {
            error(rid, ErrorCode.UNKNOWN_CHANNEL, "no origin serves channel '" + channel + "'");
            return;
        }
        String user = subscription.getCredentials().getUser();
        String password = subscription.getCredentials().getPassword();
        long start = System.nanoTime();
        busy = true;
        services.authExecutor().execute(() -> {
            try {
                services.accounts().create(user, password, "viewer");
                services.record(DirectoryEvent.of("account-created", channel, null, null, -1, -1, "user=" + user));
                String nodeId = channel == null ? null : services.nodeIds().next("n");
                ctx.executor().execute(() -> {
                    if (channel == null) {
                        // The account exists now; the connection stays unauthenticated so it can Login next.
                        ctx.writeAndFlush(UscpMessages.ok(rid));
                        done();
                    } else {
                        startViewer(rid, nodeId, user, channel, subscription.getRelayEndpoint(),
                                subscription.getCapacity(), start);
                    }
                });
            } catch (AuthException e) {
                ctx.executor().execute(() -> {
                    error(rid, e.code(), e.getMessage());
                    done();
                });
            } catch (RuntimeException e) {
                LOG.error("{}: subscription of {} failed", who(), user, e);
                ctx.executor().execute(() -> {
                    error(rid, ErrorCode.INTERNAL_ERROR, "subscription failed: " + e.getMessage());
                    done();
                });
            }
        });
    }

    private boolean versionOk(String rid, String clientVersion) {
        if (compareVersions(clientVersion, services.config().minClientVersion()) < 0) {
            error(rid, ErrorCode.UNSUPPORTED_VERSION, "client version " + clientVersion + " is older than "
                    + services.config().minClientVersion() + ", the oldest this proxy accepts");
            return false;
        }
        return true;
    }

    /** Compares dotted numeric versions; a non-numeric part (e.g. "1.2-beta") compares by its leading digits. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? leadingNumber(x[i]) : 0;
            long q = i < y.length ? leadingNumber(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static long leadingNumber(String part) {
        int end = 0;
        while (end < part.length() && end < 18 && Character.isDigit(part.charAt(end))) {
            end++;
        }
        return end == 0 ? 0 : Long.parseLong(part.substring(0, end));
    }

    private void startViewer(String rid, String nodeId, String user, String channel, Endpoint relay,
            Capacity capacity, long start) {
        ChannelOwner owner = services.channel(channel);
        if (owner == null) {
            error(rid, ErrorCode.UNKNOWN_CHANNEL, "no origin serves channel '" + channel + "'");
            done();
            return;
        }
        Session viewer = new Session(nodeId, user, Session.Role.VIEWER, List.of(channel),
                relay == null ? null : relay.getHost(), relay == null ? 0 : relay.getPort(),
                capacity == null ? 0 : capacity.getMaxChildren(), capacity == null ? 0 : capacity.getUplinkKbps(),
                ctx.channel());
        // The placement's ticket is queued for signing on the channel thread as soon as the node is placed, and
        // the session comes back to this event loop once, with the signed reply (one hop less per join).
        owner.join(viewer, start, outcome -> {
            if (outcome.order() == null) {
                ctx.executor().execute(() -> {
                    error(rid, outcome.error(), outcome.message());
                    done();
                });
                return;
            }
            CompletableFuture<ReStreamingConnection> signed;
            try {
                signed = services.replies().placement(outcome.order(), PlacementReason.JOIN, rid, true);
            } catch (RuntimeException e) {
                signed = CompletableFuture.failedFuture(e);
            }
            signed.whenComplete(
                    (reply, failure) -> ctx.executor().execute(() -> {
                        session = viewer;
                        services.register(viewer);
                        if (!ctx.channel().isActive()) {
                            leave("connection-closed", System.nanoTime());
                            done();
                            return;
                        }
                        if (failure != null) {
                            error(rid, ErrorCode.INTERNAL_ERROR, "cannot sign the ticket: " + failure.getMessage());
                        } else {
                            ctx.writeAndFlush(reply).addListener(w -> services.metrics().joined(
                                    System.nanoTime() - start));
                        }
                        done();
                    }));
        });
        if (viewer.hasRelay() && viewer.maxChildren() > 0) {
            // The connect-back probe goes out now, while the viewer waits for its placement: it reaches the
            // viewer's relay before the viewer sets up its stream (it used to land in the middle of that, on the
            // same event loop). Its result is queued on the channel thread after the join, which is queued first.
            services.prober().probe(viewer.relayHost(), viewer.relayPort(), rtt -> owner.probed(viewer, rtt));
        }
    }

    private void startOrigin(String rid, String nodeId, String user, List<String> channels, Endpoint relay,
            Capacity capacity, List<ChannelDescription> descriptions) {
        Session origin = new Session(nodeId, user, Session.Role.ORIGIN, channels, relay.getHost(), relay.getPort(),
                capacity == null ? 0 : capacity.getMaxChildren(), capacity == null ? 0 : capacity.getUplinkKbps(),
                ctx.channel());
        session = origin;
        services.register(origin);
        for (String channel : channels) {
            services.channelOrCreate(channel).addOrigin(origin);
        }
        describe(origin, descriptions);
        ctx.writeAndFlush(services.replies().okWithSession(rid, nodeId));
        LOG.info("origin {} serves {} at {}:{}", origin, channels, relay.getHost(), relay.getPort());
        done();
    }

    /** Hands an origin's channel descriptions to their channels; one for a channel it does not serve is ignored. */
    private void describe(Session origin, List<ChannelDescription> descriptions) {
        for (ChannelDescription d : descriptions) {
            ChannelOwner owner = origin.channels().contains(d.getChannel()) ? services.channel(d.getChannel()) : null;
            if (owner == null) {
                LOG.warn("{}: description for channel '{}', which it does not serve, ignored", who(), d.getChannel());
                continue;
            }
            owner.describe(origin, d.getValue());
        }
    }

    // ------------------------------------------------------------------------------------------ in session

    private void onNodeInformation(NodeInformation info) {
        if (session == null) {
            error(info.getRequestId(), ErrorCode.NOT_AUTHENTICATED, "NodeInformation needs a logged-in session: "
                    + "send Login first");
            return;
        }
        if (info.getHealth() != null) {
            session.health(info.getHealth());
        }
        if (!info.getDescription().isEmpty()) {
            if (session.role() != Session.Role.ORIGIN) {
                error(info.getRequestId(), ErrorCode.INVALID_MESSAGE, "only an origin describes channels");
                return;
            }
            describe(session, info.getDescription());
        }
        Capacity capacity = info.getCapacity();
        if (capacity != null && (capacity.getMaxChildren() != session.maxChildren()
                || capacity.getUplinkKbps() != session.uplinkKbps())) {
            session.capacity(capacity.getMaxChildren(), capacity.getUplinkKbps());
            for (String channel : session.channels()) {
                ChannelOwner owner = services.channel(channel);
                if (owner != null) {
                    owner.capacity(session, capacity.getMaxChildren(), capacity.getUplinkKbps());
                }
            }
        }
        ctx.writeAndFlush(UscpMessages.ok(info.getRequestId()));
    }

    private void onReConfiguration(ReConfiguration reconfiguration) {
        String rid = reconfiguration.getRequestId();
        if (session == null) {
            error(rid, ErrorCode.NOT_AUTHENTICATED, "ReConfiguration needs a logged-in session: send Login first");
            return;
        }
        if (session.role() == Session.Role.ORIGIN) {
            error(rid, ErrorCode.UNKNOWN_NODE, "an origin has no parent to report");
            return;
        }
        ChannelOwner owner = services.channel(session.channels().get(0));
        busy = true;
        Future<ChannelOwner.Outcome> result = owner.reportFailure(session, reconfiguration.getFailedParent(),
                reconfiguration.getReason().value());
        result.addListener(f -> ctx.executor().execute(() -> {
            ChannelOwner.Outcome outcome = result.isSuccess() ? result.getNow()
                    : ChannelOwner.Outcome.error(ErrorCode.INTERNAL_ERROR, "re-placement failed: " + result.cause());
            if (outcome.order() == null) {
                error(rid, outcome.error(), outcome.message());
                done();
                return;
            }
            services.replies().placement(outcome.order(), PlacementReason.RECONFIGURATION, rid, false).whenComplete(
                    (reply, failure) -> ctx.executor().execute(() -> {
                        if (failure != null) {
                            error(rid, ErrorCode.INTERNAL_ERROR, "cannot sign the ticket: " + failure.getMessage());
                        } else {
                            ctx.writeAndFlush(reply);
                        }
                        done();
                    }));
        }));
    }

    private void onLogout(Logout logout) {
        if (session == null) {
            error(logout.getRequestId(), ErrorCode.NOT_AUTHENTICATED, "Logout needs a logged-in session");
            return;
        }
        String reason = "logout" + (logout.getReason() == null ? "" : ":" + logout.getReason().value());
        leave(reason, System.nanoTime());
        busy = true; // nothing after a Logout is served
        ctx.writeAndFlush(UscpMessages.ok(logout.getRequestId())).addListener(ChannelFutureListener.CLOSE);
    }

    /** The node leaves every channel it is in; its children are re-parented. Idempotent. */
    private void leave(String reason, long detectedNanos) {
        if (session == null || leaving) {
            return;
        }
        leaving = true;
        session.markGone();
        services.unregister(session);
        for (String channel : session.channels()) {
            ChannelOwner owner = services.channel(channel);
            if (owner != null) {
                owner.leave(session, reason, detectedNanos);
            }
        }
    }

    private String firstChannel() {
        return session == null || session.channels().isEmpty() ? null : session.channels().get(0);
    }

    private String who() {
        return (session == null ? "unauthenticated" : session.toString()) + " from " + address;
    }
}
