package io.omnicast.bridge.ffmpeg;

import static io.omnicast.bridge.ffmpeg.FfmpegRuntime.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.omnicast.bridge.media.H264Units;
import io.omnicast.bridge.media.MediaFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * libx264 in real-time mode: {@code tune=zerolatency} (no B-frames, no lookahead, one frame in, one frame out), a
 * fixed keyframe interval, and VBV capped at the target bitrate so a live stream does not burst. SPS and PPS come
 * from the global header; {@link io.omnicast.bridge.media.ParameterSetInjector} puts them before every IDR.
 * One per stream; not thread-safe.
 */
public final class H264Encoder implements AutoCloseable {
    private static final AVRational MICROSECONDS = av_make_q(1, 1_000_000);

    /** What to encode and how. {@code timeBase} is the unit of the frames' pts. */
    public record Settings(int width, int height, AVRational timeBase, AVRational frameRate, int bitrateKbps,
            int gopFrames, String preset) {
        public Settings {
            Objects.requireNonNull(timeBase, "timeBase");
            Objects.requireNonNull(frameRate, "frameRate");
            Objects.requireNonNull(preset, "preset");
            if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
                throw new IllegalArgumentException("video size must be positive and even (was " + width + "x" + height
                        + ")");
            }
        }
    }

    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVRational timeBase;
    private final byte[] sps;
    private final byte[] pps;

    public H264Encoder(Settings settings) {
        FfmpegRuntime.load();
        AVCodec codec = avcodec_find_encoder_by_name("libx264");
        context = avcodec_alloc_context3(codec);
        context.width(settings.width()).height(settings.height()).pix_fmt(AV_PIX_FMT_YUV420P);
        context.time_base(settings.timeBase()).framerate(settings.frameRate());
        context.gop_size(settings.gopFrames()).keyint_min(settings.gopFrames()).max_b_frames(0);
        long bitsPerSecond = settings.bitrateKbps() * 1000L;
        context.bit_rate(bitsPerSecond).rc_max_rate(bitsPerSecond).rc_buffer_size((int) bitsPerSecond);
        context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        timeBase = settings.timeBase();
        AVDictionary options = new AVDictionary(null);
        av_dict_set(options, "preset", settings.preset(), 0);
        av_dict_set(options, "tune", "zerolatency", 0);
        // scenecut would insert extra IDRs; a fixed GOP keeps the server's keyframe cache predictable.
        av_dict_set(options, "x264-params", "scenecut=0:repeat-headers=0", 0);
        try {
            check(avcodec_open2(context, codec, options), "open libx264 " + settings.width() + "x" + settings.height()
                    + " preset " + settings.preset());
        } catch (RuntimeException e) {
            avcodec_free_context(context);
            throw e;
        } finally {
            av_dict_free(options);
        }
        byte[] extradata = new byte[context.extradata_size()];
        context.extradata().get(extradata);
        H264Units.DecoderConfig config = H264Units.parseExtradata(extradata);
        if (config.sps().isEmpty() || config.pps().isEmpty()) {
            close();
            throw new FfmpegException("libx264 gave no SPS/PPS in its global header", 0);
        }
        sps = config.sps().get(0);
        pps = config.pps().get(0);
        packet = av_packet_alloc();
    }

    public byte[] sps() {
        return sps.clone();
    }

    public byte[] pps() {
        return pps.clone();
    }

    /** Encodes one YUV 4:2:0 frame (its pts in the settings' time base) and returns what came out (0 or 1 frames). */
    public List<MediaFrame> encode(AVFrame frame, long arrivalNanos) {
        check(avcodec_send_frame(context, frame), "libx264 send frame");
        return drain(arrivalNanos);
    }

    /** Flushes the encoder at the end of input. */
    public List<MediaFrame> flush(long arrivalNanos) {
        avcodec_send_frame(context, null);
        return drain(arrivalNanos);
    }

    private List<MediaFrame> drain(long arrivalNanos) {
        List<MediaFrame> out = new ArrayList<>(1);
        while (true) {
            int result = avcodec_receive_packet(context, packet);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                return out;
            }
            check(result, "libx264 receive packet");
            try {
                byte[] data = new byte[packet.size()];
                packet.data().get(data);
                long pts = packet.pts() == AV_NOPTS_VALUE ? 0 : av_rescale_q(packet.pts(), timeBase, MICROSECONDS);
                long dts = packet.dts() == AV_NOPTS_VALUE ? pts : av_rescale_q(packet.dts(), timeBase, MICROSECONDS);
                List<byte[]> units = H264Units.splitAnnexB(data, 0, data.length);
                if (!units.isEmpty()) {
                    boolean key = (packet.flags() & AV_PKT_FLAG_KEY) != 0 || H264Units.containsIdr(units);
                    out.add(new MediaFrame(MediaFrame.Kind.VIDEO, pts, dts, key, units, arrivalNanos, false));
                }
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    @Override
    public void close() {
        if (packet != null) {
            av_packet_free(packet);
        }
        avcodec_free_context(context);
    }
}
