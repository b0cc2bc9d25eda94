package io.omnicast.media.sdp;

/**
 * {@code a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]}
 * (<a href="https://www.rfc-editor.org/rfc/rfc8866#section-6.6">RFC 8866 section 6.6</a>).
 *
 * @param encodingParameters null when absent; for audio the channel count
 */
public record RtpMap(int payloadType, String encodingName, int clockRate, String encodingParameters) {
    public static RtpMap parse(String value) {
        if (value == null) {
            throw new SdpFormatException("a=rtpmap without a value");
        }
        int space = value.indexOf(' ');
        if (space < 0) {
            throw new SdpFormatException("a=rtpmap needs '<payload type> <encoding>/<clock rate>': " + value);
        }
        int payloadType = Fmtp.parsePayloadType(value.substring(0, space), "rtpmap");
        String[] parts = value.substring(space + 1).trim().split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
            throw new SdpFormatException("a=rtpmap encoding must be '<name>/<clock rate>[/<parameters>]': " + value);
        }
        int clockRate;
        try {
            clockRate = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new SdpFormatException("a=rtpmap clock rate is not a number: " + value, e);
        }
        if (clockRate < 1 || clockRate > 10_000_000) {
            throw new SdpFormatException("a=rtpmap clock rate must be between 1 and 10000000 Hz (was " + clockRate + ")");
        }
        return new RtpMap(payloadType, parts[0], clockRate, parts.length == 3 ? parts[2] : null);
    }

    /** True when the encoding name matches, ignoring case (RFC 8866: names are case-insensitive). */
    public boolean isEncoding(String name) {
        return encodingName.equalsIgnoreCase(name);
    }

    @Override
    public String toString() {
        return payloadType + " " + encodingName + "/" + clockRate + (encodingParameters == null ? "" : "/" + encodingParameters);
    }
}
