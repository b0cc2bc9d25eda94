package io.omnicast.uscp.netty;

import io.netty.handler.codec.DecoderException;
import io.omnicast.uscp.UscpException;

/** A well-framed USCP document that was malformed, invalid or unknown; {@link #failure()} says which and where. */
public final class UscpDecoderException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public UscpDecoderException(UscpException failure) {
        super(failure.getMessage(), failure);
    }

    public UscpException failure() {
        return (UscpException) getCause();
    }
}
