package io.omnicast.server.channel;

import io.netty.buffer.ByteBuf;

/** The source of a channel as the channel sees it, whatever protocol it speaks. */
public interface Publisher {
    /** A stable id for logs and stats (the RTSP session id). */
    String id();

    /** Where it connects from. */
    String remote();

    /** Sends an RTCP packet of {@code track} (the server's RR); takes ownership of {@code packet}. */
    void sendRtcp(int track, ByteBuf packet);

    /** The channel ended this publisher (timeout, shutdown): close its connection. Called on the channel's loop. */
    void close(String reason);
}
