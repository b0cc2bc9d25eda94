package io.omnicast.peer;

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
import io.omnicast.uscp.ticket.Ticket;
import io.omnicast.uscp.ticket.TicketSigner;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.Parent;
import io.omnicast.uscp.v1.PlacementReason;
import io.omnicast.uscp.v1.ProxyKey;
import io.omnicast.uscp.v1.ReStreamingConnection;
import io.omnicast.uscp.v1.Session;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Instant;

/**
 * A stand-in proxy on loopback for the {@link Warmup}: it answers a {@code Login} the way the proxy does (a
 * {@code ReStreamingConnection} with a session, the proxy key and a signed ticket) and any other request with
 * {@code OK}, so the peer's real proxy connection runs its whole login path (connect, encode, decode, the session's
 * key) before the viewer's join.
 */
final class WarmupProxy implements AutoCloseable {
    private final Channel server;
    private final byte[] keyX509;
    private final TicketSigner signer;

    WarmupProxy(EventLoopGroup group, KeyPair key) {
        this.keyX509 = key.getPublic().getEncoded();
        this.signer = new TicketSigner(key.getPrivate());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new UscpFrameDecoder(), new UscpMessageDecoder(),
                                new UscpMessageEncoder(), new Answers());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).syncUninterruptibly().channel();
    }

    /** host:port to give the proxy connection. */
    String address() {
        InetSocketAddress a = (InetSocketAddress) server.localAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    private final class Answers extends SimpleChannelInboundHandler<Object> {
        private int sessions;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object message) {
            String requestId = UscpMessages.requestId(message);
            if (message instanceof Login login) {
                ctx.writeAndFlush(placement(signer, keyX509, requestId, login.getChannel().get(0),
                        "warmup-" + (++sessions)));
            } else if (requestId != null) {
                ctx.writeAndFlush(UscpMessages.ok(requestId));
            }
        }
    }

    /** The proxy's answer to a viewer's Login, as the proxy builds it. */
    static ReStreamingConnection placement(TicketSigner signer, byte[] keyX509, String requestId, String channel,
            String nodeId) {
        ReStreamingConnection reply = new ReStreamingConnection();
        reply.setRequestId(requestId);
        reply.setReason(PlacementReason.JOIN);
        reply.setChannel(channel);
        reply.setNodeId(nodeId);
        reply.setHopCount(1);
        Parent parent = new Parent();
        parent.setNodeId("warmup-origin");
        parent.setHopCount(0);
        parent.setRtspUrl("rtsp://127.0.0.1:1/live/" + channel);
        parent.setTicket(signer.sign(new Ticket(nodeId, "warmup-origin", channel, Instant.now().plusSeconds(60))));
        reply.setParent(parent);
        Session session = new Session();
        session.setNodeId(nodeId);
        session.setBeatIntervalMs(1000);
        ProxyKey key = new ProxyKey();
        key.setAlgorithm("Ed25519");
        key.setValue(keyX509.clone());
        session.setProxyKey(key);
        reply.setSession(session);
        return reply;
    }
}
