package io.omnicast.server.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.util.concurrent.ScheduledFuture;
import io.omnicast.media.rtsp.InterleavedFrame;
import io.omnicast.media.rtsp.RtpInfo;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspAuth;
import io.omnicast.media.rtsp.RtspFramingException;
import io.omnicast.media.rtsp.RtspRequestCheck;
import io.omnicast.media.rtsp.RtspResponses;
import io.omnicast.media.rtsp.RtspSessionHeader;
import io.omnicast.media.rtsp.RtspTransport;
import io.omnicast.media.rtsp.RtspUrl;
import io.omnicast.media.sdp.SdpChecksum;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.channel.LiveChannel;
import io.omnicast.server.channel.PublishedSdp;
import io.omnicast.server.channel.ReaderAdmission;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTSP connection: answers requests, owns the sessions created on it, routes interleaved frames. One per
 * channel; everything runs on its event loop. Closing the connection ends its sessions (a publisher's channel ends
 * with it).
 */
final class RtspConnection extends SimpleChannelInboundHandler<Object> {
    private static final Logger LOG = LoggerFactory.getLogger(RtspConnection.class);
    private static final String REALM = "OmniCast";
    /** A child failing over names the next RTP sequence number it needs (peer-node's ParentLink sends it). */
    static final String RESUME_HEADER = "X-OmniCast-Resume-Seq";
    private static final String PUBLIC_METHODS = "OPTIONS, DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, TEARDOWN, "
            + "GET_PARAMETER, SET_PARAMETER";

    /** What an interleaved channel id on this connection carries. */
    private record InterleavedRoute(ServerSession session, int track, boolean rtcp) {
    }

    private final RtspServer server;
    private final String nonce = RtspAuth.newNonce();
    private final Map<String, ServerSession> sessions = new HashMap<>();
    /**
     * Pipeline ids ({@value RtspClient#PIPELINED_REQUESTS}) of this connection to the session the first request of
     * each created: a reader sends its SETUPs and PLAY in one go, before it knows the session id.
     */
    private final Map<String, String> pipelines = new HashMap<>();
    private final Map<Integer, InterleavedRoute> interleaved = new HashMap<>();
    private final List<Runnable> cleanups = new ArrayList<>();
    private Channel channel;
    private String remote = "?";
    private ScheduledFuture<?> timeoutCheck;

    RtspConnection(RtspServer server) {
        this.server = server;
    }

    Channel channel() {
        return channel;
    }

