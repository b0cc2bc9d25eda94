package io.omnicast.media.sdp;

import io.netty.buffer.ByteBufUtil;

import java.util.Locale;

/**
 * An AAC track in {@code mpeg4-generic} (<a href="https://www.rfc-editor.org/rfc/rfc3640#section-4.1">RFC 3640
 * section 4.1</a>), as ffmpeg sends it: {@code a=rtpmap:<pt> MPEG4-GENERIC/<rate>/<channels>} and
 * {@code a=fmtp:<pt> profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3; config=...}.
 *
 * @param config the AudioSpecificConfig bytes (hex in SDP)
 */
public record AacTrackFormat(int payloadType, int clockRate, int channels, String mode, int sizeLength,
                             int indexLength, int indexDeltaLength, byte[] config) {
    public static final String ENCODING_NAME = "MPEG4-GENERIC";
    /** The only mode real encoders use for AAC over RTP; AAC-lbr differs only in field sizes. */
    public static final String MODE_AAC_HBR = "AAC-hbr";
    private static final int MAX_CONFIG_BYTES = 64;

    public AacTrackFormat {
        config = config.clone();
    }

    @Override
    public byte[] config() {
        return config.clone();
    }

    /** @throws SdpFormatException without an MPEG4-GENERIC rtpmap, or with a missing or malformed parameter */
    public static AacTrackFormat from(MediaDescription section) {
        RtpMap rtpMap = section.rtpMaps().stream().filter(map -> map.isEncoding(ENCODING_NAME)).findFirst()
                .orElseThrow(() -> new SdpFormatException("media section '" + section.media()
                        + "' has no a=rtpmap with encoding mpeg4-generic"));
        Fmtp fmtp = section.fmtp(rtpMap.payloadType()).orElseThrow(() -> new SdpFormatException(
                "mpeg4-generic payload type " + rtpMap.payloadType() + " has no a=fmtp (mode and config are required)"));
        String mode = fmtp.get("mode").orElseThrow(() -> new SdpFormatException("mpeg4-generic fmtp has no mode"));
        String configHex = fmtp.get("config").orElseThrow(() -> new SdpFormatException("mpeg4-generic fmtp has no config"));
        if (configHex.isEmpty() || configHex.length() % 2 != 0 || configHex.length() > MAX_CONFIG_BYTES * 2
                || !configHex.matches("[0-9A-Fa-f]+")) {
            throw new SdpFormatException("mpeg4-generic config must be 1 to " + MAX_CONFIG_BYTES
                    + " bytes of hex (was '" + configHex + "')");
        }
        int channels = 1;
        if (rtpMap.encodingParameters() != null) {
            try {
                channels = Integer.parseInt(rtpMap.encodingParameters());
            } catch (NumberFormatException e) {
                throw new SdpFormatException("mpeg4-generic channel count is not a number: "
                        + rtpMap.encodingParameters(), e);
            }
        }
        return new AacTrackFormat(rtpMap.payloadType(), rtpMap.clockRate(), channels, mode,
                fmtp.getInt("sizelength", 0), fmtp.getInt("indexlength", 0), fmtp.getInt("indexdeltalength", 0),
                ByteBufUtil.decodeHexDump(configHex));
    }

    public boolean isAacHbr() {
        return MODE_AAC_HBR.equalsIgnoreCase(mode);
    }

    /** The config in SDP form (upper-case hex, as ffmpeg writes it). */
    public String configHex() {
        return ByteBufUtil.hexDump(config).toUpperCase(Locale.ROOT);
    }
}
