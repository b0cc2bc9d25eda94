package io.omnicast.bridge.ffmpeg;

/** An FFmpeg call failed; {@link #code()} is FFmpeg's negative error code (0 when not from FFmpeg). */
public final class FfmpegException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public FfmpegException(String message, int code) {
        super(message);
        this.code = code;
    }

    public FfmpegException(String message, Throwable cause) {
        super(message, cause);
        this.code = 0;
    }

    public int code() {
        return code;
    }
}
