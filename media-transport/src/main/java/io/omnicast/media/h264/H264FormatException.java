package io.omnicast.media.h264;

import io.omnicast.media.MediaFormatException;

/** H.264 out-of-band data (for example {@code sprop-parameter-sets}) or an Annex-B stream is malformed. */
public final class H264FormatException extends MediaFormatException {
    private static final long serialVersionUID = 1L;

    public H264FormatException(String message) {
        super(message);
    }

    public H264FormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
