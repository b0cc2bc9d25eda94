package io.omnicast.proxy.session;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * The connect-back probe: a TCP connect to a peer's announced relay endpoint with a short timeout. Success
 * (with the connect time as a round-trip estimate) lets the peer have children; failure keeps it a leaf.
 * Non-blocking: runs on the given event loops.
 */
public final class ConnectBackProber {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConnectBackProber.class);
    /** The probe only connects; anything the peer sends is dropped. */
    private static final ChannelInboundHandlerAdapter IGNORE_INPUT = new IgnoreInput();
    private final Bootstrap bootstrap;

    @io.netty.channel.ChannelHandler.Sharable
    private static final class IgnoreInput extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public ConnectBackProber(EventLoopGroup group, Duration timeout) {
        this.bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout.toMillis())
                .option(ChannelOption.SO_LINGER, 0)
                .handler(IGNORE_INPUT);
    }

    /** Probes {@code host:port}; calls {@code done} with the connect time in ns, or -1 when unreachable. */
    public void probe(String host, int port, LongConsumer done) {
        long start = System.nanoTime();
        ChannelFuture connect;
        try {
            connect = bootstrap.connect(host, port);
        } catch (RuntimeException e) {
            LOG.debug("connect-back probe to {}:{} failed: {}", host, port, e.toString());
            done.accept(-1);
            return;
        }
        connect.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                long rtt = System.nanoTime() - start;
                f.channel().close();
                done.accept(rtt);
            } else {
                LOG.debug("connect-back probe to {}:{} failed: {}", host, port, String.valueOf(f.cause()));
                done.accept(-1);
            }
        });
    }
}
