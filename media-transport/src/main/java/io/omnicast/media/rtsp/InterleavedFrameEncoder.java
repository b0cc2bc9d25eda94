package io.omnicast.media.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes {@link InterleavedFrame}s as {@code $}, channel, length, payload. The payload is not copied: the 4-byte
 * header and the retained payload go out as two buffers, which matters when one packet fans out to many readers.
 * Stateless, so one instance serves every channel.
 */
@Sharable
public final class InterleavedFrameEncoder extends MessageToMessageEncoder<InterleavedFrame> {
    /** The shared instance. */
    public static final InterleavedFrameEncoder INSTANCE = new InterleavedFrameEncoder();

    private InterleavedFrameEncoder() {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, InterleavedFrame frame, List<Object> out) {
        ByteBuf payload = frame.content();
        ByteBuf header = ctx.alloc().buffer(4);
        header.writeByte('$').writeByte(frame.channel()).writeShort(payload.readableBytes());
        out.add(header);
        out.add(payload.retain());
    }
}
