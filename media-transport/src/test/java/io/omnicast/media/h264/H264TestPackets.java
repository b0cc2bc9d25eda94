package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.omnicast.media.rtp.RtpPacketWriter;

/** Builds RTP packets with hand-made H.264 payloads for tests; callers release what they get. */
final class H264TestPackets {
    static final long SSRC = 0x1234_5678L;
    static final int PT = 96;

    private H264TestPackets() {
    }

    static ByteBuf packet(int sequence, long timestamp, boolean marker, int... payload) {
        ByteBuf buf = Unpooled.buffer();
        RtpPacketWriter.writeHeader(buf, marker, PT, sequence, timestamp, SSRC);
        for (int b : payload) {
            buf.writeByte(b);
        }
        return buf;
    }

    static ByteBuf nal(int header, int size, int seed) {
        ByteBuf buf = Unpooled.buffer(size);
        buf.writeByte(header);
        for (int i = 1; i < size; i++) {
            buf.writeByte((seed * 31 + i * 7) & 0xFF);
        }
        return buf;
    }
}
