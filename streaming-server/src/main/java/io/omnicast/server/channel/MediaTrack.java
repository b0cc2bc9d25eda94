package io.omnicast.server.channel;

import io.omnicast.media.sdp.MediaDescription;
import java.util.Objects;

/**
 * One track of a published stream as its SDP described it.
 *
 * @param index       0-based track number; readers address it as {@code trackID=index}
 * @param media       SDP media type, e.g. {@code video} or {@code audio}
 * @param payloadType RTP payload type
 * @param encoding    encoding name of {@code a=rtpmap}, e.g. {@code H264}, {@code MPEG4-GENERIC}
 * @param clockRate   RTP clock rate in Hz
 * @param control     the publisher's {@code a=control} value (null if none), used to match its SETUP URLs
 * @param description the media section as announced
 */
public record MediaTrack(int index, String media, int payloadType, String encoding, int clockRate, String control,
        MediaDescription description) {
    public MediaTrack {
        Objects.requireNonNull(media, "media");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(description, "description");
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive (was " + clockRate + " Hz)");
        }
    }

    public boolean isH264() {
        return encoding.equalsIgnoreCase("H264");
    }
}
