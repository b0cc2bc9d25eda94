package io.omnicast.bridge.source;

import static io.omnicast.bridge.ffmpeg.FfmpegRuntime.check;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import io.omnicast.bridge.ffmpeg.AacEncoder;
import io.omnicast.bridge.ffmpeg.FfmpegRuntime;
import io.omnicast.bridge.ffmpeg.H264Encoder;
import io.omnicast.bridge.media.MediaFrame;
import io.omnicast.bridge.media.StreamInfo;
import io.omnicast.bridge.media.VideoTrack;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

/**
 * The built-in live test pattern: scrolling bands, a bouncing box, a burnt-in clock and frame counter, and a 1 kHz
 * tone, encoded in real time (libx264 zerolatency, FFmpeg's AAC). Frames come out at the wall-clock rate, so it
 * behaves like a camera; it never ends.
 */
public final class TestPatternSource implements MediaSource {
    /** Test-pattern geometry and encoding. */
    public record Settings(int width, int height, int frameRate, int bitrateKbps, int gopFrames, String preset,
            boolean audio) {
    }

    private static final int AUDIO_RATE = 48_000;
    private static final int AUDIO_CHANNELS = 2;
    private static final int AUDIO_BITRATE_KBPS = 96;
    private static final double TONE_HZ = 1000;

    private final Settings settings;
    private final ArrayDeque<MediaFrame> ready = new ArrayDeque<>();
    private TestPatternPainter painter;
    private H264Encoder video;
    private AacEncoder audio;
    private AVFrame picture;
    private float[][] tone;
    private long startNanos;
    private long frameIndex;
    private long audioSamples;
    private volatile boolean interrupted;

    public TestPatternSource(Settings settings) {
        this.settings = settings;
    }

    @Override
    public StreamInfo open() {
        FfmpegRuntime.load();
        painter = new TestPatternPainter(settings.width(), settings.height());
        video = new H264Encoder(new H264Encoder.Settings(settings.width(), settings.height(),
                av_make_q(1, settings.frameRate()), av_make_q(settings.frameRate(), 1), settings.bitrateKbps(),
                settings.gopFrames(), settings.preset()));
        picture = av_frame_alloc();
        picture.format(AV_PIX_FMT_YUV420P).width(settings.width()).height(settings.height());
        check(av_frame_get_buffer(picture, 0), "allocate test pattern picture");
        Optional<io.omnicast.bridge.media.AudioTrack> audioTrack = Optional.empty();
        if (settings.audio()) {
            audio = new AacEncoder(AUDIO_RATE, AUDIO_CHANNELS, AUDIO_BITRATE_KBPS);
            tone = new float[AUDIO_CHANNELS][audio.frameSize()];
            audioTrack = Optional.of(audio.track());
        }
        startNanos = System.nanoTime();
        return new StreamInfo(new VideoTrack(settings.width(), settings.height(), settings.frameRate(), video.sps(),
                video.pps()), audioTrack, describe());
    }

    @Override
    public MediaFrame read() {
        while (ready.isEmpty()) {
            produceNextFrame();
        }
        return ready.poll();
    }

    private void produceNextFrame() {
        long due = startNanos + frameIndex * TimeUnit.SECONDS.toNanos(1) / settings.frameRate();
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            if (interrupted) {
                throw new SourceException("test pattern interrupted");
            }
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
        }
        if (interrupted) {
            throw new SourceException("test pattern interrupted");
        }
        long now = System.nanoTime();
        painter.paint(frameIndex, LocalTime.now());
        check(av_frame_make_writable(picture), "make test pattern picture writable");
        copyPlane(painter.luma, settings.width(), settings.height(), picture.data(0), picture.linesize(0));
        copyPlane(painter.chromaU, settings.width() / 2, settings.height() / 2, picture.data(1), picture.linesize(1));
        copyPlane(painter.chromaV, settings.width() / 2, settings.height() / 2, picture.data(2), picture.linesize(2));
        picture.pts(frameIndex);
        List<MediaFrame> encoded = video.encode(picture, now);
        frameIndex++;
        ready.addAll(encoded);
        if (audio != null) {
            long audioDue = frameIndex * AUDIO_RATE / settings.frameRate();
            while (audioSamples + audio.frameSize() <= audioDue) {
                for (int i = 0; i < audio.frameSize(); i++) {
                    float sample = (float) (0.2 * Math.sin(2 * Math.PI * TONE_HZ * (audioSamples + i) / AUDIO_RATE));
                    for (int c = 0; c < AUDIO_CHANNELS; c++) {
                        tone[c][i] = sample;
                    }
                }
                ready.addAll(audio.encodePlanar(tone, audioSamples * 1_000_000L / AUDIO_RATE, now));
                audioSamples += audio.frameSize();
            }
        }
    }

    private static void copyPlane(byte[] source, int width, int height, BytePointer target, int linesize) {
        if (linesize == width) {
            target.put(source, 0, width * height);
            return;
        }
        for (int row = 0; row < height; row++) {
            target.position((long) row * linesize).put(source, row * width, width);
        }
        target.position(0);
    }

    @Override
    public boolean reconnectable() {
        return false;
    }

    @Override
    public boolean needsPacing() {
        return false;
    }

    @Override
    public String describe() {
        return "testsrc " + settings.width() + "x" + settings.height() + "@" + settings.frameRate();
    }

    @Override
    public void interrupt() {
        interrupted = true;
    }

    @Override
    public void close() {
        if (video != null) {
            video.close();
            video = null;
        }
        if (audio != null) {
            audio.close();
            audio = null;
        }
        if (picture != null) {
            av_frame_free(picture);
            picture = null;
        }
    }
}
