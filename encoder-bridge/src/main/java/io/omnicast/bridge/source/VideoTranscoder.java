package io.omnicast.bridge.source;

import static io.omnicast.bridge.ffmpeg.FfmpegRuntime.check;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.omnicast.bridge.ffmpeg.FfmpegException;
import io.omnicast.bridge.ffmpeg.H264Encoder;
import io.omnicast.bridge.media.MediaFrame;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

/**
 * Decodes any video FFmpeg reads and re-encodes it with libx264: the path for non-H.264 input and for
 * {@code --transcode}. Timestamps go in and out in microseconds; the encoder is fed strictly increasing ones.
 * Not thread-safe.
 */
final class VideoTranscoder implements AutoCloseable {
    private static final AVRational MICROSECONDS = av_make_q(1, 1_000_000);

    private final AVCodecContext decoder;
    private final AVRational streamTimeBase;
    private final AVFrame decoded;
    private final AVFrame scaled;
    private final H264Encoder encoder;
    private final int width;
    private final int height;
    private SwsContext scaler;
    private long lastPtsMicros = Long.MIN_VALUE;

    VideoTranscoder(AVStream stream, AVRational frameRate, int bitrateKbps, int gopFrames, String preset) {
        AVCodec codec = avcodec_find_decoder(stream.codecpar().codec_id());
        if (codec == null) {
            throw new FfmpegException("no decoder for video codec id " + stream.codecpar().codec_id(), 0);
        }
        decoder = avcodec_alloc_context3(codec);
        check(avcodec_parameters_to_context(decoder, stream.codecpar()), "copy video decoder parameters");
        decoder.pkt_timebase(stream.time_base());
        check(avcodec_open2(decoder, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
                "open video decoder " + codec.name().getString());
        streamTimeBase = stream.time_base();
        width = stream.codecpar().width() & ~1;
        height = stream.codecpar().height() & ~1;
        decoded = av_frame_alloc();
        scaled = av_frame_alloc();
        scaled.format(AV_PIX_FMT_YUV420P).width(width).height(height);
        check(av_frame_get_buffer(scaled, 0), "allocate scaled picture");
        encoder = new H264Encoder(new H264Encoder.Settings(width, height, MICROSECONDS, frameRate, bitrateKbps,
                gopFrames, preset));
    }

    byte[] sps() {
        return encoder.sps();
    }

    byte[] pps() {
        return encoder.pps();
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Decodes {@code packet} (null flushes) and encodes what came out; {@code offsetMicros} is added to times. */
    List<MediaFrame> push(AVPacket packet, long offsetMicros, long arrivalNanos) {
        int sent = avcodec_send_packet(decoder, packet);
        if (sent < 0 && sent != AVERROR_EOF) {
            return List.of(); // a damaged packet: the decoder skips to what it can decode, like any player
        }
        List<MediaFrame> out = new ArrayList<>(2);
        while (true) {
            int result = avcodec_receive_frame(decoder, decoded);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                break;
            }
            check(result, "decode video");
            try {
                long ts = decoded.best_effort_timestamp();
                long pts = ts == AV_NOPTS_VALUE ? lastPtsMicros + 1
                        : av_rescale_q(ts, streamTimeBase, MICROSECONDS) + offsetMicros;
                if (lastPtsMicros != Long.MIN_VALUE && pts <= lastPtsMicros) {
                    pts = lastPtsMicros + 1;
                }
                lastPtsMicros = pts;
                scaler = sws_getCachedContext(scaler, decoded.width(), decoded.height(), decoded.format(), width,
                        height, AV_PIX_FMT_YUV420P, SWS_BILINEAR, null, null, (DoublePointer) null);
                check(org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable(scaled), "make picture writable");
                sws_scale(scaler, decoded.data(), decoded.linesize(), 0, decoded.height(), scaled.data(),
                        scaled.linesize());
                scaled.pts(pts);
                out.addAll(encoder.encode(scaled, arrivalNanos));
            } finally {
                av_frame_unref(decoded);
            }
        }
        if (packet == null) {
            avcodec_flush_buffers(decoder);
        }
        return out;
    }

    @Override
    public void close() {
        encoder.close();
        av_frame_free(decoded);
        av_frame_free(scaled);
        if (scaler != null) {
            sws_freeContext(scaler);
        }
        avcodec_free_context(decoder);
    }
}
