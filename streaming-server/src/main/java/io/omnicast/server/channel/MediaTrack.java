package io.omnicast.server.channel;

import java.util.Objects;

/**
 * One track of a published stream as its SDP described it.
 *
 * @param index       0-based track number; readers address it as {@code trackID=index}
 * @param media       SDP media type, e.g. {@code video} or {@code audio}
 * @param payloadType RTP payload type
 * @param encoding    encoding name of {@code a=rtpmap}, e.g. {@code H264}, {@code MPEG4-GENERIC}
 * @param clockRate   RTP clock rate in Hz
 * @param control     the publisher's {@code a=control} value, used to match its SETUP URLs
 * @param sdpLines    the media section's lines to describe it to readers, without {@code a=control}
 */
public record MediaTrack(int index, String media, int payloadType, String encoding, int clockRate, String control,
        java.util.List<String> sdpLines) {
    public MediaTrack {
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(encoding, "encoding");
        sdpLines = java.util.List.copyOf(sdpLines);
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive (was " + clockRate + " Hz)");
        }
    }

    public boolean isH264() {
        return encoding.equalsIgnoreCase("H264");
    }
}
