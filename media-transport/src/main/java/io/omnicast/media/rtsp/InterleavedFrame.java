package io.omnicast.media.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * One RTP or RTCP packet interleaved on the RTSP TCP connection
 * (<a href="https://www.rfc-editor.org/rfc/rfc2326#section-10.12">RFC 2326 section 10.12</a>):
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | '$' = 0x24    | channel id    | length (16 bits, big endian)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | length bytes of RTP or RTCP ...
 * </pre>
 * The holder owns one reference to {@link #content()}.
 */
public final class InterleavedFrame extends DefaultByteBufHolder {
    private final int channel;

    public InterleavedFrame(int channel, ByteBuf content) {
        super(content);
        if (channel < 0 || channel > 255) {
            content.release();
            throw new IllegalArgumentException("interleaved channel must be between 0 and 255 (was " + channel + ")");
        }
        if (content.readableBytes() > RtspLimits.MAX_INTERLEAVED_FRAME_BYTES) {
            int length = content.readableBytes();
            content.release();
            throw new IllegalArgumentException("interleaved frame must be at most "
                    + RtspLimits.MAX_INTERLEAVED_FRAME_BYTES + " bytes (was " + length + ")");
        }
        this.channel = channel;
    }

    /** The interleaved channel id: by convention even for RTP, odd (RTP + 1) for RTCP. */
    public int channel() {
        return channel;
    }

    @Override
    public InterleavedFrame replace(ByteBuf content) {
        return new InterleavedFrame(channel, content);
    }

    @Override
    public InterleavedFrame retain() {
        super.retain();
        return this;
    }

    @Override
    public InterleavedFrame retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    @Override
    public String toString() {
        return "InterleavedFrame[channel=" + channel + ", " + content().readableBytes() + " bytes]";
    }
}
