package io.omnicast.media.sdp;

import io.omnicast.media.MediaFormatException;
import io.omnicast.media.h264.ParameterSets;

/**
 * An H.264 track's SDP parameters (<a href="https://www.rfc-editor.org/rfc/rfc6184#section-8.1">RFC 6184 section
 * 8.1</a>): {@code a=rtpmap:<pt> H264/90000} and {@code a=fmtp} with {@code packetization-mode},
 * {@code profile-level-id} and {@code sprop-parameter-sets} (decoded to SPS/PPS).
 *
 * @param profileLevelId null when absent
 */
public record H264TrackFormat(int payloadType, int clockRate, int packetizationMode, String profileLevelId,
                              ParameterSets parameterSets) {
    public static final String ENCODING_NAME = "H264";

    /**
     * Reads the H.264 format of a media section.
     *
     * @throws SdpFormatException if the section has no H264 rtpmap or a parameter is malformed
     */
    public static H264TrackFormat from(MediaDescription section) {
        RtpMap rtpMap = section.rtpMaps().stream().filter(map -> map.isEncoding(ENCODING_NAME)).findFirst()
                .orElseThrow(() -> new SdpFormatException("media section '" + section.media()
                        + "' has no a=rtpmap with encoding H264"));
        Fmtp fmtp = section.fmtp(rtpMap.payloadType()).orElse(new Fmtp(rtpMap.payloadType(), java.util.Map.of()));
        int mode = fmtp.getInt("packetization-mode", 0);
        if (mode < 0 || mode > 2) {
            throw new SdpFormatException("packetization-mode must be 0, 1 or 2 (was " + mode + ")");
        }
        ParameterSets sets;
        try {
            sets = fmtp.get("sprop-parameter-sets").map(ParameterSets::fromSprop).orElse(ParameterSets.NONE);
        } catch (MediaFormatException e) {
            throw new SdpFormatException("bad sprop-parameter-sets: " + e.getMessage(), e);
        }
        return new H264TrackFormat(rtpMap.payloadType(), rtpMap.clockRate(), mode,
                fmtp.get("profile-level-id").orElse(null), sets);
    }

    /** The fmtp attribute value for this format, in the order ffmpeg writes it. */
    public Fmtp toFmtp() {
        java.util.Map<String, String> parameters = new java.util.LinkedHashMap<>();
        parameters.put("packetization-mode", Integer.toString(packetizationMode));
        if (parameterSets.hasSps() || parameterSets.hasPps()) {
            parameters.put("sprop-parameter-sets", parameterSets.toSprop());
        }
        String profile = profileLevelId != null ? profileLevelId : parameterSets.profileLevelId();
        if (profile != null) {
            parameters.put("profile-level-id", profile);
        }
        return new Fmtp(payloadType, parameters);
    }
}
