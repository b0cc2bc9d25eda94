package io.omnicast.media.sdp;

import io.omnicast.media.MediaFormatException;

/** A session description is malformed, exceeds a size limit, or a typed field in it cannot be read. */
public final class SdpFormatException extends MediaFormatException {
    private static final long serialVersionUID = 1L;

    public SdpFormatException(String message) {
        super(message);
    }

    public SdpFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
