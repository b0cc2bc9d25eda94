package io.omnicast.bridge.ffmpeg;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.javacpp.BytePointer;

/**
 * Loads FFmpeg's natives once, the GPL build (it has libx264).
 *
 * <p>Why the property: JavaCPP looks for natives under {@code org/bytedeco/ffmpeg/<platform><extension>/}. The GPL
 * jar puts them under {@code linux-x86_64-gpl}; with only that jar on the class path JavaCPP finds them by itself,
 * but as soon as a plain {@code linux-x86_64} natives jar is also present (another module's player, say) it would
 * take the LGPL one, which has no libx264. Setting {@code org.bytedeco.javacpp.platform.extension=-gpl} before the
 * first FFmpeg class loads makes the choice explicit, so the launcher and the tests need no manual flag.
 */
public final class FfmpegRuntime {
    public static final String PLATFORM_EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    public static final String GPL_EXTENSION = "-gpl";

    private static volatile boolean loaded;

    private FfmpegRuntime() {
    }

    /** Loads the natives (idempotent, thread-safe) and checks libx264 is there; fails with a clear message if not. */
    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (FfmpegRuntime.class) {
            if (loaded) {
                return;
            }
            if (System.getProperty(PLATFORM_EXTENSION_PROPERTY) == null) {
                System.setProperty(PLATFORM_EXTENSION_PROPERTY, GPL_EXTENSION);
            }
            try {
                av_log_set_level(AV_LOG_ERROR);
                avformat.avformat_network_init();
                // input devices (v4l2, alsa, pulse, lavfi) are only found by name once registered
                org.bytedeco.ffmpeg.global.avdevice.avdevice_register_all();
                if (avcodec.avcodec_find_encoder_by_name("libx264") == null) {
                    throw new FfmpegException("the FFmpeg natives on the class path have no libx264 encoder: put "
                            + "org.bytedeco:ffmpeg:<version>:linux-x86_64-gpl on the class path", 0);
                }
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                throw new FfmpegException("cannot load the FFmpeg natives (org.bytedeco:ffmpeg linux-x86_64-gpl): "
                        + e.getMessage(), e);
            }
            loaded = true;
        }
    }

    /** FFmpeg's text for an error code ({@code AVERROR(...)}). */
    public static String errorText(int code) {
        BytePointer buffer = new BytePointer(256);
        try {
            return av_strerror(code, buffer, 256) < 0 ? "error " + code : buffer.getString();
        } finally {
            buffer.close();
        }
    }

    /** Returns {@code result} when it is not negative, else throws an {@link FfmpegException} naming {@code what}. */
    public static int check(int result, String what) {
        if (result < 0) {
            throw new FfmpegException(what + ": " + errorText(result), result);
        }
        return result;
    }
}
