package io.omnicast.media.rtsp;

/** A request the server refused (non-2xx), or a connection that failed before the reply arrived. */
public final class RtspException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int code;

    public RtspException(String message, int code) {
        super(message);
        this.code = code;
    }

    public RtspException(String message, Throwable cause) {
        super(message, cause);
        this.code = -1;
    }

    /** The RTSP status code, or -1 when no response arrived. */
    public int code() {
        return code;
    }
}
