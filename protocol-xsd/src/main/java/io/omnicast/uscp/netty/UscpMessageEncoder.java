package io.omnicast.uscp.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;
import io.omnicast.uscp.UscpCodec;
import io.omnicast.uscp.UscpException;
import io.omnicast.uscp.UscpMessages;

/**
 * Writes a USCP message object as one frame: the length prefix, then the validated UTF-8 XML. A message that
 * would not validate, or that would exceed {@link UscpFraming#MAX_DOCUMENT_BYTES}, fails the write's promise
 * and nothing is sent. Stateless and {@link Sharable}.
 */
@Sharable
public final class UscpMessageEncoder extends MessageToByteEncoder<Object> {
    private final UscpCodec codec = UscpCodec.get();

    @Override
    public boolean acceptOutboundMessage(Object msg) {
        return UscpMessages.isMessage(msg);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Object message, ByteBuf out) throws Exception {
        int start = out.writerIndex();
        out.writeInt(0); // length, patched below once the document size is known
        try {
            codec.encode(message, out);
        } catch (UscpException e) {
            out.writerIndex(start);
            throw new EncoderException(e.getMessage(), e);
        }
        int length = out.writerIndex() - start - UscpFraming.LENGTH_FIELD_BYTES;
        if (length > UscpFraming.MAX_DOCUMENT_BYTES) {
            out.writerIndex(start);
            throw new EncoderException(UscpMessages.name(message) + " of " + length
                    + " bytes exceeds the USCP frame limit of " + UscpFraming.MAX_DOCUMENT_BYTES + " bytes");
        }
        out.setInt(start, length);
    }
}
