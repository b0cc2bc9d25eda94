package io.omnicast.media;

/**
 * Base of every "this input is not a valid packet/description" failure in media-transport. Decoders throw only
 * subclasses of this type for bad input, so a server can catch one type, count the garbage and keep serving.
 * Unchecked because it travels through Netty handlers, which wrap it in a {@code DecoderException}.
 */
public class MediaFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MediaFormatException(String message) {
        super(message);
    }

    public MediaFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
