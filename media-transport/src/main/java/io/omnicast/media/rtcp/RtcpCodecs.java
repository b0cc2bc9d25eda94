package io.omnicast.media.rtcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.util.List;

/**
 * Netty handlers around {@link RtcpCodec}. Both expect one compound packet per message: a datagram's content,
 * or one interleaved RTSP frame. Both are stateless and {@link ChannelHandler.Sharable}.
 */
public final class RtcpCodecs {
    private RtcpCodecs() {
    }

    /** One compound packet as a message. */
    public record Compound(List<RtcpPacket> packets) {
        public Compound {
            packets = List.copyOf(packets);
            if (packets.isEmpty()) {
                throw new IllegalArgumentException("a compound RTCP packet needs at least one packet");
            }
        }
    }

    /** {@link ByteBuf} (one compound packet) in, {@link Compound} out; bad input fails with {@link RtcpFormatException}. */
    @ChannelHandler.Sharable
    public static final class Decoder extends MessageToMessageDecoder<ByteBuf> {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
            out.add(new Compound(RtcpCodec.parse(msg)));
        }
    }

    /** {@link Compound} in, {@link ByteBuf} out. */
    @ChannelHandler.Sharable
    public static final class Encoder extends MessageToByteEncoder<Compound> {
        @Override
        protected void encode(ChannelHandlerContext ctx, Compound msg, ByteBuf out) {
            RtcpCodec.write(msg.packets(), out);
        }
    }
}
