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
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.omnicast.bridge.ffmpeg.AacEncoder;
import io.omnicast.bridge.ffmpeg.FfmpegException;
import io.omnicast.bridge.media.AudioTrack;
import io.omnicast.bridge.media.MediaFrame;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/** Decodes any audio FFmpeg reads and encodes it to AAC-LC (48 kHz, at most stereo). Not thread-safe. */
final class AudioTranscoder implements AutoCloseable {
    private static final AVRational MICROSECONDS = av_make_q(1, 1_000_000);
    private static final int OUTPUT_RATE = 48_000;
    private static final int BITRATE_KBPS = 128;

    private final AVCodecContext decoder;
    private final AVRational streamTimeBase;
    private final AVFrame decoded;
    private final AacEncoder encoder;

    AudioTranscoder(AVStream stream) {
        AVCodec codec = avcodec_find_decoder(stream.codecpar().codec_id());
        if (codec == null) {
            throw new FfmpegException("no decoder for audio codec id " + stream.codecpar().codec_id(), 0);
        }
        decoder = avcodec_alloc_context3(codec);
        check(avcodec_parameters_to_context(decoder, stream.codecpar()), "copy audio decoder parameters");
        decoder.pkt_timebase(stream.time_base());
        check(avcodec_open2(decoder, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
                "open audio decoder " + codec.name().getString());
        streamTimeBase = stream.time_base();
        decoded = av_frame_alloc();
        int channels = Math.max(1, Math.min(2, stream.codecpar().ch_layout().nb_channels()));
        encoder = new AacEncoder(OUTPUT_RATE, channels, BITRATE_KBPS);
    }

    AudioTrack track() {
        return encoder.track();
    }

    List<MediaFrame> push(AVPacket packet, long offsetMicros, long arrivalNanos) {
        int sent = avcodec_send_packet(decoder, packet);
        if (sent < 0 && sent != AVERROR_EOF) {
            return List.of();
        }
        List<MediaFrame> out = new ArrayList<>(2);
        while (true) {
            int result = avcodec_receive_frame(decoder, decoded);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                break;
            }
            check(result, "decode audio");
            try {
                long ts = decoded.best_effort_timestamp();
                long pts = ts == AV_NOPTS_VALUE ? 0 : av_rescale_q(ts, streamTimeBase, MICROSECONDS) + offsetMicros;
                out.addAll(encoder.encode(decoded, pts, arrivalNanos));
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
        avcodec_free_context(decoder);
    }
}
