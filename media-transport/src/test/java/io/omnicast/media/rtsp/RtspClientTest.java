package io.omnicast.media.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a scripted RTSP server on loopback: auth retry, CSeq, Session, interleaved media both ways. */
class RtspClientTest {
    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final List<FullHttpRequest> seen = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<InterleavedFrame> framesAtServer = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        seen.forEach(FullHttpRequest::release);
        framesAtServer.forEach(InterleavedFrame::release);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Refuses the first ANNOUNCE with a Digest challenge; afterwards accepts everything with a session. */
    private Channel startServer() throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        RtspCodecs.addCodec(ch.pipeline(), RtspLimits.defaults());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof InterleavedFrame f) {
                                    framesAtServer.add(f.retain());
                                    return;
                                }
                                FullHttpRequest r = ((FullHttpRequest) msg).retain();
                                seen.add(r);
                                String auth = r.headers().get(RtspHeaderNames.AUTHORIZATION);
                                if (r.method().name().equals("ANNOUNCE") && !RtspAuth.verify(auth, "ANNOUNCE",
                                        "test", "n0nce", "secret")) {
                                    FullHttpResponse res = RtspResponses.response(r, HttpResponseStatus.UNAUTHORIZED,
                                            null);
                                    for (String c : RtspAuth.challenges("test", "n0nce")) {
                                        res.headers().add(RtspHeaderNames.WWW_AUTHENTICATE, c);
                                    }
                                    ctx.writeAndFlush(res);
                                    return;
                                }
                                FullHttpResponse res = RtspResponses.response(r, HttpResponseStatus.OK, null);
                                res.headers().set(RtspHeaderNames.SESSION, "abcdef12;timeout=30");
                                if (r.method().name().equals("SETUP")) {
                                    res.headers().set(RtspHeaderNames.TRANSPORT,
                                            r.headers().get(RtspHeaderNames.TRANSPORT));
                                }
                                ctx.writeAndFlush(res);
                                if (r.method().name().equals("RECORD")) {
                                    ctx.writeAndFlush(new InterleavedFrame(1, Unpooled.wrappedBuffer(new byte[] {9})));
                                }
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @Test
    void publishesWithDigestCredentialsFromTheUrlAndExchangesInterleavedFrames() throws Exception {
        Channel server = startServer();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        LinkedBlockingQueue<Integer> rtcpAtClient = new LinkedBlockingQueue<>();
        try (RtspClient client = RtspClient.connect("rtsp://user:secret@127.0.0.1:" + port + "/live/a",
                RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS)) {
            client.mediaListener(new RtspClient.MediaListener() {
                @Override
                public void onRtp(int track, ByteBuf packet) {
                }

                @Override
                public void onRtcp(int track, ByteBuf packet) {
                    rtcpAtClient.add((int) packet.getUnsignedByte(packet.readerIndex()));
                }
            });
            assertEquals("rtsp://127.0.0.1:" + port + "/live/a", client.url(), "user info leaves the request URL");
            client.announce("v=0\r\n").get(5, TimeUnit.SECONDS);
            client.setupTcp(client.url() + "/streamid=0", 0, true).get(5, TimeUnit.SECONDS);
            assertEquals("abcdef12", client.session());
            client.record().get(5, TimeUnit.SECONDS);
            client.sendRtp(0, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 96, 0, 1}));
            InterleavedFrame frame = framesAtServer.poll(5, TimeUnit.SECONDS);
            assertEquals(0, frame.channel());
            frame.release();
            assertEquals(9, rtcpAtClient.poll(5, TimeUnit.SECONDS));
        }
        // ANNOUNCE (401), ANNOUNCE with Digest, SETUP, RECORD
        assertEquals(List.of("ANNOUNCE", "ANNOUNCE", "SETUP", "RECORD"),
                seen.stream().map(r -> r.method().name()).toList());
        assertTrue(seen.get(1).headers().get(RtspHeaderNames.AUTHORIZATION).startsWith("Digest username=\"user\""));
        assertEquals("v=0\r\n", seen.get(1).content().toString(java.nio.charset.StandardCharsets.UTF_8),
                "the retried ANNOUNCE carries its body again");
        assertEquals(List.of("1", "2", "3", "4"), seen.stream().map(r -> r.headers().get(RtspHeaderNames.CSEQ)).toList());
        assertEquals("abcdef12", seen.get(3).headers().get(RtspHeaderNames.SESSION));
        assertTrue(seen.get(2).headers().get(RtspHeaderNames.TRANSPORT).contains("interleaved=0-1;mode=record"));
        server.close().sync();
    }

    @Test
    void aRefusalCompletesExceptionallyWithTheStatus() throws Exception {
        Channel server = startServer();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (RtspClient client = RtspClient.connect("rtsp://127.0.0.1:" + port + "/live/a",
                RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS)) {
            java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> client.announce("v=0\r\n").get(5,
                            TimeUnit.SECONDS));
            assertEquals(401, ((RtspException) e.getCause()).code());
        }
        server.close().sync();
    }

    /** A peer started with --bind 127.0.0.5 must reach its parent from 127.0.0.5: tickets are checked by source. */
    @Test
    void connectsAndSendsMediaFromTheBoundLocalAddress() throws Exception {
        java.net.InetAddress local = java.net.InetAddress.getByName("127.0.0.5");
        LinkedBlockingQueue<InetSocketAddress> rtspSources = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<InetSocketAddress> udpSources = new LinkedBlockingQueue<>();
        Channel udpServer = new io.netty.bootstrap.Bootstrap().group(group)
                .channel(io.netty.channel.socket.nio.NioDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<io.netty.channel.socket.DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, io.netty.channel.socket.DatagramPacket p) {
                        udpSources.add(p.sender());
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int udpPort = ((InetSocketAddress) udpServer.localAddress()).getPort();
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        rtspSources.add(ch.remoteAddress());
                        RtspCodecs.addCodec(ch.pipeline(), RtspLimits.defaults());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest r) {
                                FullHttpResponse res = RtspResponses.response(r, HttpResponseStatus.OK, null);
                                res.headers().set(RtspHeaderNames.SESSION, "b0und");
                                if (r.method().name().equals("SETUP")) {
                                    res.headers().set(RtspHeaderNames.TRANSPORT, r.headers().get(
                                            RtspHeaderNames.TRANSPORT) + ";server_port=" + udpPort + "-"
                                            + (udpPort + 1));
                                }
                                ctx.writeAndFlush(res);
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (RtspClient client = RtspClient.connect("rtsp://127.0.0.1:" + port + "/live/a",
                RtspClient.Options.defaults().withLocalAddress(local), group).get(5, TimeUnit.SECONDS)) {
            assertEquals(local, rtspSources.poll(5, TimeUnit.SECONDS).getAddress(), "RTSP connection source");
            client.setupUdp(client.url() + "/trackID=0", 0, false).get(5, TimeUnit.SECONDS);
            client.sendRtp(0, Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 96, 0, 1}));
            assertEquals(local, udpSources.poll(5, TimeUnit.SECONDS).getAddress(), "RTP datagram source");
        }
        server.close().sync();
        udpServer.close().sync();
    }

    /**
     * Regression: setupUdp bound its ports with a blocking sync, which Netty refuses on the event loop where
     * replies complete (BlockingOperationException), so callers had to hop threads before SETUP.
     */
    @Test
    void setsUpUdpFromAReplyCallbackOnTheEventLoop() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        RtspCodecs.addCodec(ch.pipeline(), RtspLimits.defaults());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest r) {
                                FullHttpResponse res = RtspResponses.response(r, HttpResponseStatus.OK, null);
                                res.headers().set(RtspHeaderNames.SESSION, "l00p");
                                if (r.method().name().equals("SETUP")) {
                                    res.headers().set(RtspHeaderNames.TRANSPORT, r.headers().get(
                                            RtspHeaderNames.TRANSPORT) + ";server_port=40000-40001");
                                }
                                ctx.writeAndFlush(res);
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        List<Boolean> onLoop = new CopyOnWriteArrayList<>();
        try (RtspClient client = RtspClient.connect("rtsp://127.0.0.1:" + port + "/live/a",
                RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS)) {
            // The chain is built on the event loop, so OPTIONS cannot be answered before its callback is attached:
            // built on the test thread, a fast reply would run the first callback here instead of on the loop.
            RtspResponse played = client.channel().eventLoop().submit(() -> client.options().thenCompose(r -> {
                onLoop.add(client.channel().eventLoop().inEventLoop());
                return client.setupUdp(client.url() + "/trackID=0", 0, false);
            }).thenCompose(r -> {
                onLoop.add(client.channel().eventLoop().inEventLoop());
                return client.setupUdp(client.url() + "/trackID=1", 1, false);
            }).thenCompose(r -> client.play())).get(5, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
            assertEquals(200, played.code());
            assertEquals(List.of(true, true), onLoop, "SETUP was called from the event loop");
            assertEquals("l00p", client.session());
        }
        server.close().sync();
    }

    /**
     * A scripted server that answers DESCRIBE at once, then nothing until it holds {@code hold} requests, then
     * answers them in order, and everything after at once: the first SETUP creates session "p1pe" (or is refused
     * with {@code firstSetupStatus}), later requests find it through their Pipelined-Requests id or the session.
     */
    private Channel pipelineServer(int hold, HttpResponseStatus firstSetupStatus) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        RtspCodecs.addCodec(ch.pipeline(), RtspLimits.defaults());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpRequest>() {
                            private final List<FullHttpRequest> held = new java.util.ArrayList<>();
                            private String pipeline;
                            private boolean created;

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest r) {
                                seen.add(r.retain());
                                if (r.method().name().equals("DESCRIBE")) {
                                    FullHttpResponse res = RtspResponses.response(r, HttpResponseStatus.OK, null);
                                    res.headers().set(RtspClient.SUPPORTED, "play.basic, pipelined-requests");
                                    ctx.writeAndFlush(res);
                                    return;
                                }
                                held.add(r);
                                if (held.size() < hold && pipeline == null) {
                                    return;
                                }
                                for (FullHttpRequest h : held) {
                                    String id = h.headers().get(RtspClient.PIPELINED_REQUESTS);
                                    boolean first = pipeline == null;
                                    if (first) {
                                        pipeline = id;
                                        created = firstSetupStatus.code() == 200;
                                    }
                                    boolean known = created && ((id != null && id.equals(pipeline))
                                            || "p1pe".equals(h.headers().get(RtspHeaderNames.SESSION)));
                                    HttpResponseStatus status = first ? firstSetupStatus : known
                                            ? HttpResponseStatus.OK : HttpResponseStatus.valueOf(454);
                                    FullHttpResponse res = RtspResponses.response(h, status, null);
                                    if (status.code() == 200) {
                                        res.headers().set(RtspHeaderNames.SESSION, "p1pe");
                                    }
                                    if (h.method().name().equals("SETUP")) {
                                        res.headers().set(RtspHeaderNames.TRANSPORT, h.headers().get(
                                                RtspHeaderNames.TRANSPORT) + ";server_port=40000-40001");
                                    }
                                    ctx.write(res);
                                }
                                ctx.flush();
                                held.clear();
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @Test
    void setsUpEveryTrackAndPlaysInOneRoundTripWhenTheServerSupportsPipelinedRequests() throws Exception {
        Channel server = pipelineServer(3, HttpResponseStatus.OK);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        for (boolean tcp : new boolean[] {false, true}) {
            seen.forEach(FullHttpRequest::release);
            seen.clear();
            try (RtspClient client = RtspClient.connect("rtsp://127.0.0.1:" + port + "/live/a",
                    RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS)) {
                RtspResponse described = client.describe().get(5, TimeUnit.SECONDS);
                assertTrue(RtspClient.supportsPipelinedRequests(described));
                // the server answers only once it holds all three: sent one by one, this would never complete
                RtspResponse played = client.setupAndPlay(List.of(new RtspClient.TrackSetup(client.url()
                        + "/trackID=0", 0), new RtspClient.TrackSetup(client.url() + "/trackID=1", 1)), tcp,
                        java.util.Map.of(RtspHeaderNames.RANGE, "npt=0.000-")).get(5, TimeUnit.SECONDS);
                assertEquals(200, played.code());
                assertEquals("p1pe", client.session());
                // the session's next request (a keep-alive) names it
                client.getParameter().get(5, TimeUnit.SECONDS);
            }
            assertEquals(List.of("DESCRIBE", "SETUP", "SETUP", "PLAY", "GET_PARAMETER"),
                    seen.stream().map(r -> r.method().name()).toList(), tcp ? "TCP" : "UDP");
            String id = seen.get(1).headers().get(RtspClient.PIPELINED_REQUESTS);
            assertTrue(id != null && id.matches("[0-9]{1,8}"), "pipeline id " + id);
            for (int i = 1; i <= 3; i++) {
                assertEquals(id, seen.get(i).headers().get(RtspClient.PIPELINED_REQUESTS), "request " + i);
                assertEquals(null, seen.get(i).headers().get(RtspHeaderNames.SESSION), "request " + i);
            }
            assertEquals(List.of("2", "3", "4"), seen.subList(1, 4).stream()
                    .map(r -> r.headers().get(RtspHeaderNames.CSEQ)).toList());
            assertTrue(seen.get(2).headers().get(RtspHeaderNames.TRANSPORT).contains(tcp ? "interleaved=2-3"
                    : "client_port="), seen.get(2).headers().get(RtspHeaderNames.TRANSPORT));
            assertEquals("p1pe", seen.get(4).headers().get(RtspHeaderNames.SESSION));
        }
        server.close().sync();
    }

    @Test
    void theSetupsOverUdpTakeThePortPairsBoundAheadDuringTheDescribe() throws Exception {
        Channel server = pipelineServer(3, HttpResponseStatus.OK);
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (RtspClient client = RtspClient.connect("rtsp://127.0.0.1:" + port + "/live/a",
                RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS)) {
            CompletableFuture<RtspResponse> describing = client.describe();
            client.bindUdpAhead(3); // one more than the stream has: the spare pair is closed with the connection
            List<Integer> ahead = List.of(client.rtpPortBoundAhead(0), client.rtpPortBoundAhead(1));
            assertTrue(RtspClient.supportsPipelinedRequests(describing.get(5, TimeUnit.SECONDS)));
            RtspResponse played = client.setupAndPlay(List.of(new RtspClient.TrackSetup(client.url() + "/trackID=0",
                    0), new RtspClient.TrackSetup(client.url() + "/trackID=1", 1)), false,
                    java.util.Map.of(RtspHeaderNames.RANGE, "npt=0.000-")).get(5, TimeUnit.SECONDS);
            assertEquals(200, played.code());
            for (int track = 0; track < 2; track++) {
                int rtp = ahead.get(track);
                assertEquals(0, rtp % 2, "an even RTP port");
                assertTrue(seen.get(1 + track).headers().get(RtspHeaderNames.TRANSPORT).contains("client_port="
                        + rtp + "-" + (rtp + 1)), seen.get(1 + track).headers().get(RtspHeaderNames.TRANSPORT));
            }
        }
        assertEquals(List.of("DESCRIBE", "SETUP", "SETUP", "PLAY"), seen.stream().map(r -> r.method().name())
                .toList());
        server.close().sync();
    }

    @Test
    void aRefusedFirstSetupFailsTheWholePipelineWithItsStatus() throws Exception {
        Channel server = pipelineServer(2, HttpResponseStatus.valueOf(453));
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        try (RtspClient client = RtspClient.connect("rtsp://127.0.0.1:" + port + "/live/a",
                RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS)) {
            java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> client.setupAndPlay(List.of(
                            new RtspClient.TrackSetup(client.url() + "/trackID=0", 0)), true, java.util.Map.of())
                            .get(5, TimeUnit.SECONDS));
            assertEquals(453, ((RtspException) e.getCause()).code(), e.getCause().toString());
            org.junit.jupiter.api.Assertions.assertNull(client.session(), "a refused SETUP names no session");
        }
        assertEquals(List.of("SETUP", "PLAY"), seen.stream().map(r -> r.method().name()).toList());
        server.close().sync();
    }

    @Test
    void onlyAServerNamingTheFeatureTagIsOfferedPipelines() {
        io.netty.handler.codec.http.HttpHeaders headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
        assertEquals(false, RtspClient.supportsPipelinedRequests(new RtspResponse(200, "OK", headers, "")));
        headers.set(RtspClient.SUPPORTED, "play.basic, setup.rtp.rtsp20");
        assertEquals(false, RtspClient.supportsPipelinedRequests(new RtspResponse(200, "OK", headers, "")));
        headers.set(RtspClient.SUPPORTED, "play.basic,Pipelined-Requests ");
        assertEquals(true, RtspClient.supportsPipelinedRequests(new RtspResponse(200, "OK", headers, "")));
    }
}
