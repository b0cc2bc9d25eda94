package io.omnicast.media.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Channels match the loops they register with, whichever transport made the loops. */
class TransportsTest {
    @Test
    void loopsLentByTheApplicationGetChannelsOfTheirOwnTransport() {
        NioEventLoopGroup nio = new NioEventLoopGroup(1);
        try {
            assertEquals(NioSocketChannel.class, Transports.socketChannel(nio));
            assertEquals(NioServerSocketChannel.class, Transports.serverSocketChannel(nio.next()));
            assertEquals(NioDatagramChannel.class, Transports.datagramChannel(nio.next()));
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aNewGroupUsesEpollWhereItLoadsAndItsChannelsBindAndCarryADatagram() throws Exception {
        EventLoopGroup group = Transports.newGroup(1, new DefaultThreadFactory("transports-test", true));
        try {
            assertEquals(Epoll.isAvailable(), Transports.epoll());
            assertEquals(Transports.epoll(), Transports.datagramChannel(group.next()).getSimpleName().startsWith("Epoll"),
                    "the channel class follows the group's transport");
            java.util.concurrent.LinkedBlockingQueue<Object> got = new java.util.concurrent.LinkedBlockingQueue<>();
            Bootstrap b = new Bootstrap().group(group).channel(Transports.datagramChannel(group))
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                            got.add(msg.getClass());
                            io.netty.util.ReferenceCountUtil.release(msg);
                        }
                    });
            Channel receiver = b.bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            Channel sender = b.clone().handler(new ChannelInboundHandlerAdapter()).bind(InetAddress.getLoopbackAddress(), 0)
                    .sync().channel();
            sender.writeAndFlush(new io.netty.channel.socket.DatagramPacket(io.netty.buffer.Unpooled.wrappedBuffer(
                    new byte[] {1, 2, 3}), (InetSocketAddress) receiver.localAddress())).sync();
            assertTrue(got.poll(5, TimeUnit.SECONDS) != null, "the datagram arrived");
            sender.close().sync();
            receiver.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
