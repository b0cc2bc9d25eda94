package io.omnicast.bridge.source;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;

import io.omnicast.bridge.ffmpeg.FfmpegRuntime;
import io.omnicast.bridge.media.AudioTrack;
import io.omnicast.bridge.media.MediaFrame;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

/**
 * A second, audio-only input read next to the video one: the microphone of a camera set-up (ALSA or PulseAudio
 * {@code default}) or any FFmpeg input device. Its own thread reads and encodes to AAC, because a capture device
 * has to be drained at its own pace, not once per video frame; the input thread takes the frames with
 * {@link #poll()}. Timestamps are the device's, in microseconds; the caller lines them up with the video.
 *
 * <p>{@link #open} fails with a {@link SourceException} saying why when the device is missing. Everything native is
 * released by the reading thread when it ends, or by {@link #close()} when it never started.
 */
final class AudioCapture implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AudioCapture.class);
    /** About 5 s of AAC at 48 kHz: the input thread takes frames every video frame, so this only fills on a stall. */
    static final int MAX_QUEUED_FRAMES = 256;

    private final String label;
    private final ArrayBlockingQueue<MediaFrame> frames = new ArrayBlockingQueue<>(MAX_QUEUED_FRAMES);
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private AVFormatContext format;
    private AVPacket packet;
    private AudioTranscoder transcoder;
    private int streamIndex;
    private Thread thread;
    private volatile boolean stop;
    private volatile String problem;

    private AudioCapture(String label) {
        this.label = label;
    }

    /** Opens {@code spec} (mode DEVICE) and reads its parameters; the reading starts with {@link #start()}. */
    static AudioCapture open(AudioInputSpec spec) {
        FfmpegRuntime.load();
        AudioCapture capture = new AudioCapture(spec.label());
        try {
            capture.openDevice(spec);
            return capture;
        } catch (RuntimeException e) {
            capture.release();
            throw e;
        }
    }

    private void openDevice(AudioInputSpec spec) {
        AVInputFormat inputFormat = av_find_input_format(spec.format());
        if (inputFormat == null) {
            throw new SourceException("audio input " + label + ": this FFmpeg build has no '" + spec.format()
                    + "' input device");
        }
        format = avformat_alloc_context();
        int result = avformat_open_input(format, spec.device(), inputFormat, (AVDictionary) null);
        if (result < 0) {
            format = null; // avformat_open_input frees the context on failure
            throw new SourceException("audio input " + label + " cannot be opened: " + FfmpegRuntime.errorText(result));
        }
        streamIndex = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1,
                (org.bytedeco.ffmpeg.avcodec.AVCodec) null, 0);
        if (streamIndex < 0) {
            throw new SourceException("audio input " + label + " has no audio stream");
        }
        AVStream stream = format.streams(streamIndex);
        if (stream.codecpar().sample_rate() <= 0 || stream.codecpar().ch_layout().nb_channels() <= 0) {
            throw new SourceException("audio input " + label + " reports no sample rate or channels");
        }
        packet = av_packet_alloc();
        try {
            transcoder = new AudioTranscoder(stream);
        } catch (RuntimeException e) {
            throw new SourceException("audio input " + label + ": cannot encode it to AAC: " + e.getMessage(), e);
        }
    }

    AudioTrack track() {
        return transcoder.track();
    }

    String label() {
        return label;
    }

    /** Why the capture stopped early (the device went away), or null while it runs. */
    String problem() {
        return problem;
    }

    long framesDropped() {
        return dropped.get();
    }

    void start() {
        thread = new Thread(this::readLoop, "audio-input");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next encoded frame, or null when none is waiting. */
    MediaFrame poll() {
        return frames.poll();
    }

    private void readLoop() {
        try {
            while (!stop) {
                int result = av_read_frame(format, packet);
                long arrival = System.nanoTime();
                if (result == AVERROR_EAGAIN()) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    continue;
                }
                if (result < 0) {
                    if (!stop) {
                        problem = "audio input " + label + " stopped: " + FfmpegRuntime.errorText(result);
                        LOG.warn("{}; continuing with video only", problem);
                    }
                    return;
                }
                try {
                    if (packet.stream_index() == streamIndex) {
                        offer(transcoder.push(packet, 0, arrival));
                    }
                } finally {
                    av_packet_unref(packet);
                }
            }
        } catch (RuntimeException e) {
            problem = "audio input " + label + " failed: " + e.getMessage();
            LOG.warn("{}; continuing with video only", problem);
        } finally {
            release();
        }
    }

    private void offer(List<MediaFrame> encoded) {
        for (MediaFrame frame : encoded) {
            while (!frames.offer(frame)) {
                if (frames.poll() != null) { // the oldest goes: the consumer is behind, keep the audio live
                    dropped.incrementAndGet();
                }
            }
        }
    }

    private void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        if (transcoder != null) {
            transcoder.close();
        }
        if (packet != null) {
            av_packet_free(packet);
        }
        if (format != null) {
            avformat_close_input(format);
        }
    }

    @Override
    public void close() {
        stop = true;
        Thread t = thread;
        if (t == null) {
            release();
            return;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(2)); // a read returns within one device period; the thread releases
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
