package io.omnicast.media.rtcp;

import io.omnicast.media.MediaFormatException;

/** An RTCP compound packet is truncated or inconsistent (RFC 3550 section 6 and appendix A.2). */
public final class RtcpFormatException extends MediaFormatException {
    private static final long serialVersionUID = 1L;

    public RtcpFormatException(String message) {
        super(message);
    }
}
