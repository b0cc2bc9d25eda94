package io.omnicast.proxy.session;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.omnicast.uscp.netty.UscpFrameDecoder;
import io.omnicast.uscp.netty.UscpMessageDecoder;
import io.omnicast.uscp.netty.UscpMessageEncoder;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The USCP listener. This initializer alone decides the pipeline order: idle detection (the liveness beat),
 * framing, XML decoding, the session; the encoder writes back.
 */
public final class UscpServer {
    private static final UscpMessageDecoder DECODER = new UscpMessageDecoder();
    private static final UscpMessageEncoder ENCODER = new UscpMessageEncoder();

    private final Channel channel;

    public UscpServer(EventLoopGroup boss, EventLoopGroup workers, ProxyServices services, String bindAddress,
            int port) throws InterruptedException {
        long idleMillis = services.config().livenessTimeout().toMillis();
        ServerBootstrap bootstrap = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast("idle", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
                        p.addLast("framing", new UscpFrameDecoder());
                        p.addLast("xml", DECODER);
                        p.addLast("encoder", ENCODER);
                        p.addLast("session", new UscpSessionHandler(services));
                    }
                });
        channel = bootstrap.bind(bindAddress, port).sync().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        channel.close().syncUninterruptibly();
    }
}
