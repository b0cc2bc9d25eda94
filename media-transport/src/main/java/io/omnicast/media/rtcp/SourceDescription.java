package io.omnicast.media.rtcp;

import java.util.List;

/**
 * Source description (PT=202), <a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.5">RFC 3550 section
 * 6.5</a>. Only CNAME, the one mandatory item, is kept; other items are skipped when parsing.
 *
 * <pre>
 * chunk:  SSRC/CSRC (32) | CNAME=1 (8) | length (8) | user@host (UTF-8) ... | 0 (end) | pad to 32 bits
 * </pre>
 */
public record SourceDescription(List<Chunk> chunks) implements RtcpPacket {
    public SourceDescription {
        chunks = List.copyOf(chunks);
        RtcpCodec.checkCount("SDES chunks", chunks.size());
    }

    public static SourceDescription cname(long ssrc, String cname) {
        return new SourceDescription(List.of(new Chunk(ssrc, cname)));
    }

    @Override
    public int packetType() {
        return RtcpPacketTypes.SOURCE_DESCRIPTION;
    }

    /** One source's CNAME; {@code cname} is null when the chunk had none. */
    public record Chunk(long ssrc, String cname) {
        public Chunk {
            RtcpCodec.checkUnsigned32("ssrc", ssrc);
            if (cname != null && cname.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("CNAME must be at most 255 UTF-8 bytes (was "
                        + cname.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + ")");
            }
        }
    }
}
