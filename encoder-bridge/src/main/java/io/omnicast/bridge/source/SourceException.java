package io.omnicast.bridge.source;

/** The input failed, stalled or was interrupted; the message says which input and why. */
public final class SourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
