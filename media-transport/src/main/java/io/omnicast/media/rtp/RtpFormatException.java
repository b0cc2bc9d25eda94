package io.omnicast.media.rtp;

import io.omnicast.media.MediaFormatException;

/** An RTP packet is truncated or inconsistent (RFC 3550 section 5.1 and appendix A.1 validity checks). */
public final class RtpFormatException extends MediaFormatException {
    private static final long serialVersionUID = 1L;

    public RtpFormatException(String message) {
        super(message);
    }
}
