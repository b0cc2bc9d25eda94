package io.omnicast.peer.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.omnicast.uscp.UscpMessages;
import io.omnicast.uscp.netty.UscpFrameDecoder;
import io.omnicast.uscp.netty.UscpMessageDecoder;
import io.omnicast.uscp.netty.UscpMessageEncoder;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.Logout;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.v1.Parent;
import io.omnicast.uscp.v1.PlacementReason;
import io.omnicast.uscp.v1.ProxyKey;
import io.omnicast.uscp.v1.ReConfiguration;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Session;
import io.omnicast.uscp.v1.Subscription;
import java.net.InetSocketAddress;
import io.omnicast.uscp.ticket.Ticket;
import io.omnicast.uscp.ticket.TicketSigner;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A minimal proxy for the connection's unit tests, speaking real USCP framing on loopback: it answers Login and
 * Subscription with a placement (with a real Ed25519 key in the Session), NodeInformation and Logout with OK,
 * ReConfiguration with a placement at the backup, and records every message it got.
 */
public final class ScriptedProxy implements AutoCloseable {
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final EventLoopGroup group;
    private final int port;
    private Channel server;
    private volatile Channel client;
    private int nodes;

    /** Where placements point. */
    static volatile String parentUrl = "rtsp://127.0.0.1:8554/live/demo";
    /** The parent's node id in the answer to Login. */
    static volatile String joinParentId = "origin-1";
    /** One key for every scripted proxy, so a relay placed by one verifies the tickets another signs. */
    private static final KeyPair KEYS = keys();
    private static final TicketSigner SIGNER = new TicketSigner(KEYS.getPrivate());

    private static KeyPair keys() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Node id of the parent that Login placements name (default {@code origin-1}). */
    public static void joinParentId(String id) {
        joinParentId = id;
    }

    public ScriptedProxy(EventLoopGroup group, int port) throws InterruptedException {
        this.group = group;
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new UscpFrameDecoder(), new UscpMessageDecoder(),
                                new UscpMessageEncoder(), new Handler());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        this.port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    public static void parentUrl(String url) {
        parentUrl = url;
    }

    public int port() {
        return port;
    }

    static ReStreamingConnection placement(String requestId, PlacementReason reason, String parentId, int hop) {
        ReStreamingConnection rsc = new ReStreamingConnection();
        rsc.setRequestId(requestId);
        rsc.setReason(reason);
        rsc.setChannel("demo");
        rsc.setNodeId("n-1");
        rsc.setHopCount(hop);
        Parent parent = new Parent();
        parent.setNodeId(parentId);
        parent.setHopCount(hop - 1);
        parent.setRtspUrl(parentUrl);
        parent.setTicket(SIGNER.sign(new Ticket("n-1", parentId, "demo", Instant.now().plusSeconds(3600))));
        rsc.setParent(parent);
        return rsc;
    }

    /** Pushes a re-parenting to the connected peer, as the proxy does when a relay leaves. */
    public void pushParent(String parentId, int hop) {
        push(placement(null, PlacementReason.REPARENT, parentId, hop));
    }

    void push(ReStreamingConnection message) {
        client.writeAndFlush(message);
    }

    void dropClient() {
        client.close();
    }

    @Override
    public void close() throws InterruptedException {
        if (client != null) {
            client.close().sync();
        }
        server.close().sync();
    }

    private final class Handler extends SimpleChannelInboundHandler<Object> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            client = ctx.channel();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object message) throws Exception {
            received.add(message);
            String id = UscpMessages.requestId(message);
            if (message instanceof Login || message instanceof Subscription) {
                ReStreamingConnection reply = placement(id, PlacementReason.JOIN, joinParentId, 1);
                Session session = new Session();
                session.setNodeId("n-" + (++nodes));
                session.setBeatIntervalMs(100);
                ProxyKey key = new ProxyKey();
                key.setAlgorithm("Ed25519");
                key.setValue(KEYS.getPublic().getEncoded());
                session.setProxyKey(key);
                reply.setSession(session);
                ctx.writeAndFlush(reply);
            } else if (message instanceof NodeInformation) {
                ctx.writeAndFlush(UscpMessages.ok(id));
            } else if (message instanceof ReConfiguration) {
                ctx.writeAndFlush(placement(id, PlacementReason.RECONFIGURATION, "n-7", 2));
            } else if (message instanceof Logout) {
                ctx.writeAndFlush(UscpMessages.ok(id)).addListener(f -> ctx.close());
            }
        }
    }
}
