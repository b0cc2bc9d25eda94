package io.omnicast.bridge.ffmpeg;

import static io.omnicast.bridge.ffmpeg.FfmpegRuntime.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
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
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_free;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_read;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_size;
import static org.bytedeco.ffmpeg.global.avutil.av_audio_fifo_write;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import io.omnicast.bridge.media.AacConfig;
import io.omnicast.bridge.media.AudioTrack;
import io.omnicast.bridge.media.MediaFrame;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.PointerPointer;

/**
 * FFmpeg's native AAC-LC encoder. Takes decoded audio in any sample format, rate and layout, resamples it to
 * planar float at the output rate, cuts it into the encoder's 1024-sample frames through a FIFO and time-stamps
 * the output by sample count from the first input's time, so the audio clock never drifts.
 * One per stream; not thread-safe.
 */
public final class AacEncoder implements AutoCloseable {
    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVFrame frame;
    private final AVAudioFifo fifo;
    private final int sampleRate;
    private final int channels;
    private final AudioTrack track;
    private SwrContext resampler;
    private int resamplerInputRate = -1;
    private int resamplerInputFormat = -1;
    private long firstPtsMicros = Long.MIN_VALUE;
    private long samplesSent;

    public AacEncoder(int sampleRate, int channels, int bitrateKbps) {
        FfmpegRuntime.load();
        this.sampleRate = sampleRate;
        this.channels = channels;
        AVCodec codec = avcodec_find_encoder_by_name("aac");
        context = avcodec_alloc_context3(codec);
        context.sample_fmt(AV_SAMPLE_FMT_FLTP).sample_rate(sampleRate).bit_rate(bitrateKbps * 1000L);
        av_channel_layout_default(context.ch_layout(), channels);
        context.time_base(av_make_q(1, sampleRate));
        context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        try {
            check(avcodec_open2(context, codec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null),
                    "open AAC encoder " + sampleRate + " Hz " + channels + " ch");
        } catch (RuntimeException e) {
            avcodec_free_context(context);
            throw e;
        }
        byte[] config = new byte[context.extradata_size()];
        context.extradata().get(config);
        if (config.length < 2) {
            config = AacConfig.audioSpecificConfig(AacConfig.AAC_LC, AacConfig.frequencyIndex(sampleRate), channels);
        }
        track = new AudioTrack(sampleRate, channels, config);
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        frame.nb_samples(context.frame_size()).format(AV_SAMPLE_FMT_FLTP).sample_rate(sampleRate);
        av_channel_layout_copy(frame.ch_layout(), context.ch_layout());
        check(av_frame_get_buffer(frame, 0), "allocate AAC input frame");
        fifo = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, channels, context.frame_size() * 4);
    }

    public AudioTrack track() {
        return track;
    }

    /** Samples per encoded frame (1024 for AAC-LC). */
    public int frameSize() {
        return context.frame_size();
    }

    /**
     * Adds decoded audio (any format FFmpeg decoders produce) whose first sample plays at {@code ptsMicros}, and
     * returns the AAC frames that became complete.
     */
    public List<MediaFrame> encode(AVFrame decoded, long ptsMicros, long arrivalNanos) {
        if (firstPtsMicros == Long.MIN_VALUE) {
            firstPtsMicros = ptsMicros;
        }
        if (resampler == null || resamplerInputRate != decoded.sample_rate()
                || resamplerInputFormat != decoded.format()) {
            openResampler(decoded);
        }
        int maxOut = (int) ((long) decoded.nb_samples() * sampleRate / decoded.sample_rate()) + 256;
        AVFrame converted = av_frame_alloc();
        try {
            converted.nb_samples(maxOut).format(AV_SAMPLE_FMT_FLTP).sample_rate(sampleRate);
            av_channel_layout_copy(converted.ch_layout(), context.ch_layout());
            check(av_frame_get_buffer(converted, 0), "allocate resampled audio");
            int samples = check(swr_convert(resampler, converted.extended_data(), maxOut,
                    decoded.extended_data(), decoded.nb_samples()), "resample audio");
            av_audio_fifo_write(fifo, converted.extended_data(), samples);
        } finally {
            av_frame_free(converted);
        }
        return drainFifo(arrivalNanos);
    }

    /**
     * Adds one frame of exactly {@link #frameSize()} planar float samples at this encoder's rate (the tone
     * generator's fast path: no resampler, no FIFO).
     */
    public List<MediaFrame> encodePlanar(float[][] samples, long ptsMicros, long arrivalNanos) {
        if (firstPtsMicros == Long.MIN_VALUE) {
            firstPtsMicros = ptsMicros;
        }
        check(av_frame_make_writable(frame), "make AAC frame writable");
        for (int c = 0; c < channels; c++) {
            new org.bytedeco.javacpp.FloatPointer(frame.extended_data(c)).put(samples[c], 0, frameSize());
        }
        return sendFrame(arrivalNanos);
    }

    private void openResampler(org.bytedeco.ffmpeg.avutil.AVFrame decoded) {
        if (resampler != null) {
            swr_free(resampler);
        }
        resampler = new SwrContext(null);
        check(swr_alloc_set_opts2(resampler, context.ch_layout(), AV_SAMPLE_FMT_FLTP, sampleRate,
                decoded.ch_layout(), decoded.format(), decoded.sample_rate(), 0, null), "configure resampler");
        check(swr_init(resampler), "open resampler");
        resamplerInputRate = decoded.sample_rate();
        resamplerInputFormat = decoded.format();
    }

    private List<MediaFrame> drainFifo(long arrivalNanos) {
        List<MediaFrame> out = new ArrayList<>();
        while (av_audio_fifo_size(fifo) >= frameSize()) {
            check(av_frame_make_writable(frame), "make AAC frame writable");
            av_audio_fifo_read(fifo, frame.extended_data(), frameSize());
            out.addAll(sendFrame(arrivalNanos));
        }
        return out;
    }

    private List<MediaFrame> sendFrame(long arrivalNanos) {
        frame.pts(samplesSent);
        samplesSent += frameSize();
        check(avcodec_send_frame(context, frame), "AAC send frame");
        List<MediaFrame> out = new ArrayList<>(1);
        while (true) {
            int result = avcodec_receive_packet(context, packet);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                return out;
            }
            check(result, "AAC receive packet");
            try {
                byte[] data = new byte[packet.size()];
                packet.data().get(data);
                long pts = firstPtsMicros + packet.pts() * 1_000_000L / sampleRate;
                out.add(new MediaFrame(MediaFrame.Kind.AUDIO, pts, pts, true, List.of(data), arrivalNanos, false));
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    @Override
    public void close() {
        av_packet_free(packet);
        av_frame_free(frame);
        av_audio_fifo_free(fifo);
        if (resampler != null) {
            swr_free(resampler);
        }
        avcodec_free_context(context);
    }
}
