package io.omnicast.media.rtsp;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The byte stream of an RTSP connection broke a framing rule (a byte that starts neither a {@code $} frame nor
 * an RTSP message, or a size limit). After it the decoder discards everything: the connection must be answered
 * with {@link #status()} and closed.
 */
public final class RtspFramingException extends DecoderException {
    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;

    public RtspFramingException(HttpResponseStatus status, String message) {
        super(message);
        this.status = status;
    }

    /** The status to answer with: always 400 Bad Request for now, with the message as the reason. */
    public HttpResponseStatus status() {
        return status;
    }
}
