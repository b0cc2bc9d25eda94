package io.omnicast.peer.player;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.Loader;

/**
 * Loads FFmpeg's native libraries once. The project ships only the GPL build of the natives (classifier
 * {@code linux-x86_64-gpl}); JavaCPP finds it only when {@code org.bytedeco.javacpp.platform.extension} is
 * {@code -gpl}, so we set that here unless the user chose otherwise, and the launcher and tests need no flag.
 */
public final class FfmpegLoader {
    /** JavaCPP system property naming the platform extension of the native jars to load. */
    public static final String EXTENSION_PROPERTY = "org.bytedeco.javacpp.platform.extension";
    private static volatile boolean loaded;

    private FfmpegLoader() {
    }

    /** Loads avutil and avcodec (idempotent, thread-safe); fails with a clear message when the natives are missing. */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        if (System.getProperty(EXTENSION_PROPERTY) == null) {
            System.setProperty(EXTENSION_PROPERTY, "-gpl");
        }
        try {
            Loader.load(avutil.class);
            Loader.load(avcodec.class);
            avutil.av_log_set_level(avutil.AV_LOG_QUIET);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new IllegalStateException("cannot load FFmpeg natives for platform " + Loader.getPlatform()
                    + System.getProperty(EXTENSION_PROPERTY) + " (is org.bytedeco:ffmpeg:"
                    + Loader.getPlatform() + "-gpl on the class path?)", e);
        }
        loaded = true;
    }
}