    String remote() {
        return remote;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        remote = String.valueOf(ctx.channel().remoteAddress());
        timeoutCheck = ctx.executor().scheduleAtFixedRate(this::checkTimeouts, 1, 1, TimeUnit.SECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timeoutCheck.cancel(false);
        for (ServerSession s : new ArrayList<>(sessions.values())) {
            endSession(s, "connection closed");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof RtspFramingException e) {
            server.counters().rtspErrors.increment();
            LOG.warn("RTSP connection {}: {}; answering {} and closing", remote, e.getMessage(), e.status().code());
            ctx.writeAndFlush(RtspResponses.framingError(e)).addListener(ChannelFutureListener.CLOSE);
        } else if (cause instanceof DecoderException) {
            server.counters().rtspErrors.increment();
            LOG.warn("RTSP connection {}: undecodable input ({}); closing", remote, cause.getMessage());
            ctx.writeAndFlush(RtspResponses.response((String) null, HttpResponseStatus.BAD_REQUEST,
                    "Bad Request (" + cause.getMessage() + ")")).addListener(ChannelFutureListener.CLOSE);
        } else if (cause instanceof IOException) {
            LOG.debug("RTSP connection {}: {}", remote, cause.toString());
            ctx.close();
        } else {
            LOG.error("RTSP connection {}: unexpected failure; closing", remote, cause);
            ctx.close();
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpRequest request) {
            handle(ctx, request);
        } else if (msg instanceof InterleavedFrame frame) {
            route(frame);
        } else if (msg instanceof FullHttpResponse) {
            // replies to requests we never send (a confused client): ignore
            server.counters().rtspErrors.increment();
        }
    }

    private void route(InterleavedFrame frame) {
        InterleavedRoute r = interleaved.get(frame.channel());
        if (r == null || r.session.state == ServerSession.State.ENDED) {
            server.counters().unroutedFrames.increment();
            return;
        }
        ServerSession s = r.session;
        ByteBuf content = frame.content().retain();
        if (s.role == ServerSession.Role.PUBLISHER) {
            if (r.rtcp) {
                s.channel.publisherRtcp(r.track, content);
            } else if (s.state == ServerSession.State.RECORDING) {
                s.channel.publishRtp(r.track, content);
            } else {
                content.release();
                server.counters().unroutedFrames.increment();
            }
        } else if (r.rtcp && s.channel != null) {
            s.touch();
            s.channel.readerRtcp(s, r.track, content);
        } else {
            content.release(); // RTP from a reader: nothing to do with it
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        Optional<RtspRequestCheck.Problem> problem = RtspRequestCheck.check(request);
        if (problem.isPresent()) {
            server.counters().rtspErrors.increment();
            boolean fatal = request.decoderResult().isFailure();
            FullHttpResponse r = RtspResponses.response(request, problem.get().status(), problem.get().reason());
            LOG.warn("RTSP connection {}: {} {} refused: {}", remote, request.method(), request.uri(),
                    problem.get().reason());
            if (fatal) {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(r);
            }
            return;
        }
        HttpMethod method = request.method();
        try {
            if (RtspMethods.OPTIONS.equals(method)) {
                FullHttpResponse r = ok(request, null);
                r.headers().set(RtspHeaderNames.PUBLIC, PUBLIC_METHODS);
                r.headers().set(RtspClient.SUPPORTED, RtspClient.PIPELINED_REQUESTS_FEATURE);
                ctx.writeAndFlush(r);
            } else if (RtspMethods.DESCRIBE.equals(method)) {
                describe(ctx, request);
            } else if (RtspMethods.ANNOUNCE.equals(method)) {
                announce(ctx, request);
            } else if (RtspMethods.SETUP.equals(method)) {
                setup(ctx, request);
            } else if (RtspMethods.PLAY.equals(method)) {
                play(ctx, request);
            } else if (RtspMethods.RECORD.equals(method)) {
                record(ctx, request);
            } else if (RtspMethods.PAUSE.equals(method)) {
                pause(ctx, request);
            } else if (RtspMethods.TEARDOWN.equals(method)) {
                teardown(ctx, request);
            } else if (RtspMethods.GET_PARAMETER.equals(method) || RtspMethods.SET_PARAMETER.equals(method)) {
                ServerSession s = sessionOf(request);
                if (s != null) {
                    s.touch();
                }
                ctx.writeAndFlush(ok(request, s));
            } else {
                refuse(ctx, request, HttpResponseStatus.NOT_IMPLEMENTED, "Not Implemented (method " + method + ")");
            }
        } catch (Refusal e) {
            refuse(ctx, request, e.status, e.getMessage());
        }
    }

    /** A request that cannot be served: the status and the reason phrase sent back. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient HttpResponseStatus status;

        Refusal(HttpResponseStatus status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String reason) {
        server.counters().refusedRequests.increment();
        LOG.info("RTSP connection {}: {} {} -> {} {}", remote, request.method(), request.uri(), status.code(), reason);
        ctx.writeAndFlush(RtspResponses.response(request, status, reason));
    }

    private FullHttpResponse ok(FullHttpRequest request, ServerSession session) {
        FullHttpResponse r = RtspResponses.response(request, HttpResponseStatus.OK, null);
        decorate(r, session);
        return r;
    }

    private void decorate(FullHttpResponse r, ServerSession session) {
        r.headers().set(RtspHeaderNames.SERVER, "OmniCast");
        if (session != null) {
            r.headers().set(RtspHeaderNames.SESSION,
                    RtspSessionHeader.of(session.id, server.config().sessionTimeout()).format());
        }
    }

    private static RtspUrl url(FullHttpRequest request) {
        try {
            return RtspUrl.parse(request.uri());
        } catch (IllegalArgumentException e) {
            throw new Refusal(HttpResponseStatus.BAD_REQUEST, "Bad Request (" + e.getMessage() + ")");
        }
    }

    /** {@code /live/<channel>} -> channel name, else 404. */
    private static String channelName(RtspUrl url) {
        String path = url.path();
        if (!path.startsWith("/live/")) {
            throw new Refusal(HttpResponseStatus.NOT_FOUND, "Not Found (channels are /live/<channel>, not " + path
                    + ")");
        }
        String name = path.substring("/live/".length());
        if (!ServerConfig.CHANNEL_NAME.matcher(name).matches()) {
            throw new Refusal(HttpResponseStatus.NOT_FOUND, "Not Found (invalid channel name)");
        }
        return name;
    }

    private LiveChannel liveChannel(String name) {
        return server.channels().live(name).orElseThrow(() -> new Refusal(HttpResponseStatus.NOT_FOUND,
                "Not Found (channel '" + name + "' is not live)"));
    }

    private void admit(FullHttpRequest request, RtspUrl url, String name) {
        Map<String, String> headers = new HashMap<>();
        request.headers().forEach(e -> headers.putIfAbsent(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
        Optional<String> refused = server.admission().refuse(new ReaderAdmission.Request(name, remote, url.query(),
                headers));
        if (refused.isPresent()) {
            throw new Refusal(HttpResponseStatus.UNAUTHORIZED, "Unauthorized (" + refused.get() + ")");
        }
    }

    private void describe(ChannelHandlerContext ctx, FullHttpRequest request) {
        RtspUrl url = url(request);
        String name = channelName(url);
        long waitNanos = server.config().describeWait().toNanos();
        if (waitNanos > 0 && server.channels().live(name).isEmpty()) {
            admit(request, url, name); // only admitted readers may wait
            awaitLive(ctx, request.retainedDuplicate(), name, System.nanoTime() + waitNanos);
            return;
        }
        LiveChannel channel = liveChannel(name);
        admit(request, url, name);
        describeReply(ctx, request, channel);
    }

    private void describeReply(ChannelHandlerContext ctx, FullHttpRequest request, LiveChannel channel) {
        FullHttpResponse r = RtspResponses.withBody(request, "application/sdp", channel.sdp().describeToReaders(),
                ctx.alloc());
        String base = request.uri();
        r.headers().set(RtspHeaderNames.CONTENT_BASE, base.endsWith("/") ? base : base + "/");
        r.headers().set(RtspClient.SUPPORTED, RtspClient.PIPELINED_REQUESTS_FEATURE);
        decorate(r, null);
        ctx.writeAndFlush(r);
    }

    /**
     * Answers a held DESCRIBE once {@code name} is live, or with 404 at {@code deadline}: polls every 10 ms on the
     * connection's event loop; owns (releases) {@code held}.
     */
    private void awaitLive(ChannelHandlerContext ctx, FullHttpRequest held, String name, long deadlineNanos) {
        ctx.executor().schedule(() -> {
            if (!ctx.channel().isActive()) {
                held.release();
                return;
            }
            if (server.channels().live(name).isEmpty() && System.nanoTime() < deadlineNanos) {
                awaitLive(ctx, held, name, deadlineNanos);
                return;
            }
            try {
                describeReply(ctx, held, liveChannel(name));
            } catch (Refusal e) {
                refuse(ctx, held, e.status, e.getMessage());
            } finally {
                held.release();
            }
        }, 10, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void announce(ChannelHandlerContext ctx, FullHttpRequest request) {
        RtspUrl url = url(request);
        String name = channelName(url);
        Optional<String> key = server.config().publishKey(name);
        if (key.isPresent() && !key.get().equals(url.query().get("key"))
                && !RtspAuth.verify(request.headers().get(RtspHeaderNames.AUTHORIZATION), request.method().name(),
                        REALM, nonce, key.get())) {
            boolean tried = url.query().containsKey("key") || request.headers().contains(RtspHeaderNames.AUTHORIZATION);
            server.counters().refusedPublishers.increment();
            LOG.warn("RTSP connection {}: publishing to channel {} refused: {} stream key", remote, name,
                    tried ? "wrong" : "missing");
            FullHttpResponse r = RtspResponses.response(request, HttpResponseStatus.UNAUTHORIZED,
                    "Unauthorized (" + (tried ? "wrong" : "missing") + " stream key for channel '" + name + "')");
            for (String challenge : RtspAuth.challenges(REALM, nonce)) {
                r.headers().add(RtspHeaderNames.WWW_AUTHENTICATE, challenge);
            }
            decorate(r, null);
            ctx.writeAndFlush(r);
            return;
        }
        String contentType = request.headers().get(RtspHeaderNames.CONTENT_TYPE, "");
        if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/sdp")) {
            throw new Refusal(HttpResponseStatus.BAD_REQUEST, "Bad Request (ANNOUNCE needs Content-Type "
                    + "application/sdp, was '" + contentType + "')");
        }
        PublishedSdp sdp;
        try {
            sdp = PublishedSdp.parse(request.content().toString(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            server.counters().refusedPublishers.increment();
            throw new Refusal(HttpResponseStatus.BAD_REQUEST, "Bad Request (malformed SDP: " + e.getMessage() + ")");
        }
        for (ServerSession s : sessions.values()) {
            if (s.role == ServerSession.Role.PUBLISHER && s.state != ServerSession.State.ENDED) {
                throw new Refusal(RtspResponseStatuses.METHOD_NOT_VALID, "Method Not Valid In This State (this "
                        + "connection already publishes channel '" + s.channelName + "')");
            }
        }
        ServerSession session = newSession(ServerSession.Role.PUBLISHER, name);
        Optional<LiveChannel> claimed = server.channels().claim(name, session, sdp);
        if (claimed.isEmpty()) {
            sessions.remove(session.id);
            server.counters().refusedPublishers.increment();
            throw new Refusal(RtspResponseStatuses.METHOD_NOT_VALID, "Method Not Valid In This State (channel '"
                    + name + "' already has a publisher)");
        }
        session.channel = claimed.get();
        session.sdp = sdp;
        LOG.info("RTSP connection {}: ANNOUNCE channel {} with {} track(s), session {}", remote, name,
                sdp.tracks().size(), session.id);
        ctx.writeAndFlush(ok(request, session));
    }

    private ServerSession newSession(ServerSession.Role role, String channelName) {
        ServerSession s = new ServerSession(server.newSessionId(), role, channelName, this, server.ports());
        sessions.put(s.id, s);
        return s;
    }

    private ServerSession sessionOf(FullHttpRequest request) {
        String header = request.headers().get(RtspHeaderNames.SESSION);
        if (header == null) {
            String pipeline = pipelineOf(request);
            return pipeline == null ? null : liveSession(pipelines.get(pipeline));
        }
        String id;
        try {
            id = RtspSessionHeader.parse(header).id();
        } catch (IllegalArgumentException e) {
            throw new Refusal(RtspResponseStatuses.SESSION_NOT_FOUND, "Session Not Found (" + e.getMessage() + ")");
        }
        ServerSession s = sessions.get(id);
        if (s == null || s.state == ServerSession.State.ENDED) {
            throw new Refusal(RtspResponseStatuses.SESSION_NOT_FOUND, "Session Not Found (no session '" + id
                    + "' on this connection)");
        }
        return s;
    }

    /** The request's {@value RtspClient#PIPELINED_REQUESTS} id (1 to 8 digits, RFC 7826 18.33), or null. */
    private static String pipelineOf(FullHttpRequest request) {
        String value = request.headers().get(RtspClient.PIPELINED_REQUESTS);
        if (value == null) {
            return null;
        }
        String id = value.trim();
        if (id.isEmpty() || id.length() > 8 || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Refusal(HttpResponseStatus.BAD_REQUEST, "Bad Request (" + RtspClient.PIPELINED_REQUESTS
                    + " must be 1 to 8 digits, was '" + value + "')");
        }
        return id;
    }

    /** The session {@code id} while it runs, or null (no id, or it ended). */
    private ServerSession liveSession(String id) {
        ServerSession s = id == null ? null : sessions.get(id);
        return s == null || s.state == ServerSession.State.ENDED ? null : s;
    }

    private ServerSession requireSession(FullHttpRequest request) {
        ServerSession s = sessionOf(request);
        if (s == null) {
            String pipeline = pipelineOf(request);
            throw new Refusal(RtspResponseStatuses.SESSION_NOT_FOUND, pipeline == null
                    ? "Session Not Found (missing Session header)"
                    : "Session Not Found (no session was created by pipeline " + pipeline + " on this connection)");
        }
        s.touch();
        return s;
    }

    private void setup(ChannelHandlerContext ctx, FullHttpRequest request) {
        String header = request.headers().get(RtspHeaderNames.TRANSPORT);
        if (header == null) {
            throw new Refusal(HttpResponseStatus.BAD_REQUEST, "Bad Request (missing Transport header)");
        }
        RtspTransport offered;
        try {
            offered = RtspTransport.parseList(header).stream()
                    .filter(t -> !t.isMulticast() && (t.isTcp() || t.clientPorts() != null)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("needs unicast RTP/AVP/TCP or RTP/AVP with "
                            + "client_port"));
        } catch (IllegalArgumentException e) {
            throw new Refusal(RtspResponseStatuses.UNSUPPORTED_TRANSPORT, "Unsupported Transport (" + e.getMessage()
                    + ")");
        }
        RtspUrl url = url(request);
        ServerSession session = sessionOf(request);
        if (session == null) {
            session = sessions.values().stream()
                    .filter(s -> s.role == ServerSession.Role.PUBLISHER && s.state == ServerSession.State.INIT)
                    .findFirst().orElse(null);
        }
        if (session != null && session.state != ServerSession.State.INIT && session.state != ServerSession.State.READY) {
            throw new Refusal(RtspResponseStatuses.METHOD_NOT_VALID, "Method Not Valid In This State (SETUP while "
                    + session.state.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        int track;
        if (session != null && session.role == ServerSession.Role.PUBLISHER) {
            track = session.sdp.trackForSetupUrl(request.uri(), url.control().orElse(null));
            if (track < 0) {
                throw new Refusal(HttpResponseStatus.NOT_FOUND, "Not Found (no track of the announced SDP matches "
                        + request.uri() + ")");
            }
        } else {
            if (offered.isRecord()) {
                throw new Refusal(RtspResponseStatuses.METHOD_NOT_VALID, "Method Not Valid In This State "
                        + "(mode=record needs an ANNOUNCE first)");
            }
            String name = channelName(url);
            if (session != null && !session.channelName.equals(name)) {
                throw new Refusal(RtspResponseStatuses.AGGREGATE_OPERATION_NOT_ALLOWED, "Aggregate Operation Not "
                        + "Allowed (one session cannot mix channels)");
            }
            LiveChannel channel = liveChannel(name);
            int trackCount = channel.sdp().tracks().size();
            if (url.control().isEmpty() && trackCount > 1) {
                throw new Refusal(RtspResponseStatuses.AGGREGATE_OPERATION_NOT_ALLOWED, "Aggregate Operation Not "
                        + "Allowed (SETUP needs a track URL such as .../trackID=0)");
            }
            track = url.trackNumber().orElse(0);
            if (track < 0 || track >= trackCount) {
                throw new Refusal(HttpResponseStatus.NOT_FOUND, "Not Found (channel '" + name + "' has no track "
                        + track + ")");
            }
            if (session == null) {
                admit(request, url, name);
                session = newSession(ServerSession.Role.READER, name);
                session.channel = channel;
                String pipeline = pipelineOf(request);
                if (pipeline != null) {
                    pipelines.values().removeIf(id -> !sessions.containsKey(id));
                    pipelines.put(pipeline, session.id);
                }
            }
        }
        RtspTransport reply = bindTransport(session, track, offered);
        session.state = ServerSession.State.READY;
        session.touch();
        FullHttpResponse r = ok(request, session);
        r.headers().set(RtspHeaderNames.TRANSPORT, reply.format());
        ctx.writeAndFlush(r);
    }

    private RtspTransport bindTransport(ServerSession session, int track, RtspTransport offered) {
        RtspTransport.Builder reply = offered.toBuilder();
        ServerSession.TrackTransport previous = session.tracks.get(track);
        if (previous != null) {
            unbind(session, previous);
        }
        boolean publisher = session.role == ServerSession.Role.PUBLISHER;
        if (offered.isTcp()) {
            RtspTransport.Pair channels = offered.interleaved();
            if (channels == null || interleaved.containsKey(channels.rtp()) || interleaved.containsKey(channels.rtcp())) {
                int c = 0;
                while (interleaved.containsKey(c) || interleaved.containsKey(c + 1)) {
                    c += 2;
                }
                if (c > 254) {
                    throw new Refusal(RtspResponseStatuses.UNSUPPORTED_TRANSPORT, "Unsupported Transport (no free "
                            + "interleaved channels)");
                }
                channels = new RtspTransport.Pair(c, c + 1);
            }
            interleaved.put(channels.rtp(), new InterleavedRoute(session, track, false));
            interleaved.put(channels.rtcp(), new InterleavedRoute(session, track, true));
            session.addTrack(new ServerSession.TrackTransport(track, true, channels.rtp(), channels.rtcp(), null, null));
            return reply.interleaved(channels).build();
        }
        InetSocketAddress peer = (InetSocketAddress) channel.remoteAddress();
        InetSocketAddress rtp = new InetSocketAddress(peer.getAddress(), offered.clientPorts().rtp());
        InetSocketAddress rtcp = new InetSocketAddress(peer.getAddress(), offered.clientPorts().rtcp());
        UdpMediaPorts ports = server.ports();
        LiveChannel ch = session.channel;
        ServerSession s = session;
        UdpMediaPorts.Endpoint rtpEndpoint = publisher
                ? packet -> {
                    s.touch();
                    if (s.state == ServerSession.State.RECORDING) {
                        ch.publishRtp(track, packet);
                    } else {
                        packet.release();
                    }
                }
                : packet -> {
                    s.touch(); // NAT punch packets and keep-alives from the reader
                    packet.release();
                };
        UdpMediaPorts.Endpoint rtcpEndpoint = publisher
                ? packet -> {
                    s.touch();
                    ch.publisherRtcp(track, packet);
                }
                : packet -> {
                    s.touch();
                    ch.readerRtcp(s, track, packet);
                };
        ports.register(rtp, false, rtpEndpoint);
        ports.register(rtcp, true, rtcpEndpoint);
        cleanups.add(() -> {
            ports.unregister(rtp, false, rtpEndpoint);
            ports.unregister(rtcp, true, rtcpEndpoint);
        });
        session.addTrack(new ServerSession.TrackTransport(track, false, -1, -1, rtp, rtcp));
        return reply.serverPorts(new RtspTransport.Pair(ports.rtpPort(), ports.rtcpPort())).build();
    }

    private void unbind(ServerSession session, ServerSession.TrackTransport t) {
        if (t.tcp()) {
            interleaved.remove(t.rtpChannel());
            interleaved.remove(t.rtcpChannel());
        }
    }

    private void play(ChannelHandlerContext ctx, FullHttpRequest request) {
        ServerSession session = requireSession(request);
        if (session.role != ServerSession.Role.READER || session.tracks.isEmpty()) {
            throw new Refusal(RtspResponseStatuses.METHOD_NOT_VALID, "Method Not Valid In This State (PLAY needs a "
                    + "reader session with at least one track set up)");
        }
        if (session.state == ServerSession.State.PLAYING) {
            ctx.writeAndFlush(ok(request, session));
            return;
        }
        int resumeSequence = resumeSequence(request);
        String base = request.uri().endsWith("/") ? request.uri() : request.uri() + "/";
        long requestNanos = System.nanoTime();
        FullHttpRequest retained = request.retain();
        session.state = ServerSession.State.PLAYING;
        // The reply is written from the channel's loop, right before the first packets: for TCP both go through
        // this connection in that order; nothing waits for a hop between threads (PLAY-to-keyframe latency).
        session.channel.startReader(session, session.trackIndexes(), resumeSequence, requestNanos, starts -> {
            List<RtpInfo.Entry> entries = new ArrayList<>();
            for (LiveChannel.StartPoint p : starts) {
                entries.add(RtpInfo.Entry.of(base + "trackID=" + p.track(), p.sequenceNumber(), p.rtpTimestamp()));
            }
            FullHttpResponse r = ok(retained, session);
            r.headers().set(RtspHeaderNames.RANGE, "npt=0.000-");
            // A child that set up from a description it got elsewhere (the proxy's, its old parent's) checks it.
            r.headers().set(SdpChecksum.HEADER, session.channel.sdp().readersChecksum());
            if (!entries.isEmpty()) {
                r.headers().set(RtspHeaderNames.RTP_INFO, new RtpInfo(entries).format());
            }
            ctx.writeAndFlush(r);
        }).whenComplete((ignored, failure) -> ctx.executor().execute(() -> {
            try {
                if (failure != null) {
                    if (session.state == ServerSession.State.PLAYING) {
                        session.state = ServerSession.State.READY;
                    }
                    boolean full = failure instanceof LiveChannel.ChannelFullException;
                    refuse(ctx, retained, full ? RtspResponseStatuses.NOT_ENOUGH_BANDWIDTH
                            : HttpResponseStatus.NOT_FOUND, (full ? "Not Enough Bandwidth (" : "Not Found (")
                            + failure.getMessage() + ")");
                }
            } finally {
                retained.release();
            }
        }));
    }

    /**
     * The {@value #RESUME_HEADER} of a child failing over: the next video RTP sequence number it lacks (decimal,
     * 0..65535), or {@link LiveChannel#NO_RESUME} without the header.
     */
    private static int resumeSequence(FullHttpRequest request) {
        String value = request.headers().get(RESUME_HEADER);
        if (value == null) {
            return LiveChannel.NO_RESUME;
        }
        try {
            int seq = Integer.parseInt(value.trim());
            if (seq >= 0 && seq <= 0xFFFF) {
                return seq;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new Refusal(HttpResponseStatus.BAD_REQUEST, "Bad Request (" + RESUME_HEADER
                + " must be an RTP sequence number 0-65535, was '" + value + "')");
    }

    private void record(ChannelHandlerContext ctx, FullHttpRequest request) {
        ServerSession session = requireSession(request);
        if (session.role != ServerSession.Role.PUBLISHER || session.tracks.isEmpty()) {
            throw new Refusal(RtspResponseStatuses.METHOD_NOT_VALID, "Method Not Valid In This State (RECORD needs "
                    + "ANNOUNCE and SETUP first)");
        }
        if (session.state != ServerSession.State.RECORDING) {
            session.state = ServerSession.State.RECORDING;
            session.channel.startRecording();
        }
        FullHttpResponse r = ok(request, session);
        ctx.writeAndFlush(r);
    }

    private void pause(ChannelHandlerContext ctx, FullHttpRequest request) {
        ServerSession session = requireSession(request);
        if (session.role != ServerSession.Role.READER) {
            throw new Refusal(RtspResponseStatuses.METHOD_NOT_VALID, "Method Not Valid In This State (a publisher "
                    + "cannot PAUSE)");
        }
        if (session.state == ServerSession.State.PLAYING) {
            session.channel.pause(session);
            session.state = ServerSession.State.READY;
        }
        ctx.writeAndFlush(ok(request, session));
    }

    private void teardown(ChannelHandlerContext ctx, FullHttpRequest request) {
        ServerSession session = requireSession(request);
        FullHttpResponse r = ok(request, null);
        endSession(session, "TEARDOWN");
        ctx.writeAndFlush(r);
    }

    private void endSession(ServerSession session, String reason) {
        if (session.state == ServerSession.State.ENDED) {
            return;
        }
        session.state = ServerSession.State.ENDED;
        sessions.remove(session.id);
        interleaved.values().removeIf(r -> r.session == session);
        if (session.channel != null) {
            if (session.role == ServerSession.Role.PUBLISHER) {
                session.channel.publisherLeft("publisher " + reason);
            } else {
                session.channel.removeReader(session);
            }
        }
        if (sessions.isEmpty()) {
            cleanups.forEach(Runnable::run);
            cleanups.clear();
        }
        LOG.debug("RTSP connection {}: {} ended ({})", remote, session, reason);
    }

    /** The channel ended or dropped this session: end it and close the connection (after what is queued). */
    void endSessionFromChannel(ServerSession session, String reason) {
        channel.eventLoop().execute(() -> {
            endSession(session, reason);
            if (sessions.isEmpty()) {
                channel.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    private void checkTimeouts() {
        long now = System.nanoTime();
        long timeout = server.config().sessionTimeout().toNanos();
        for (ServerSession s : new ArrayList<>(sessions.values())) {
            if (s.usesUdp() && now - s.lastActivityNanos > timeout) {
                LOG.info("RTSP connection {}: {} timed out", remote, s);
                endSession(s, "session timeout");
            }
        }
    }
}
