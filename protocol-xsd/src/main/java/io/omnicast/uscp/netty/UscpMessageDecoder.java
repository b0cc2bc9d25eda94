package io.omnicast.uscp.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.omnicast.uscp.UscpCodec;
import io.omnicast.uscp.UscpException;
import java.util.List;

/**
 * Turns a frame from {@link UscpFrameDecoder} into a USCP message object. A document that does not parse or
 * validate is reported as a {@link UscpDecoderException} through {@code exceptionCaught}; the framing is still
 * intact, so the session may answer with ERROR and carry on. Stateless and {@link Sharable}.
 */
@Sharable
public final class UscpMessageDecoder extends MessageToMessageDecoder<ByteBuf> {
    private final UscpCodec codec = UscpCodec.get();

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) throws Exception {
        try {
            out.add(codec.decode(frame));
        } catch (UscpException e) {
            throw new UscpDecoderException(e);
        }
    }
}
