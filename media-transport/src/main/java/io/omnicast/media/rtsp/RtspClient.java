package io.omnicast.media.rtsp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.netty.handler.codec.rtsp.RtspVersions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Netty RTSP client for publishing (ANNOUNCE, SETUP mode=record, RECORD) and playing (DESCRIBE, SETUP, PLAY),
 * with RTP over UDP or interleaved on the TCP connection. It authenticates after a 401 (Digest or Basic) with the
 * credentials of the options or of the URL's user info; a {@code ?key=} query stays in the URL as given.
 *
 * <p>Requests are pipelined one at a time (each waits for its reply). Media arrives at the {@link MediaListener},
 * always on the connection's event loop; track {@code n} uses interleaved channels {@code 2n} and {@code 2n+1}.
 * Thread-safe: every method may be called from any thread, including the connection's event loop and the
 * callbacks of the futures it returns: nothing waits there (UDP ports are bound asynchronously too).
 */
public final class RtspClient implements AutoCloseable {
    /**
     * RFC 7826's header that ties requests sent before the session is known to the session the first of them
     * creates; OmniCast's RTSP/1.0 server honours it (with the pipeline's id, decimal).
     */
    public static final String PIPELINED_REQUESTS = "Pipelined-Requests";
    /** The {@code Supported} feature tag with which a server says it honours {@value #PIPELINED_REQUESTS}. */
    public static final String PIPELINED_REQUESTS_FEATURE = "pipelined-requests";
    /** RFC 7826's header listing a server's supported features. */
    public static final String SUPPORTED = "Supported";
    /** Receives the media of the tracks that were set up; the buffers are released after the call returns. */
    public interface MediaListener {
        void onRtp(int track, ByteBuf packet);

        default void onRtcp(int track, ByteBuf packet) {
        }
    }

    /**
     * Client options. {@code localAddress}, when present, is the address the RTSP connection and the UDP media
     * sockets bind to, so the server sees that source address (a peer started with {@code --bind 127.0.0.5}
     * connects out from 127.0.0.5, not from the loopback address relays exempt from tickets).
     */
    public record Options(RtspLimits limits, Optional<RtspAuth.Credentials> credentials, Duration requestTimeout,
            String userAgent, Optional<InetAddress> localAddress) {
        public Options {
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(credentials, "credentials");
            Objects.requireNonNull(localAddress, "localAddress");
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive (was " + requestTimeout + ")");
            }
        }

        /** Options that let the operating system choose the local address. */
        public Options(RtspLimits limits, Optional<RtspAuth.Credentials> credentials, Duration requestTimeout,
                String userAgent) {
            this(limits, credentials, requestTimeout, userAgent, Optional.empty());
        }

        public static Options defaults() {
            return new Options(RtspLimits.defaults(), Optional.empty(), Duration.ofSeconds(10), "OmniCast");
        }

        public Options withCredentials(String user, String password) {
            return new Options(limits, Optional.of(new RtspAuth.Credentials(user, password)), requestTimeout,
                    userAgent, localAddress);
        }

