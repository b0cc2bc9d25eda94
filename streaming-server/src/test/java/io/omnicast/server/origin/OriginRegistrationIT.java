package io.omnicast.server.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspException;
import io.omnicast.media.rtsp.RtspResponse;
import io.omnicast.media.sdp.SdpChecksum;
import io.omnicast.proxy.ProxyServer;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import io.omnicast.server.testing.FreePorts;
import io.omnicast.server.testing.SyntheticPublisher;
import io.omnicast.uscp.netty.UscpFrameDecoder;
import io.omnicast.uscp.netty.UscpMessageDecoder;
import io.omnicast.uscp.netty.UscpMessageEncoder;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.Credentials;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Role;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code omnicast server --proxy}: the server registers its published channel with a real in-process proxy as
 * the origin and from then on only placed peers (a proxy ticket for this origin and channel) may pull, except a
 * player on 127.0.0.1. Readers come from 127.0.0.7 through {@link RtspClient.Options#withLocalAddress}.
 */
class OriginRegistrationIT {
    private static final String PASSWORD = "a-long-passphrase";
    private static final String CHANNEL = "tickets";
    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private Path dir;
    private ProxyServer proxy;
    private StreamingServer server;
    private SyntheticPublisher publisher;
    private String url;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("omnicast-origin-it");
        proxy = ProxyServer.start(ProxyConfig.builder().dbPath(dir.resolve("proxy")).topology("hop-count")
                .uscpPort(0).httpPort(0).bindAddress("127.0.0.1").pbkdf2Iterations(10_000)
                .beatInterval(Duration.ofMillis(500)).build());
        proxy.services().accounts().create("origin", PASSWORD, "origin");
        proxy.services().accounts().create("viewer", PASSWORD, "viewer");
        server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(FreePorts.tcp())
                .udpRtpPort(FreePorts.udpPair()).proxy("127.0.0.1:" + proxy.uscpAddress().getPort())
                .originUser("origin").originPassword(PASSWORD).originMaxChildren(4).build());
        url = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/" + CHANNEL;
        publisher = SyntheticPublisher.start(url, true, 10, group, RtspClient.Options.defaults());
        for (int i = 0; i < 25; i++) {
            publisher.sendFrame();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.origin(CHANNEL).map(OriginSession::ticketVerifier).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the server did not log in to the proxy as origin");
            Thread.sleep(20);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Logs a viewer in over USCP and returns the placement the proxy pushes. */
    private ReStreamingConnection placeViewer() throws Exception {
        LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        Channel uscp = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new UscpFrameDecoder(), new UscpMessageDecoder(),
                                new UscpMessageEncoder(), new SimpleChannelInboundHandler<Object>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                        received.add(msg);
                                    }
                                });
                    }
                }).connect(proxy.uscpAddress()).sync().channel();
        try {
            Credentials credentials = new Credentials();
            credentials.setUser("viewer");
            credentials.setPassword(PASSWORD);
            Capacity capacity = new Capacity();
            capacity.setMaxChildren(0);
            capacity.setUplinkKbps(0);
            Login login = new Login();
            login.setRequestId("v-1");
            login.setClientVersion(OriginSession.CLIENT_VERSION);
            login.setCredentials(credentials);
            login.setRole(Role.VIEWER);
            login.getChannel().add(CHANNEL);
            login.setCapacity(capacity);
            uscp.writeAndFlush(login).sync();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                Object message = received.poll(1, TimeUnit.SECONDS);
                if (message instanceof ReStreamingConnection placement) {
                    return placement;
                }
            }
            throw new AssertionError("no placement from the proxy: " + received);
        } finally {
            uscp.close().sync();
        }
    }

    private static RtspClient.Options from(String address) throws Exception {
        return RtspClient.Options.defaults().withLocalAddress(InetAddress.getByName(address));
    }

    /** DESCRIBE, SETUP (TCP), PLAY of the video track; waits for its first packet. */
    private void play(String playUrl, RtspClient.Options options) throws Exception {
        LinkedBlockingQueue<Integer> sizes = new LinkedBlockingQueue<>();
        try (RtspClient c = RtspClient.connect(playUrl, options, group).get(10, TimeUnit.SECONDS)) {
            c.mediaListener((track, packet) -> sizes.add(packet.readableBytes()));
            RtspResponse describe = c.describe().get(10, TimeUnit.SECONDS);
            c.setupTcp(RtspClient.resolveControl(describe.header("Content-Base"), "trackID=0"), 0, false)
                    .get(10, TimeUnit.SECONDS);
            c.play().get(10, TimeUnit.SECONDS);
            assertNotNull(sizes.poll(10, TimeUnit.SECONDS), "no media after PLAY");
        }
    }

    @Test
    void onlyPlacedPeersAndLocalPlayersMayPull() throws Exception {
        String origin = server.origin(CHANNEL).orElseThrow().nodeId();

        ExecutionException refused = assertThrows(ExecutionException.class, () -> {
            try (RtspClient c = RtspClient.connect(url, from("127.0.0.7"), group).get(10, TimeUnit.SECONDS)) {
                c.describe().get(10, TimeUnit.SECONDS);
            }
        });
        RtspException e = (RtspException) refused.getCause();
        assertEquals(401, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("ticket is required from /127.0.0.7"), e.getMessage());

        ExecutionException forged = assertThrows(ExecutionException.class, () -> {
            try (RtspClient c = RtspClient.connect(url + "?ticket=not-a-ticket", from("127.0.0.7"), group)
                    .get(10, TimeUnit.SECONDS)) {
                c.describe().get(10, TimeUnit.SECONDS);
            }
        });
        assertEquals(401, ((RtspException) forged.getCause()).code(), forged.getCause().getMessage());
        assertTrue(forged.getCause().getMessage().contains("ticket refused"), forged.getCause().getMessage());

        ReStreamingConnection placement = placeViewer();
        assertEquals(origin, placement.getParent().getNodeId(), "the proxy placed the viewer under this server");
        assertEquals(url, placement.getParent().getRtspUrl(), "the proxy hands out the advertised RTSP URL");
        play(url + "?ticket=" + URLEncoder.encode(placement.getParent().getTicket(), StandardCharsets.UTF_8),
                from("127.0.0.7"));

        play(url, from("127.0.0.1"));
    }

    @Test
    void joiningViewersGetTheChannelsDescriptionAndPlayRepliesNameItsChecksum() throws Exception {
        String described;
        try (RtspClient c = RtspClient.connect(url, from("127.0.0.1"), group).get(10, TimeUnit.SECONDS)) {
            RtspResponse describe = c.describe().get(10, TimeUnit.SECONDS);
            described = describe.body();
            c.setupTcp(RtspClient.resolveControl(describe.header("Content-Base"), "trackID=0"), 0, false)
                    .get(10, TimeUnit.SECONDS);
            RtspResponse play = c.play().get(10, TimeUnit.SECONDS);
            assertEquals(SdpChecksum.of(described), play.header(SdpChecksum.HEADER));
        }
        assertEquals(described, SdpChecksum.withCrlf(placeViewer().getDescription()),
                "the placement carries what DESCRIBE answers, line for line");

        // the publisher announced a new description: the origin tells the proxy, later placements carry it
        String newer = described.replace("\r\nt=", "\r\ni=announced again\r\nt=");
        server.origin(CHANNEL).orElseThrow().describe(newer);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String placed = placeViewer().getDescription();
        while (!newer.equals(SdpChecksum.withCrlf(placed)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            placed = placeViewer().getDescription();
        }
        assertEquals(newer, SdpChecksum.withCrlf(placed));
    }
}
