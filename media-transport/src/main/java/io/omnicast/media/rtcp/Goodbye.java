package io.omnicast.media.rtcp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Goodbye (PT=203), <a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.6">RFC 3550 section 6.6</a>: SC
 * sources leave, with an optional reason (8-bit length + UTF-8 text, padded to 32 bits).
 *
 * @param reason null when absent
 */
public record Goodbye(List<Long> ssrcs, String reason) implements RtcpPacket {
    public Goodbye {
        ssrcs = List.copyOf(ssrcs);
        RtcpCodec.checkCount("BYE sources", ssrcs.size());
        ssrcs.forEach(ssrc -> RtcpCodec.checkUnsigned32("ssrc", ssrc));
        if (reason != null && reason.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("BYE reason must be at most 255 UTF-8 bytes (was "
                    + reason.getBytes(StandardCharsets.UTF_8).length + ")");
        }
    }

    public static Goodbye of(long ssrc, String reason) {
        return new Goodbye(List.of(ssrc), reason);
    }

    @Override
    public int packetType() {
        return RtcpPacketTypes.GOODBYE;
    }
}
