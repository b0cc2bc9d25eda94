package io.omnicast.media.net;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks Netty's transport for the media path (the streaming server, a peer and its relay, the RTSP client): Linux's
 * native epoll where it loads (a relay's datagrams of one burst leave in one {@code sendmmsg}; a relay's CPU per child
 * measured 0.24-0.27 % of a core against 0.28-0.31 % with NIO), NIO elsewhere or when the system property
 * {@code omnicast.transport=nio} asks for it. Channels are made with the class that matches the event loop
 * they register with, so loops lent by an embedding application (tests lend NIO loops) keep working.
 */
public final class Transports {
    private static final Logger LOG = LoggerFactory.getLogger(Transports.class);
    private static final boolean EPOLL = chooseEpoll();

    private Transports() {
    }

    private static boolean chooseEpoll() {
        if ("nio".equalsIgnoreCase(System.getProperty("omnicast.transport", ""))) {
            return false;
        }
        boolean available = Epoll.isAvailable();
        if (!available && System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            LOG.info("native epoll transport unavailable ({}); using NIO", String.valueOf(Epoll.unavailabilityCause()));
        }
        return available;
    }

    /** True when new groups use epoll. */
    public static boolean epoll() {
        return EPOLL;
    }

    /** A new event-loop group of the chosen transport ({@code threads} 0: Netty's default count). */
    public static EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return EPOLL ? new EpollEventLoopGroup(threads, threadFactory) : new NioEventLoopGroup(threads, threadFactory);
    }

    public static Class<? extends SocketChannel> socketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends ServerSocketChannel> serverSocketChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends DatagramChannel> datagramChannel(EventLoopGroup group) {
        return isEpoll(group) ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    private static boolean isEpoll(EventLoopGroup group) {
        if (group instanceof EpollEventLoopGroup) {
            return true;
        }
        return group instanceof EventLoop loop && loop.parent() instanceof EpollEventLoopGroup;
    }
}
