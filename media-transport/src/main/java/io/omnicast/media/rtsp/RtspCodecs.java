package io.omnicast.media.rtsp;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.rtsp.RtspDecoder;
import io.netty.handler.codec.rtsp.RtspEncoder;

/**
 * Lays out the RTSP codec in a pipeline: {@link RtspInterleavedDecoder} -> Netty {@link RtspDecoder} ->
 * {@link HttpObjectAggregator} inbound (the handler sees {@code FullHttpRequest}/{@code FullHttpResponse} and
 * {@link InterleavedFrame}), {@link RtspEncoder} and {@link InterleavedFrameEncoder} outbound. The same layout
 * serves both ends: Netty's decoder tells requests from responses by the initial line.
 */
public final class RtspCodecs {
    public static final String FRAMING = "rtsp-framing";
    public static final String DECODER = "rtsp-decoder";
    public static final String AGGREGATOR = "rtsp-aggregator";
    public static final String ENCODER = "rtsp-encoder";
    public static final String INTERLEAVED_ENCODER = "rtsp-interleaved-encoder";

    private RtspCodecs() {
    }

    /** Adds the codec at the end of {@code pipeline}; the caller adds its handler after it. */
    public static void addCodec(ChannelPipeline pipeline, RtspLimits limits) {
        pipeline.addLast(FRAMING, new RtspInterleavedDecoder(limits));
        pipeline.addLast(DECODER, new RtspDecoder(limits.maxInitialLineBytes(), limits.maxHeaderBytes(),
                Math.max(1, limits.maxContentBytes()), true));
        pipeline.addLast(AGGREGATOR, new HttpObjectAggregator(Math.max(1, limits.maxContentBytes())));
        pipeline.addLast(ENCODER, new RtspEncoder());
        pipeline.addLast(INTERLEAVED_ENCODER, InterleavedFrameEncoder.INSTANCE);
    }
}
