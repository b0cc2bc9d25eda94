package io.omnicast.bridge.source;

import static io.omnicast.bridge.ffmpeg.FfmpegRuntime.check;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_guess_frame_rate;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.omnicast.bridge.ffmpeg.FfmpegException;
import io.omnicast.bridge.ffmpeg.FfmpegRuntime;
import io.omnicast.bridge.media.AacConfig;
import io.omnicast.bridge.media.AudioTrack;
import io.omnicast.bridge.media.H264Units;
import io.omnicast.bridge.media.MediaFrame;
import io.omnicast.bridge.media.StreamInfo;
import io.omnicast.bridge.media.VideoTrack;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.Pointer;

/**
 * Every input FFmpeg can demux: files, V4L2, RTP with an SDP, MPEG-TS over UDP, RTMP (listening), RTSP (pulling).
 * H.264 passes through: AVCC samples become NAL units using the {@code avcC} length size, Annex-B streams are
 * split at start codes, and no NAL unit is changed. Other video, or {@code transcode}, goes through libx264; AAC
 * passes through (ADTS headers removed), other audio is encoded to AAC.
 *
 * <p>A blocked open or read is bounded by an FFmpeg interrupt callback: no data for {@code stallTimeout} (or no
 * input within {@code openTimeout}, except a listening RTMP server, which waits for its encoder) and the call
 * returns, and so does {@link #interrupt()}. A file that loops is re-read from the start with its timestamps
 * shifted past the previous pass, so they keep increasing.
 *
 * <p>A second, audio-only input ({@link AudioCapture}: the default ALSA/PulseAudio input of a V4L2 camera, or the
 * device of {@code --audio-input}) gives the audio track when one is set and opens; when none opens the input goes
 * on with video only. Its frames are put on the video's clock by their arrival time.
 */
