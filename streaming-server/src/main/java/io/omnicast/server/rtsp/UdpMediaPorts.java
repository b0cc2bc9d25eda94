package io.omnicast.server.rtsp;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's two UDP sockets (RTP on an even port, RTCP on the next), shared by every session as MediaMTX does:
 * packets are routed by their source address, which SETUP's {@code client_port} announced. Packets from an unknown
 * source (NAT punch packets, strays, attackers) are counted and dropped.
 */
public final class UdpMediaPorts implements AutoCloseable {
    /** Receives the packets of one registered source address; takes ownership of {@code packet}. */
    @FunctionalInterface
    public interface Endpoint {
        void onPacket(ByteBuf packet);
    }

    private final DatagramChannel rtp;
    private final DatagramChannel rtcp;
    private final ConcurrentMap<InetSocketAddress, Endpoint> rtpSources = new ConcurrentHashMap<>();
    private final ConcurrentMap<InetSocketAddress, Endpoint> rtcpSources = new ConcurrentHashMap<>();
    private final LongAdder unknownSourcePackets = new LongAdder();

    private UdpMediaPorts(DatagramChannel rtp, DatagramChannel rtcp) {
        this.rtp = rtp;
        this.rtcp = rtcp;
    }

    /** Binds RTP to {@code rtpPort} and RTCP to the next port; with 0, the first free even/odd pair. */
    public static UdpMediaPorts bind(EventLoop loop, InetAddress address, int rtpPort) {
        UdpMediaPorts[] holder = new UdpMediaPorts[1];
        Bootstrap b = new Bootstrap().group(loop).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20);
        for (int attempt = 0; attempt < 100; attempt++) {
            ChannelFuture first = b.handler(new Inbound(holder, false)).bind(address, rtpPort).awaitUninterruptibly();
            if (!first.isSuccess()) {
                throw new IllegalStateException("cannot bind UDP RTP port " + address.getHostAddress() + ":" + rtpPort,
                        first.cause());
            }
            DatagramChannel rtpChannel = (DatagramChannel) first.channel();
            int port = rtpChannel.localAddress().getPort();
            if (port % 2 != 0 || port >= 65535) {
                rtpChannel.close().awaitUninterruptibly();
                continue;
            }
            ChannelFuture second = b.handler(new Inbound(holder, true)).bind(address, port + 1).awaitUninterruptibly();
            if (second.isSuccess()) {
                holder[0] = new UdpMediaPorts(rtpChannel, (DatagramChannel) second.channel());
                return holder[0];
            }
            rtpChannel.close().awaitUninterruptibly();
            if (rtpPort != 0) {
                throw new IllegalStateException("cannot bind UDP RTCP port " + address.getHostAddress() + ":"
                        + (port + 1), second.cause());
            }
        }
        throw new IllegalStateException("no free even/odd UDP port pair on " + address.getHostAddress());
    }

    public int rtpPort() {
        return rtp.localAddress().getPort();
    }

    public int rtcpPort() {
        return rtcp.localAddress().getPort();
    }

    /** The loop both sockets run on; channels that fan out over UDP run on it too, so sends need no hand-off. */
    public EventLoop eventLoop() {
        return rtp.eventLoop();
    }

    public DatagramChannel rtpChannel() {
        return rtp;
    }

    public DatagramChannel rtcpChannel() {
        return rtcp;
    }

    public void register(InetSocketAddress source, boolean isRtcp, Endpoint endpoint) {
        (isRtcp ? rtcpSources : rtpSources).put(source, endpoint);
    }

    public void unregister(InetSocketAddress source, boolean isRtcp, Endpoint endpoint) {
        (isRtcp ? rtcpSources : rtpSources).remove(source, endpoint);
    }

    /** Datagrams from addresses no session announced. */
    public long unknownSourcePackets() {
        return unknownSourcePackets.sum();
    }

    @Override
    public void close() {
        rtp.close().awaitUninterruptibly();
        rtcp.close().awaitUninterruptibly();
    }

    private static final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        private final UdpMediaPorts[] ports;
        private final boolean isRtcp;

        Inbound(UdpMediaPorts[] ports, boolean isRtcp) {
            this.ports = ports;
            this.isRtcp = isRtcp;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            UdpMediaPorts p = ports[0];
            if (p == null) {
                return;
            }
            Endpoint e = (isRtcp ? p.rtcpSources : p.rtpSources).get(packet.sender());
            if (e == null) {
                p.unknownSourcePackets.increment();
                return;
            }
            e.onPacket(packet.content().retain());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // an ICMP port unreachable from a reader that went away surfaces here: nothing to do but keep serving
        }
    }
}
