package io.omnicast.uscp.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.omnicast.uscp.v1.ErrorCode;
import java.util.List;

/**
 * Cuts a TCP byte stream into USCP frames (see {@link UscpFraming}); each frame is passed on as a
 * {@link ByteBuf} holding just the XML document.
 *
 * <p>Netty's {@link LengthFieldBasedFrameDecoder} does the cutting. This class adds the two rules it does not
 * know: a zero length is an error, and a length over {@link UscpFraming#MAX_DOCUMENT_BYTES} is refused as soon
 * as the prefix arrives (before any of the body is buffered). After either, the stream can no longer be
 * trusted, so the decoder throws once and then discards everything that follows; a connection that closes
 * mid-frame is reported too. One per channel (stateful).
 */
public final class UscpFrameDecoder extends LengthFieldBasedFrameDecoder {
    private boolean failed;

    public UscpFrameDecoder() {
        super(UscpFraming.MAX_DOCUMENT_BYTES + UscpFraming.LENGTH_FIELD_BYTES, 0, UscpFraming.LENGTH_FIELD_BYTES, 0,
                UscpFraming.LENGTH_FIELD_BYTES, true);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return null;
        }
        if (in.readableBytes() >= UscpFraming.LENGTH_FIELD_BYTES) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length == 0) {
                fail(in);
                throw new UscpFramingException(ErrorCode.EMPTY_FRAME, "USCP frame with length 0 (must be 1 to "
                        + UscpFraming.MAX_DOCUMENT_BYTES + " bytes)");
            }
            if (length > UscpFraming.MAX_DOCUMENT_BYTES) {
                fail(in);
                throw new UscpFramingException(ErrorCode.FRAME_TOO_LARGE, "USCP frame of " + length
                        + " bytes exceeds the limit of " + UscpFraming.MAX_DOCUMENT_BYTES + " bytes");
            }
        }
        return super.decode(ctx, in);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        super.decodeLast(ctx, in, out);
        if (!failed && in.isReadable()) {
            int have = in.readableBytes();
            String expected = have >= UscpFraming.LENGTH_FIELD_BYTES
                    ? (in.getUnsignedInt(in.readerIndex()) + UscpFraming.LENGTH_FIELD_BYTES) + " bytes"
                    : "a 4-byte length prefix";
            fail(in);
            throw new UscpFramingException(ErrorCode.TRUNCATED_FRAME,
                    "connection closed mid-frame: got " + have + " bytes of " + expected);
        }
    }

    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
    }
}
