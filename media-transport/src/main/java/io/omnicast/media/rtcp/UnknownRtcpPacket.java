package io.omnicast.media.rtcp;

/**
 * An RTCP packet this stack does not interpret (APP, PSFB, other feedback formats, future types), kept whole so it
 * can be counted or forwarded. {@code body} is everything after the 4-byte common header, padding excluded.
 */
public record UnknownRtcpPacket(int packetType, int count, byte[] body) implements RtcpPacket {
    public UnknownRtcpPacket {
        if (packetType < 0 || packetType > 255) {
            throw new IllegalArgumentException("packetType must be between 0 and 255 (was " + packetType + ")");
        }
        RtcpCodec.checkCount("count", count);
        if (body.length % 4 != 0) {
            throw new IllegalArgumentException("RTCP body must be a multiple of 4 bytes (was " + body.length + ")");
        }
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
