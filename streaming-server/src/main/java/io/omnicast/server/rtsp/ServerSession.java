package io.omnicast.server.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import io.omnicast.media.rtsp.InterleavedFrame;
import io.omnicast.server.channel.LiveChannel;
import io.omnicast.server.channel.PublishedSdp;
import io.omnicast.server.channel.Publisher;
import io.omnicast.server.channel.Reader;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;

/**
 * One RTSP session (RFC 2326 section 3): a publisher (ANNOUNCE ... RECORD) or a reader (SETUP ... PLAY) of one
 * channel, with the transport of each track. Belongs to its connection's event loop, except the send methods,
 * which the channel calls from its own loop and which only touch immutable transport data and Netty channels.
 */
final class ServerSession implements Publisher, Reader {
    enum Role { PUBLISHER, READER }

    enum State { INIT, READY, PLAYING, RECORDING, ENDED }

    /** How one track travels: interleaved channels on the RTSP connection, or UDP addresses. */
    record TrackTransport(int track, boolean tcp, int rtpChannel, int rtcpChannel, InetSocketAddress rtpAddress,
            InetSocketAddress rtcpAddress) {
    }

    final String id;
    final Role role;
    final String channelName;
    final RtspConnection connection;
    final UdpMediaPorts ports;
    final Map<Integer, TrackTransport> tracks = new TreeMap<>();
    LiveChannel channel;
    PublishedSdp sdp;
    /** Written on the connection's loop; read by the UDP endpoints on the media loop, hence volatile. */
    volatile State state = State.INIT;
    volatile long lastActivityNanos = System.nanoTime();
    /** Set once a transport was chosen; sends read it from the channel's loop. */
    private volatile TrackTransport[] byTrack = new TrackTransport[0];

    ServerSession(String id, Role role, String channelName, RtspConnection connection, UdpMediaPorts ports) {
        this.id = id;
        this.role = role;
        this.channelName = channelName;
        this.connection = connection;
        this.ports = ports;
    }

    void addTrack(TrackTransport t) {
        tracks.put(t.track(), t);
        int size = tracks.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        TrackTransport[] copy = new TrackTransport[size];
        tracks.forEach((k, v) -> copy[k] = v);
        byTrack = copy;
    }

    boolean usesUdp() {
        return tracks.values().stream().anyMatch(t -> !t.tcp());
    }

    int[] trackIndexes() {
        return tracks.keySet().stream().mapToInt(Integer::intValue).toArray();
    }

    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String remote() {
        return connection.remote();
    }

    @Override
    public String transport() {
        return usesUdpCached() ? "udp" : "tcp"; // called from the channel's loop: read the published array only
    }

    @Override
    public void sendRtp(int track, ByteBuf packet) {
        send(track, packet, false);
    }

    @Override
    public void sendRtcp(int track, ByteBuf packet) {
        send(track, packet, true);
    }

    private void send(int track, ByteBuf packet, boolean rtcp) {
        TrackTransport[] t = byTrack;
        TrackTransport tt = track < t.length ? t[track] : null;
        if (tt == null) {
            packet.release();
        } else if (tt.tcp()) {
            io.netty.channel.Channel ch = connection.channel();
            if (rtcp) {
                ch.writeAndFlush(new InterleavedFrame(tt.rtcpChannel(), packet), ch.voidPromise());
            } else {
                // Flushed by the channel once per burst (flush()): one write(2) for a frame's packets, not one each.
                ch.write(new InterleavedFrame(tt.rtpChannel(), packet), ch.voidPromise());
            }
        } else if (rtcp) {
            ports.rtcpChannel().writeAndFlush(new DatagramPacket(packet, tt.rtcpAddress()), ports.rtcpChannel().voidPromise());
        } else {
            ports.rtpChannel().write(new DatagramPacket(packet, tt.rtpAddress()), ports.rtpChannel().voidPromise());
        }
    }

    @Override
    public void flush() {
        boolean udp = false;
        boolean tcp = false;
        for (TrackTransport t : byTrack) {
            if (t != null) {
                udp |= !t.tcp();
                tcp |= t.tcp();
            }
        }
        if (udp) {
            ports.rtpChannel().flush();
            ports.rtcpChannel().flush();
        }
        if (tcp) {
            connection.channel().flush();
        }
    }

    private boolean usesUdpCached() {
        for (TrackTransport t : byTrack) {
            if (t != null && !t.tcp()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isDatagram() {
        return usesUdpCached();
    }

    @Override
    public boolean isWritable() {
        return usesUdpCached() || connection.channel().isWritable();
    }

    @Override
    public void close(String reason) {
        connection.endSessionFromChannel(this, reason);
    }

    @Override
    public String toString() {
        return role.name().toLowerCase(java.util.Locale.ROOT) + " session " + id + " of channel " + channelName;
    }
}
