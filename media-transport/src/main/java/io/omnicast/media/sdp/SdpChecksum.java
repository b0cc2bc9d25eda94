package io.omnicast.media.sdp;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Tells whether two copies of a channel's session description are the same, across a path that may have turned
 * its CRLF line ends into LF (USCP carries the description in XML, which does). A relay names the CRC-32 of the
 * description it serves in its PLAY reply ({@link #HEADER}); a child that set up its session from a copy it got
 * elsewhere (the proxy's placement, or its previous parent) compares it with its own.
 */
public final class SdpChecksum {
    /** The PLAY reply's header with the served description's checksum, {@link #of} its text. */
    public static final String HEADER = "X-OmniCast-Sdp-Crc";

    private SdpChecksum() {
    }

    /** Restores the SDP's CRLF line ends (RFC 8866) to a text whose line ends are LF, CRLF or a mix. */
    public static String withCrlf(String sdp) {
        StringBuilder out = new StringBuilder(sdp.length() + 32);
        for (int i = 0; i < sdp.length(); i++) {
            char c = sdp.charAt(i);
            if (c == '\r') {
                continue;
            }
            if (c == '\n') {
                out.append('\r');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The CRC-32 of {@code sdp} with CRLF line ends, as 8 lower-case hex digits. */
    public static String of(String sdp) {
        CRC32 crc = new CRC32();
        crc.update(withCrlf(sdp).getBytes(StandardCharsets.UTF_8));
        String hex = Long.toHexString(crc.getValue());
        return "0".repeat(8 - hex.length()) + hex;
    }
}