        /** These options with the TCP connection and the UDP media sockets bound to {@code address}. */
        public Options withLocalAddress(InetAddress address) {
            return new Options(limits, credentials, requestTimeout, userAgent,
                    Optional.of(Objects.requireNonNull(address, "address")));
        }
    }

    /**
     * A request waiting to go out or for its reply. {@code pipeline} is 0 for a request sent alone; requests of one
     * pipeline (the same non-zero id) go out back to back, each without waiting for the one before it.
     */
    private record Pending(FullHttpRequest request, CompletableFuture<RtspResponse> result, boolean authRetried,
            int pipeline) {
    }

    /** One track of {@link #setupAndPlay}: its SETUP URL (the SDP's control resolved) and its track index. */
    public record TrackSetup(String controlUrl, int track) {
    }

    private static final class UdpTrack {
        DatagramChannel rtp;
        DatagramChannel rtcp;
        InetSocketAddress serverRtp;
        InetSocketAddress serverRtcp;

        void close() {
            rtp.close();
            rtcp.close();
        }
    }

    private final Channel channel;
    private final String url;
    private final Options options;
    private final Map<Integer, UdpTrack> udpTracks = new HashMap<>();
    /** Port pairs {@link #bindUdpAhead} bound for tracks before their SETUP; a SETUP over UDP takes its track's. */
    private final Map<Integer, CompletableFuture<UdpTrack>> boundAhead = new ConcurrentHashMap<>();
    private final Queue<Pending> queue = new ArrayDeque<>();
    /** Sent and not answered yet, oldest first: a server answers in the order of the requests (RFC 2326 9.1). */
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private int cseq;
    private int pipelines;
    private volatile String session;
    private String challenge;
    private volatile MediaListener mediaListener = (track, packet) -> { };
    private ScheduledFuture<?> keepAlive;

    private RtspClient(Channel channel, String url, Options options) {
        this.channel = channel;
        this.url = url;
        this.options = options;
    }

    /** Connects to the host of {@code url}; user info in the URL becomes the credentials and leaves the URL. */
    public static CompletableFuture<RtspClient> connect(String url, Options options, EventLoopGroup group) {
        URI uri = URI.create(url);
        int port = uri.getPort() < 0 ? 554 : uri.getPort();
        Options effective = options;
        String requestUrl = url;
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            String user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
            String pass = colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
            if (options.credentials().isEmpty()) {
                effective = options.withCredentials(user, pass);
            }
            requestUrl = url.replace(info + "@", "");
        }
        CompletableFuture<RtspClient> result = new CompletableFuture<>();
        Options finalOptions = effective;
        String finalUrl = requestUrl;
        RtspClient[] holder = new RtspClient[1];
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) finalOptions.requestTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        RtspCodecs.addCodec(ch.pipeline(), finalOptions.limits());
                        holder[0] = new RtspClient(ch, finalUrl, finalOptions);
                        ch.pipeline().addLast("rtsp-client", holder[0].new Handler());
                    }
                });
        InetSocketAddress remote = InetSocketAddress.createUnresolved(uri.getHost(), port);
        ChannelFuture connecting = finalOptions.localAddress().isPresent()
                ? b.connect(remote, new InetSocketAddress(finalOptions.localAddress().get(), 0))
                : b.connect(remote);
        connecting.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                result.complete(holder[0]);
            } else {
                result.completeExceptionally(new RtspException("cannot connect to " + uri.getHost() + ":" + port
                        + finalOptions.localAddress().map(a -> " from " + a.getHostAddress()).orElse(""), f.cause()));
            }
        });
        return result;
    }

    /** The request URL (without user info). */
    public String url() {
        return url;
    }

    public Channel channel() {
        return channel;
    }

    /** The session id the server gave in SETUP, or null. */
    public String session() {
        return session;
    }

    public void mediaListener(MediaListener listener) {
        this.mediaListener = Objects.requireNonNull(listener, "listener");
    }

    public CompletableFuture<RtspResponse> options() {
        return request(RtspMethods.OPTIONS, url, null, null, null);
    }

    public CompletableFuture<RtspResponse> describe() {
        return request(RtspMethods.DESCRIBE, url, Map.of(RtspHeaderNames.ACCEPT, "application/sdp"), null, null);
    }

    public CompletableFuture<RtspResponse> announce(String sdp) {
        return request(RtspMethods.ANNOUNCE, url, null, "application/sdp", sdp);
    }

    /** SETUP of {@code track} at {@code controlUrl} interleaved on channels 2*track, 2*track+1. */
    public CompletableFuture<RtspResponse> setupTcp(String controlUrl, int track, boolean record) {
        RtspTransport.Builder t = RtspTransport.builder().lower(RtspTransport.Lower.TCP)
                .interleaved(new RtspTransport.Pair(2 * track, 2 * track + 1));
        if (record) {
            t.mode("record");
        }
        return request(RtspMethods.SETUP, controlUrl, Map.of(RtspHeaderNames.TRANSPORT, t.build().format()), null,
                null);
    }

    /**
     * SETUP of {@code track} over UDP: binds an even RTP port and the next one for RTCP, offers them as
     * {@code client_port}, and sends to the {@code server_port} of the reply.
     */
    public CompletableFuture<RtspResponse> setupUdp(String controlUrl, int track, boolean record) {
        return bindUdpPair(track).thenCompose(udp -> sendUdpSetup(controlUrl, track, record, udp, 0));
    }

    private CompletableFuture<RtspResponse> sendUdpSetup(String controlUrl, int track, boolean record, UdpTrack udp,
            int pipeline) {
        RtspTransport.Builder t = RtspTransport.builder().lower(RtspTransport.Lower.UDP).clientPorts(
                new RtspTransport.Pair(udp.rtp.localAddress().getPort(), udp.rtcp.localAddress().getPort()));
        if (record) {
            t.mode("record");
        }
        return request(RtspMethods.SETUP, controlUrl, Map.of(RtspHeaderNames.TRANSPORT, t.build().format()), null,
                null, pipeline).thenApply(r -> {
                    RtspTransport reply = RtspTransport.parse(r.header(RtspHeaderNames.TRANSPORT));
                    if (reply.serverPorts() == null) {
                        throw new RtspException("SETUP reply without server_port: " + reply, 461);
                    }
                    InetSocketAddress server = (InetSocketAddress) channel.remoteAddress();
                    udp.serverRtp = new InetSocketAddress(server.getAddress(), reply.serverPorts().rtp());
                    udp.serverRtcp = new InetSocketAddress(server.getAddress(), reply.serverPorts().rtcp());
                    synchronized (udpTracks) {
                        udpTracks.put(track, udp);
                    }
                    return r;
                });
    }

    private CompletableFuture<RtspResponse> sendTcpSetup(String controlUrl, int track, int pipeline) {
        RtspTransport t = RtspTransport.builder().lower(RtspTransport.Lower.TCP)
                .interleaved(new RtspTransport.Pair(2 * track, 2 * track + 1)).build();
        return request(RtspMethods.SETUP, controlUrl, Map.of(RtspHeaderNames.TRANSPORT, t.format()), null, null,
                pipeline);
    }

    /**
     * A reader's whole set-up in one round trip: the SETUP of every track and the PLAY go out back to back, as one
     * pipeline (RFC 2326 9.1), and the server ties the requests sent before it named the session to the session the
     * first SETUP creates through their {@value #PIPELINED_REQUESTS} header (RFC 7826 18.33). Only for a server that
     * said it supports this ({@link #supportsPipelinedRequests}); over UDP the port pairs are bound first. The PLAY
     * reply, or the first failure among the replies.
     *
     * @param playHeaders extra PLAY headers (Range, a resume point)
     */
    public CompletableFuture<RtspResponse> setupAndPlay(List<TrackSetup> tracks, boolean tcp,
            Map<CharSequence, String> playHeaders) {
        if (tracks.isEmpty()) {
            throw new IllegalArgumentException("no track to set up");
        }
        CompletableFuture<List<UdpTrack>> bound = CompletableFuture.completedFuture(new ArrayList<>());
        if (!tcp) {
            for (TrackSetup t : tracks) {
                bound = bound.thenCompose(list -> bindUdpPair(t.track()).thenApply(udp -> {
                    list.add(udp);
                    return list;
                }));
            }
        }
        return bound.thenCompose(udps -> {
            CompletableFuture<RtspResponse> all = new CompletableFuture<>();
            // Queued in one task on the loop, so nothing else gets between the pipeline's requests.
            channel.eventLoop().execute(() -> {
                int pipeline = ++pipelines;
                List<CompletableFuture<RtspResponse>> setups = new ArrayList<>();
                for (int i = 0; i < tracks.size(); i++) {
                    TrackSetup t = tracks.get(i);
                    setups.add(tcp ? sendTcpSetup(t.controlUrl(), t.track(), pipeline)
                            : sendUdpSetup(t.controlUrl(), t.track(), false, udps.get(i), pipeline));
                }
                CompletableFuture<RtspResponse> play = request(RtspMethods.PLAY, url, playHeaders, null, null,
                        pipeline);
                CompletableFuture.allOf(setups.toArray(CompletableFuture[]::new)).thenCombine(play, (v, r) -> r)
                        .whenComplete((r, failure) -> {
                            if (failure != null) {
                                all.completeExceptionally(failureOf(failure));
                            } else {
                                all.complete(r);
                            }
                        });
            });
            return all;
        });
    }

    /**
     * The error behind a failed future of this client (or one composed from them), without the
     * {@link CompletionException} wrappers that composition adds: an {@link RtspException} with its status code, or
     * what closed the connection.
     */
    public static Throwable failureOf(Throwable failure) {
        Throwable e = failure;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * True when {@code reply} (of DESCRIBE or OPTIONS) says the server supports {@link #setupAndPlay}: its
     * {@code Supported} header names {@value #PIPELINED_REQUESTS_FEATURE}.
     */
    public static boolean supportsPipelinedRequests(RtspResponse reply) {
        String supported = reply.header(SUPPORTED);
        if (supported == null) {
            return false;
        }
        for (String tag : supported.split(",")) {
            if (tag.trim().equalsIgnoreCase(PIPELINED_REQUESTS_FEATURE)) {
                return true;
            }
        }
        return false;
    }

    public CompletableFuture<RtspResponse> play() {
        return request(RtspMethods.PLAY, url, Map.of(RtspHeaderNames.RANGE, "npt=0.000-"), null, null);
    }

    public CompletableFuture<RtspResponse> record() {
        return request(RtspMethods.RECORD, url, Map.of(RtspHeaderNames.RANGE, "npt=0.000-"), null, null);
    }

    public CompletableFuture<RtspResponse> pause() {
        return request(RtspMethods.PAUSE, url, null, null, null);
    }

    public CompletableFuture<RtspResponse> getParameter() {
        return request(RtspMethods.GET_PARAMETER, url, null, null, null);
    }

    public CompletableFuture<RtspResponse> teardown() {
        return request(RtspMethods.TEARDOWN, url, null, null, null);
    }

    /** Sends GET_PARAMETER every {@code period} so the server keeps a UDP session alive. */
    public void startKeepAlive(Duration period) {
        channel.eventLoop().execute(() -> {
            if (keepAlive == null) {
                keepAlive = channel.eventLoop().scheduleAtFixedRate(this::getParameter, period.toMillis(),
                        period.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Sends an RTP packet of {@code track} over whatever SETUP chose; takes ownership of {@code packet}. */
    public void sendRtp(int track, ByteBuf packet) {
        send(track, packet, false);
    }

    /** Sends an RTCP packet of {@code track}; takes ownership of {@code packet}. */
    public void sendRtcp(int track, ByteBuf packet) {
        send(track, packet, true);
    }

    private void send(int track, ByteBuf packet, boolean rtcp) {
        UdpTrack udp;
        synchronized (udpTracks) {
            udp = udpTracks.get(track);
        }
        if (udp == null) {
            channel.writeAndFlush(new InterleavedFrame(2 * track + (rtcp ? 1 : 0), packet));
        } else if (rtcp) {
            udp.rtcp.writeAndFlush(new DatagramPacket(packet, udp.serverRtcp));
        } else {
            udp.rtp.writeAndFlush(new DatagramPacket(packet, udp.serverRtp));
        }
    }

    /** Sends a request with CSeq, Session and, after a 401, Authorization; completes exceptionally on non-2xx. */
    public CompletableFuture<RtspResponse> request(HttpMethod method, String uri, Map<CharSequence, String> headers,
            String contentType, String body) {
        return request(method, uri, headers, contentType, body, 0);
    }

    private CompletableFuture<RtspResponse> request(HttpMethod method, String uri, Map<CharSequence, String> headers,
            String contentType, String body, int pipeline) {
        FullHttpRequest request = new DefaultFullHttpRequest(RtspVersions.RTSP_1_0, method, uri,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        if (headers != null) {
            headers.forEach((k, v) -> request.headers().set(k, v));
        }
        if (body != null) {
            request.headers().set(RtspHeaderNames.CONTENT_TYPE, contentType);
        }
        request.headers().set(RtspHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
        request.headers().set(RtspHeaderNames.USER_AGENT, options.userAgent());
        CompletableFuture<RtspResponse> result = new CompletableFuture<>();
        Pending p = new Pending(request, result, false, pipeline);
        if (channel.eventLoop().inEventLoop()) {
            enqueue(p);
        } else {
            channel.eventLoop().execute(() -> enqueue(p));
        }
        return result;
    }

    private void enqueue(Pending p) {
        if (!channel.isActive()) {
            p.request.release();
            p.result.completeExceptionally(new RtspException("connection to " + url + " is closed", -1));
            return;
        }
        queue.add(p);
        sendNext();
    }

    /**
     * Sends what may go now: the next request once nothing is in flight, and every request of the pipeline in
     * flight right behind it.
     */
    private void sendNext() {
        while (!queue.isEmpty()) {
            Pending next = queue.peek();
            Pending last = inFlight.peekLast();
            if (last != null && (next.pipeline == 0 || next.pipeline != last.pipeline)) {
                return;
            }
            send(queue.poll());
        }
    }

    private void send(Pending sent) {
        inFlight.add(sent);
        FullHttpRequest r = sent.request;
        r.headers().set(RtspHeaderNames.CSEQ, ++cseq);
        if (session != null) {
            r.headers().set(RtspHeaderNames.SESSION, session);
        } else if (sent.pipeline != 0) {
            r.headers().set(PIPELINED_REQUESTS, Integer.toString(sent.pipeline));
        }
        if (challenge != null && options.credentials().isPresent()) {
            r.headers().set(RtspHeaderNames.AUTHORIZATION, RtspAuth.authorization(challenge,
                    options.credentials().get(), r.method().name(), r.uri()));
        }
        channel.writeAndFlush(r.retainedDuplicate()).addListener(f -> {
            if (!f.isSuccess()) {
                fail(sent, new RtspException(r.method() + " " + r.uri() + " could not be sent", f.cause()));
            }
        });
        channel.eventLoop().schedule(() -> {
            if (inFlight.contains(sent)) {
                fail(sent, new RtspException(r.method() + " " + r.uri() + ": no reply within "
                        + options.requestTimeout().toMillis() + " ms", -1));
                channel.close();
            }
        }, options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fail(Pending p, RuntimeException e) {
        inFlight.remove(p);
        if (p.request.refCnt() > 0) {
            p.request.release();
        }
        p.result.completeExceptionally(e);
        sendNext();
    }

    private void onResponse(FullHttpResponse response) {
        Pending p = inFlight.poll();
        if (p == null) {
            return; // a reply nobody waits for (e.g. after a timeout)
        }
        RtspResponse copy = RtspResponse.copyOf(response);
        if (copy.code() == 401 && !p.authRetried && p.pipeline == 0 && options.credentials().isPresent()) {
            String digest = null;
            String basic = null;
            for (String c : response.headers().getAll(RtspHeaderNames.WWW_AUTHENTICATE)) {
                if (c.regionMatches(true, 0, "Digest", 0, 6)) {
                    digest = c;
                } else if (c.regionMatches(true, 0, "Basic", 0, 5)) {
                    basic = c;
                }
            }
            challenge = digest != null ? digest : basic;
            if (challenge != null) {
                queue.add(new Pending(p.request, p.result, true, 0));
                sendNext();
                return;
            }
        }
        p.request.release();
        if (copy.isSuccess()) {
            String s = copy.header(RtspHeaderNames.SESSION);
            if (s != null) {
                session = RtspSessionHeader.parse(s).id();
            }
            p.result.complete(copy);
        } else {
            p.result.completeExceptionally(new RtspException(p.request.method() + " " + p.request.uri() + " failed: "
                    + copy.code() + " " + copy.reason(), copy.code()));
        }
        sendNext();
    }

    /**
     * Binds an even RTP port and the next one for RTCP on the connection's local address, without waiting: the
     * binds complete on the event loop, so this may be called from a reply callback on that loop.
     */
    /**
     * Binds the datagram port pairs of tracks 0 to {@code tracks - 1} now, one pair after the other, so that their
     * SETUPs over UDP find them ready: called while a DESCRIBE is under way, the binding overlaps its round trip
     * instead of following it. A pair no SETUP takes is closed with the connection; a pair that could not be bound
     * is bound again at its SETUP.
     */
    public void bindUdpAhead(int tracks) {
        CompletableFuture<?> previous = CompletableFuture.completedFuture(null);
        for (int t = 0; t < tracks; t++) {
            int track = t;
            CompletableFuture<UdpTrack> pair = previous.handle((r, e) -> track).thenCompose(this::newUdpPair);
            if (boundAhead.putIfAbsent(track, pair) != null) {
                pair.thenAccept(UdpTrack::close);
            }
            previous = pair;
        }
    }

    /** The RTP port bound ahead for {@code track} (for tests): waits for the binding. */
    int rtpPortBoundAhead(int track) {
        return boundAhead.get(track).join().rtp.localAddress().getPort();
    }

    private CompletableFuture<UdpTrack> bindUdpPair(int track) {
        CompletableFuture<UdpTrack> ahead = boundAhead.remove(track);
        return ahead == null ? newUdpPair(track) : ahead.exceptionallyCompose(e -> newUdpPair(track));
    }

    private CompletableFuture<UdpTrack> newUdpPair(int track) {
        CompletableFuture<UdpTrack> result = new CompletableFuture<>();
        bindUdpPair(track, 0, result);
        return result;
    }

    private void bindUdpPair(int track, int attempt, CompletableFuture<UdpTrack> result) {
        if (attempt >= 50) {
            result.completeExceptionally(new RtspException("could not bind an even/odd UDP port pair for track "
                    + track, -1));
            return;
        }
        Bootstrap b = new Bootstrap().group(channel.eventLoop()).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 1 << 20);
        InetAddress local = ((InetSocketAddress) channel.localAddress()).getAddress();
        b.handler(new UdpHandler(track, false)).bind(local, 0).addListener((ChannelFuture rtpBound) -> {
            if (!rtpBound.isSuccess()) {
                result.completeExceptionally(new RtspException("cannot bind a UDP port on " + local.getHostAddress()
                        + " for track " + track, rtpBound.cause()));
                return;
            }
            DatagramChannel rtp = (DatagramChannel) rtpBound.channel();
            int port = rtp.localAddress().getPort();
            if (port % 2 != 0 || port == 65534) {
                rtp.close();
                bindUdpPair(track, attempt + 1, result);
                return;
            }
            b.handler(new UdpHandler(track, true)).bind(local, port + 1).addListener((ChannelFuture rtcpBound) -> {
                if (!rtcpBound.isSuccess()) {
                    rtp.close();
                    bindUdpPair(track, attempt + 1, result);
                    return;
                }
                UdpTrack t = new UdpTrack();
                t.rtp = rtp;
                t.rtcp = (DatagramChannel) rtcpBound.channel();
                channel.closeFuture().addListener(f -> t.close());
                result.complete(t);
            });
        });
    }

    /** Closes the connection (and its UDP sockets) without waiting; completes when it is closed. */
    public CompletableFuture<Void> closeAsync() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.close().addListener(f -> closed.complete(null));
        return closed;
    }

    /** Closes the connection; waits for it unless called on the connection's own event loop (never blocks there). */
    @Override
    public void close() {
        if (channel.eventLoop().inEventLoop()) {
            channel.close();
        } else {
            channel.close().syncUninterruptibly();
        }
    }

    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final int track;
        private final boolean rtcp;

        UdpHandler(int track, boolean rtcp) {
            this.track = track;
            this.rtcp = rtcp;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (rtcp) {
                mediaListener.onRtcp(track, packet.content());
            } else {
                mediaListener.onRtp(track, packet.content());
            }
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FullHttpResponse response) {
                onResponse(response);
            } else if (msg instanceof InterleavedFrame frame) {
                int track = frame.channel() / 2;
                if (frame.channel() % 2 == 0) {
                    mediaListener.onRtp(track, frame.content());
                } else {
                    mediaListener.onRtcp(track, frame.content());
                }
            }
            // a request from the server (e.g. GET_PARAMETER) is not answered: RTSP servers rarely send any
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (keepAlive != null) {
                keepAlive.cancel(false);
            }
            RtspException closed = new RtspException("connection to " + url + " closed", -1);
            while (!inFlight.isEmpty()) {
                fail(inFlight.peek(), closed);
            }
            while (!queue.isEmpty()) {
                fail(queue.poll(), closed);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Resolves an SDP {@code a=control} against the base URL the way RFC 2326 C.1.1 and real clients do. */
    public static String resolveControl(String baseUrl, String control) {
        if (control == null || control.isEmpty() || control.equals("*")) {
            return baseUrl;
        }
        if (control.regionMatches(true, 0, "rtsp://", 0, 7)) {
            return control;
        }
        return baseUrl.endsWith("/") ? baseUrl + control : baseUrl + "/" + control;
    }

}
