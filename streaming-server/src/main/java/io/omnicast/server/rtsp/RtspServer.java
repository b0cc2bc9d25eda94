package io.omnicast.server.rtsp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.omnicast.media.rtsp.RtspCodecs;
import io.omnicast.media.rtsp.RtspLimits;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.ServerCounters;
import io.omnicast.server.channel.ChannelRegistry;
import io.omnicast.server.channel.ReaderAdmission;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/** The RTSP listener: the pipeline of each connection and what connections share. */
public final class RtspServer implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Every accepted connection while it is open (removed on close by the group itself). */
    private final ChannelGroup connections = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    private final ServerConfig config;
    private final UdpMediaPorts ports;
    private final ChannelRegistry channels;
    private final ReaderAdmission admission;
    private final ServerCounters counters = new ServerCounters();
    private Channel listener;

    private RtspServer(ServerConfig config, UdpMediaPorts ports, ChannelRegistry channels, ReaderAdmission admission) {
        this.config = config;
        this.ports = ports;
        this.channels = channels;
        this.admission = admission;
    }

    /** Binds the RTSP port; fails if it is taken. */
    public static RtspServer start(ServerConfig config, EventLoopGroup boss, EventLoopGroup workers,
            UdpMediaPorts ports, ChannelRegistry channels, ReaderAdmission admission) {
        RtspServer server = new RtspServer(config, ports, channels, admission);
        RtspLimits limits = RtspLimits.defaults();
        int high = config.readerWriteBufferBytes();
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        server.connections.add(ch);
                        RtspCodecs.addCodec(ch.pipeline(), limits);
                        ch.pipeline().addLast("rtsp-connection", new RtspConnection(server));
                    }
                });
        try {
            server.listener = b.bind(new InetSocketAddress(config.bindAddress(), config.rtspPort())).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while binding the RTSP port", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot bind the RTSP port " + config.bindAddress().getHostAddress() + ":"
                    + config.rtspPort() + ": " + e.getMessage(), e);
        }
        return server;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    ServerConfig config() {
        return config;
    }

    UdpMediaPorts ports() {
        return ports;
    }

    ChannelRegistry channels() {
        return channels;
    }

    ReaderAdmission admission() {
        return admission;
    }

    public ServerCounters counters() {
        return counters;
    }

    /** 16 hex digits: unguessable, so a session cannot be hijacked by guessing. */
    String newSessionId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        // The loops may outlive this server (lent by an embedding peer): its connections must not.
        connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
