package io.omnicast.server.channel;

import io.netty.buffer.ByteBuf;

/**
 * A reader as the channel sees it. The channel calls it only on its own event loop; implementations hand the
 * packets to their transport without blocking.
 */
public interface Reader {
    /** A stable id for logs and stats (the RTSP session id). */
    String id();

    /** Where it connects from. */
    String remote();

    /** The transport, e.g. {@code udp} or {@code tcp}, for stats. */
    String transport();

    /** Sends one RTP packet of {@code track}; takes ownership of {@code packet}. */
    void sendRtp(int track, ByteBuf packet);

    /** Sends one RTCP packet of {@code track}; takes ownership of {@code packet}. */
    void sendRtcp(int track, ByteBuf packet);

    /** Called after a batch of sends; transports that batch writes flush here. */
    default void flush() {
    }

    /** True for datagram transports (UDP), which have no flow control: the channel paces their catch-up. */
    default boolean isDatagram() {
        return false;
    }

    /** False while the transport cannot take more (a TCP reader's write buffer is over its high-water mark). */
    boolean isWritable();

    /** The channel dropped this reader (too slow, channel ended): close its session. Called on the channel's loop. */
    void close(String reason);
}
