package io.omnicast.uscp.netty;

import io.netty.handler.codec.CorruptedFrameException;
import io.omnicast.uscp.v1.ErrorCode;

/**
 * The byte stream broke the USCP framing rules (zero or over-long length, or a connection closed mid-frame).
 * After this the stream cannot be trusted: the session answers with a fatal ERROR and closes.
 */
public final class UscpFramingException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public UscpFramingException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** EMPTY_FRAME, FRAME_TOO_LARGE or TRUNCATED_FRAME. */
    public ErrorCode code() {
        return code;
    }
}