public final class DemuxSource implements MediaSource {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DemuxSource.class);
    private static final AVRational MICROSECONDS = av_make_q(1, 1_000_000);
    /** Packets read while looking for in-band SPS/PPS before the tracks can be announced. */
    private static final int MAX_PROBE_PACKETS = 600;

    /**
     * How to read and, where needed, encode; {@code audioInput} says whether a capture device gives the audio
     * ({@link AudioInputSpec#candidates}).
     */
    public record Settings(SourceSpec spec, boolean transcode, int bitrateKbps, int gopFrames, String preset,
            boolean loop, Duration openTimeout, Duration stallTimeout, AudioInputSpec audioInput) {
        public Settings {
            java.util.Objects.requireNonNull(audioInput, "audioInput");
        }

        /** With {@code --audio-input auto}. */
        public Settings(SourceSpec spec, boolean transcode, int bitrateKbps, int gopFrames, String preset,
                boolean loop, Duration openTimeout, Duration stallTimeout) {
            this(spec, transcode, bitrateKbps, gopFrames, preset, loop, openTimeout, stallTimeout,
                    AudioInputSpec.AUTO);
        }
    }

    /** Ends blocking FFmpeg calls at a deadline or on request; called by FFmpeg on the reading thread. */
    private static final class Interrupter extends AVIOInterruptCB.Callback_Pointer {
        volatile boolean stop;
        volatile long deadlineNanos;
        volatile boolean bounded;

        void arm(Duration timeout) {
            deadlineNanos = System.nanoTime() + timeout.toNanos();
            bounded = true;
        }

        void disarm() {
            bounded = false;
        }

        boolean expired() {
            return bounded && System.nanoTime() - deadlineNanos > 0;
        }

        @Override
        public int call(Pointer opaque) {
            return stop || expired() ? 1 : 0;
        }
    }

    private final Settings settings;
    private final Interrupter interrupter = new Interrupter();
    private final ArrayDeque<MediaFrame> ready = new ArrayDeque<>();
    private AVFormatContext format;
    private AVPacket packet;
    private int videoIndex = -1;
    private int audioIndex = -1;
    private int nalLengthSize;
    private boolean adts;
    private AVRational videoTimeBase;
    private AVRational audioTimeBase;
    private VideoTranscoder videoTranscoder;
    private AudioTranscoder audioTranscoder;
    private int audioSampleRate;
    private long frameDurationMicros = 33_333;
    private long loopOffsetMicros;
    private long firstDtsMicros = Long.MIN_VALUE;
    /** The latest video time (pts or dts, offset included) seen in this pass: where the next pass must start after. */
    private long latestVideoMicros = Long.MIN_VALUE;
    private boolean ended;
    private RtmpKeyGate rtmpGate;
    private AudioCapture audioCapture;
    private String audioInputProblem;
    /** Maps the capture device's clock onto the video's: set at the first captured frame. */
    private long captureOffsetMicros = Long.MIN_VALUE;
    private long lastVideoDtsMicros = Long.MIN_VALUE;
    private long lastVideoArrivalNanos;

    public DemuxSource(Settings settings) {
        this.settings = settings;
    }

    @Override
    public StreamInfo open() {
        FfmpegRuntime.load();
        SourceSpec spec = settings.spec();
        AVInputFormat inputFormat = null;
        if (spec.format() != null) {
            inputFormat = av_find_input_format(spec.format());
            if (inputFormat == null) {
                throw new SourceException("this FFmpeg build has no '" + spec.format() + "' demuxer for "
                        + spec.label());
            }
        }
        if (spec.kind() == SourceSpec.Kind.RTMP && rtmpGate == null) {
            rtmpGate = new RtmpKeyGate(spec.url());
        }
        while (true) {
            long endedBefore = rtmpGate == null ? 0 : rtmpGate.endedBeforePublish();
            int result = openInput(inputFormat);
            if (result >= 0) {
                break;
            }
            if (rtmpGate != null && !interrupter.stop && rtmpGate.endedBeforePublish() != endedBefore) {
                continue; // the gate turned a publisher away (or it left before publishing): listen again
            }
            throw failure("cannot open " + spec.label(), result);
        }
        interrupter.arm(settings.openTimeout());
        int info = avformat_find_stream_info(format, (AVDictionary) null);
        if (info < 0) {
            throw failure("cannot read the stream parameters of " + spec.label(), info);
        }
        videoIndex = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (org.bytedeco.ffmpeg.avcodec.AVCodec) null,
                0);
        if (videoIndex < 0) {
            throw new SourceException(spec.label() + " has no video stream");
        }
        audioIndex = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, videoIndex,
                (org.bytedeco.ffmpeg.avcodec.AVCodec) null, 0);
        openAudioInput();
        if (audioCapture != null) {
            audioIndex = -1; // the capture device gives the audio
        }
        packet = av_packet_alloc();
        AVStream video = format.streams(videoIndex);
        videoTimeBase = video.time_base();
        AVRational rate = av_guess_frame_rate(format, video, null);
        if (rate.num() <= 0 || rate.den() <= 0) {
            rate = av_make_q(30, 1);
        }
        frameDurationMicros = Math.max(1, 1_000_000L * rate.den() / rate.num());
        double frameRate = (double) rate.num() / rate.den();
        AVCodecParameters vp = video.codecpar();
        VideoTrack videoTrack;
        if (vp.codec_id() == AV_CODEC_ID_H264 && !settings.transcode()) {
            H264Units.DecoderConfig config = H264Units.parseExtradata(extradata(vp));
            nalLengthSize = config.nalLengthSize();
            byte[] sps = config.sps().isEmpty() ? null : config.sps().get(0);
            byte[] pps = config.pps().isEmpty() ? null : config.pps().get(0);
            if (sps == null || pps == null) {
                byte[][] inBand = probeInBandParameterSets();
                sps = inBand[0];
                pps = inBand[1];
            }
            videoTrack = new VideoTrack(vp.width(), vp.height(), frameRate, sps, pps);
        } else {
            videoTranscoder = new VideoTranscoder(video, rate, settings.bitrateKbps(), settings.gopFrames(),
                    settings.preset());
            videoTrack = new VideoTrack(videoTranscoder.width(), videoTranscoder.height(), frameRate,
                    videoTranscoder.sps(), videoTranscoder.pps());
        }
        Optional<AudioTrack> audioTrack = Optional.empty();
        if (audioCapture != null) {
            audioTrack = Optional.of(audioCapture.track());
            audioCapture.start();
        } else if (audioIndex >= 0) {
            AVStream audio = format.streams(audioIndex);
            audioTimeBase = audio.time_base();
            AVCodecParameters ap = audio.codecpar();
            if (ap.codec_id() == AV_CODEC_ID_AAC) {
                byte[] config = extradata(ap);
                if (config.length < 2) {
                    config = probeAdtsConfig();
                }
                audioSampleRate = AacConfig.sampleRateOf(config);
                audioTrack = Optional.of(new AudioTrack(audioSampleRate, AacConfig.channelsOf(config) == 0
                        ? ap.ch_layout().nb_channels() : AacConfig.channelsOf(config), config));
            } else {
                audioTranscoder = new AudioTranscoder(audio);
                audioTrack = Optional.of(audioTranscoder.track());
            }
        }
        return new StreamInfo(videoTrack, audioTrack, describe());
    }

    /**
     * Opens the first audio device of {@code --audio-input} that works. None working is no failure: the input goes
     * on with video only, and the log says why once.
     */
    private void openAudioInput() {
        List<AudioInputSpec> candidates = settings.audioInput().candidates(settings.spec().kind());
        if (candidates.isEmpty()) {
            return;
        }
        List<String> problems = new ArrayList<>(candidates.size());
        for (AudioInputSpec candidate : candidates) {
            try {
                audioCapture = AudioCapture.open(candidate);
                LOG.info("{}: audio from {} ({})", settings.spec().label(), candidate.label(), audioCapture.track());
                return;
            } catch (SourceException | io.omnicast.bridge.ffmpeg.FfmpegException e) {
                problems.add(e.getMessage());
            }
        }
        audioInputProblem = String.join("; ", problems);
        LOG.warn("{}: no audio input ({}); continuing with video only", settings.spec().label(), audioInputProblem);
    }

    /** Why no audio device is used although one was asked for (or, for v4l2, looked for); null otherwise. */
    String audioInputProblem() {
        AudioCapture capture = audioCapture;
        return capture != null && capture.problem() != null ? capture.problem() : audioInputProblem;
    }

    /** Moves what the audio device captured into the output, on the video's clock. */
    private void drainCapture() {
        if (audioCapture == null) {
            return;
        }
        MediaFrame frame;
        while ((frame = audioCapture.poll()) != null) {
            if (captureOffsetMicros == Long.MIN_VALUE) {
                if (lastVideoDtsMicros == Long.MIN_VALUE) {
                    continue; // nothing to line up with yet
                }
                // The video time at this frame's arrival: the latest video frame plus the time since it arrived.
                long videoNow = lastVideoDtsMicros + (frame.arrivalNanos() - lastVideoArrivalNanos) / 1000;
                captureOffsetMicros = videoNow - frame.ptsMicros();
            }
            ready.add(frame.withTimes(frame.ptsMicros() + captureOffsetMicros,
                    frame.dtsMicros() + captureOffsetMicros));
        }
    }

    /** One avformat_open_input; on failure {@code format} is null again (FFmpeg frees the context). */
    private int openInput(AVInputFormat inputFormat) {
        SourceSpec spec = settings.spec();
        format = avformat_alloc_context();
        AVIOInterruptCB callback = format.interrupt_callback();
        callback.callback(interrupter);
        if (spec.kind() == SourceSpec.Kind.RTMP) {
            interrupter.disarm(); // a listening server waits for its encoder as long as it takes
        } else {
            interrupter.arm(settings.openTimeout());
        }
        AVDictionary options = new AVDictionary(null);
        spec.options().forEach((k, v) -> av_dict_set(options, k, v, 0));
        try {
            int result = avformat_open_input(format, inputUrl(), inputFormat, options);
            if (result < 0) {
                format = null;
            }
            return result;
        } finally {
            av_dict_free(options);
        }
    }

    /**
     * The URL FFmpeg opens. UDP gets a receive timeout: with its FIFO thread FFmpeg's UDP protocol waits on a
     * condition variable that the interrupt callback never reaches, so only its own timeout ends a stall.
     */
    private String inputUrl() {
        SourceSpec spec = settings.spec();
        if (rtmpGate != null) {
            return rtmpGate.upstreamUrl(); // FFmpeg listens on loopback behind the key check
        }
        if (spec.kind() == SourceSpec.Kind.UDP) {
            return spec.url() + (spec.url().contains("?") ? "&" : "?") + "timeout="
                    + settings.stallTimeout().toNanos() / 1000;
        }
        return spec.url();
    }

    private static byte[] extradata(AVCodecParameters parameters) {
        byte[] data = new byte[Math.max(0, parameters.extradata_size())];
        if (data.length > 0) {
            parameters.extradata().get(data);
        }
        return data;
    }

    /** MPEG-TS often announces H.264 without extradata: read until an access unit carries SPS and PPS. */
    private byte[][] probeInBandParameterSets() {
        byte[] sps = null;
        byte[] pps = null;
        for (int i = 0; i < MAX_PROBE_PACKETS && (sps == null || pps == null); i++) {
            MediaFrame frame = readOne();
            if (frame == null) {
                break;
            }
            if (frame.kind() == MediaFrame.Kind.VIDEO) {
                for (byte[] unit : frame.units()) {
                    if (H264Units.type(unit) == H264Units.SPS) {
                        sps = unit;
                    } else if (H264Units.type(unit) == H264Units.PPS) {
                        pps = unit;
                    }
                }
            }
        }
        if (sps == null || pps == null) {
            throw new SourceException(settings.spec().label() + ": no H.264 SPS/PPS in the first "
                    + MAX_PROBE_PACKETS + " packets");
        }
        return new byte[][] {sps, pps};
    }

    /** AAC in MPEG-TS has no extradata; its ADTS headers say the same thing. */
    private byte[] probeAdtsConfig() {
        interrupter.arm(settings.openTimeout());
        for (int i = 0; i < MAX_PROBE_PACKETS; i++) {
            int result = av_read_frame(format, packet);
            if (result < 0) {
                throw failure(settings.spec().label() + ": no AAC frame to read the audio configuration from", result);
            }
            try {
                if (packet.stream_index() == audioIndex) {
                    byte[] data = packetBytes();
                    if (AacConfig.hasAdtsHeader(data, 0, data.length)) {
                        adts = true;
                        byte[] config = AacConfig.fromAdts(data, 0);
                        audioSampleRate = AacConfig.sampleRateOf(config);
                        addPacket(data, System.nanoTime());
                        return config;
                    }
                } else {
                    addPacket(packetBytes(), System.nanoTime());
                }
            } finally {
                av_packet_unref(packet);
            }
        }
        throw new SourceException(settings.spec().label() + ": AAC audio without configuration or ADTS headers");
    }

    @Override
    public MediaFrame read() {
        return readOne();
    }

    private MediaFrame readOne() {
        drainCapture();
        while (ready.isEmpty()) {
            if (ended) {
                return null;
            }
            interrupter.arm(settings.stallTimeout());
            int result = av_read_frame(format, packet);
            long arrival = System.nanoTime();
            if (result == AVERROR_EOF || (result < 0 && format.pb() != null && format.pb().eof_reached() != 0)) {
                onEndOfInput(arrival);
                continue;
            }
            if (result < 0) {
                throw failure("reading " + settings.spec().label() + " failed", result);
            }
            try {
                addPacket(null, arrival);
            } finally {
                av_packet_unref(packet);
            }
            drainCapture();
        }
        return ready.poll();
    }

    private void onEndOfInput(long arrival) {
        if (settings.spec().kind().reconnectable()) {
            // A live input does not end: its sender went away or it timed out. The bridge reopens it.
            throw new SourceException(settings.spec().label() + ": the input stopped (no data for "
                    + settings.stallTimeout().toMillis() + " ms or the sender closed it)");
        }
        if (settings.loop() && settings.spec().kind() == SourceSpec.Kind.FILE && latestVideoMicros != Long.MIN_VALUE) {
            // Decoders give back what they hold from this pass first, with this pass's offset.
            if (videoTranscoder != null) {
                ready.addAll(videoTranscoder.push(null, loopOffsetMicros, arrival));
            }
            if (audioTranscoder != null) {
                ready.addAll(audioTranscoder.push(null, loopOffsetMicros, arrival));
            }
            // The next pass starts one frame after the last one of this pass: timestamps never go back.
            long passLength = latestVideoMicros - loopOffsetMicros - firstDtsMicros + frameDurationMicros;
            loopOffsetMicros += Math.max(frameDurationMicros, passLength);
            check(av_seek_frame(format, -1, 0, AVSEEK_FLAG_BACKWARD), "seek " + settings.spec().label() + " to start");
            return;
        }
        if (videoTranscoder != null) {
            ready.addAll(videoTranscoder.push(null, loopOffsetMicros, arrival));
        }
        if (audioTranscoder != null) {
            ready.addAll(audioTranscoder.push(null, loopOffsetMicros, arrival));
        }
        ended = true;
    }

    /** Turns the current packet (or {@code data}, already copied out of it) into frames. */
    private void addPacket(byte[] data, long arrival) {
        int stream = packet.stream_index();
        if (stream == videoIndex) {
            long dts = micros(packet.dts() != AV_NOPTS_VALUE ? packet.dts() : packet.pts(), videoTimeBase);
            long pts = packet.pts() != AV_NOPTS_VALUE ? micros(packet.pts(), videoTimeBase) : dts;
            if (firstDtsMicros == Long.MIN_VALUE) {
                firstDtsMicros = dts;
            }
            latestVideoMicros = Math.max(latestVideoMicros, Math.max(pts, dts) + loopOffsetMicros);
            lastVideoDtsMicros = dts + loopOffsetMicros;
            lastVideoArrivalNanos = arrival;
            if (videoTranscoder != null) {
                ready.addAll(videoTranscoder.push(packet, loopOffsetMicros, arrival));
                return;
            }
            byte[] bytes = data != null ? data : packetBytes();
            List<byte[]> units;
            try {
                units = H264Units.split(bytes, 0, bytes.length, nalLengthSize);
            } catch (IllegalArgumentException e) {
                return; // a corrupt sample is dropped; the next keyframe repairs the picture
            }
            if (units.isEmpty()) {
                return;
            }
            boolean key = (packet.flags() & AV_PKT_FLAG_KEY) != 0 || H264Units.containsIdr(units);
            ready.add(new MediaFrame(MediaFrame.Kind.VIDEO, pts + loopOffsetMicros, dts + loopOffsetMicros, key, units,
                    arrival, false));
        } else if (stream == audioIndex) {
            if (audioTranscoder != null) {
                ready.addAll(audioTranscoder.push(packet, loopOffsetMicros, arrival));
                return;
            }
            byte[] bytes = data != null ? data : packetBytes();
            long pts = micros(packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts(), audioTimeBase)
                    + loopOffsetMicros;
            addAac(bytes, pts, arrival);
        }
    }

    private void addAac(byte[] bytes, long pts, long arrival) {
        if (!adts && !AacConfig.hasAdtsHeader(bytes, 0, bytes.length)) {
            ready.add(new MediaFrame(MediaFrame.Kind.AUDIO, pts, pts, true, List.of(bytes), arrival, false));
            return;
        }
        // One packet may hold several ADTS frames; each becomes one raw AAC frame of 1024 samples.
        List<MediaFrame> frames = new ArrayList<>(1);
        int pos = 0;
        long framePts = pts;
        while (pos + 7 <= bytes.length && AacConfig.hasAdtsHeader(bytes, pos, bytes.length - pos)) {
            int length = (bytes[pos + 3] & 0x03) << 11 | (bytes[pos + 4] & 0xFF) << 3 | (bytes[pos + 5] & 0xE0) >> 5;
            int header = AacConfig.adtsHeaderBytes(bytes, pos);
            if (length <= header || pos + length > bytes.length) {
                break;
            }
            frames.add(new MediaFrame(MediaFrame.Kind.AUDIO, framePts, framePts, true,
                    List.of(Arrays.copyOfRange(bytes, pos + header, pos + length)), arrival, false));
            framePts += audioSampleRate > 0 ? 1024L * 1_000_000L / audioSampleRate : 0;
            pos += length;
        }
        ready.addAll(frames);
    }

    private byte[] packetBytes() {
        byte[] bytes = new byte[packet.size()];
        if (bytes.length > 0) {
            packet.data().get(bytes);
        }
        return bytes;
    }

    private static long micros(long value, AVRational timeBase) {
        return value == AV_NOPTS_VALUE ? 0 : av_rescale_q(value, timeBase, MICROSECONDS);
    }

    private SourceException failure(String what, int code) {
        if (interrupter.stop) {
            return new SourceException(what + ": interrupted");
        }
        if (interrupter.expired()) {
            return new SourceException(what + ": no data for " + (ended ? settings.openTimeout()
                    : settings.stallTimeout()).toMillis() + " ms (input stalled)");
        }
        return new SourceException(what + ": " + FfmpegRuntime.errorText(code), new FfmpegException(what, code));
    }

    @Override
    public boolean reconnectable() {
        return settings.spec().kind().reconnectable();
    }

    @Override
    public boolean needsPacing() {
        return settings.spec().kind() == SourceSpec.Kind.FILE;
    }

    @Override
    public String describe() {
        return settings.spec().label();
    }

    @Override
    public void interrupt() {
        interrupter.stop = true;
    }

    @Override
    public void close() {
        if (audioCapture != null) {
            audioCapture.close();
            audioCapture = null;
        }
        if (videoTranscoder != null) {
            videoTranscoder.close();
            videoTranscoder = null;
        }
        if (audioTranscoder != null) {
            audioTranscoder.close();
            audioTranscoder = null;
        }
        if (packet != null) {
            av_packet_free(packet);
            packet = null;
        }
        if (format != null) {
            avformat_close_input(format);
            format = null;
        }
        if (rtmpGate != null) {
            rtmpGate.close();
            rtmpGate = null;
        }
    }
}
