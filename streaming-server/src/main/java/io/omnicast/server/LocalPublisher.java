package io.omnicast.server;

import io.netty.buffer.ByteBuf;
import io.omnicast.server.channel.LiveChannel;
import io.omnicast.server.channel.Publisher;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A publisher in the same JVM as the server (a peer's relay): it hands RTP packets to its channel directly, with
 * no RTSP session and no socket between them. Packets go in unchanged; the channel's loop takes them over with
 * {@code execute}, so {@link #offer} may be called from any thread and never blocks. Made by
 * {@link StreamingServer#publishLocal}.
 */
public final class LocalPublisher implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();

    private final LiveChannel channel;
    private final Endpoint endpoint;

    /** The publisher as the channel sees it. */
    static final class Endpoint implements Publisher {
        private final String id = "local-" + IDS.incrementAndGet();
        volatile boolean closed;

        @Override
        public String id() {
            return id;
        }

        @Override
        public String remote() {
            return "in-process";
        }

        @Override
        public void sendRtcp(int track, ByteBuf packet) {
            packet.release(); // the channel's receiver reports have nobody to go to in-process
        }

        @Override
        public void close(String reason) {
            closed = true;
        }
    }

    LocalPublisher(LiveChannel channel, Endpoint endpoint) {
        this.channel = channel;
        this.endpoint = endpoint;
    }

    /** The channel this publisher feeds. */
    public LiveChannel channel() {
        return channel;
    }

    /** One RTP packet of {@code track}, sent on unchanged; takes ownership of {@code packet}. Any thread. */
    public void offer(int track, ByteBuf packet) {
        if (endpoint.closed) {
            packet.release();
            return;
        }
        channel.publishRtp(track, packet);
    }

    /** RTCP BYE to every reader now; they keep getting packets until {@link #close}. */
    public void announceDeparture(String reason) {
        channel.announceDeparture(reason);
    }

    /** False once closed, by us or by the channel (timeout, server shutdown). */
    public boolean isOpen() {
        return !endpoint.closed;
    }

    /** Ends the channel: readers get RTCP BYE and are closed. Idempotent. */
    @Override
    public void close() {
        if (!endpoint.closed) {
            endpoint.closed = true;
            channel.publisherLeft("local publisher closed");
        }
    }
}
