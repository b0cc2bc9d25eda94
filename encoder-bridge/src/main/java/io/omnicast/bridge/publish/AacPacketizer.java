package io.omnicast.bridge.publish;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.omnicast.media.rtp.RtpHeader;
import io.omnicast.media.rtp.RtpPacketWriter;
import java.util.List;

/**
 * AAC in RTP as {@code mpeg4-generic}, mode AAC-hbr (<a href="https://www.rfc-editor.org/rfc/rfc3640#section-3.3.6">
 * RFC 3640 section 3.3.6</a>): one access unit (one raw AAC frame) per packet behind a 16-bit AU-headers-length and
 * one AU-header of 13 bits size + 3 bits index. A frame larger than the payload limit is fragmented (section 3.2.3):
 * every fragment repeats the AU-header with the size of the whole frame, and the marker is set on the last one.
 *
 * <pre>
 * +---------+-----------+-----------+---------------+
 * | RTP     | AU Header | AU Header | AU (raw AAC)  |
 * | Header  | Length=16 | size|idx  |               |
 * +---------+-----------+-----------+---------------+
 * </pre>
 *
 * <p>A small adapter: media-transport relays AAC packets unchanged and has no AAC packetizer.
 */
public final class AacPacketizer {
    public static final int SIZE_LENGTH_BITS = 13;
    public static final int MAX_ACCESS_UNIT_BYTES = (1 << SIZE_LENGTH_BITS) - 1;
    private static final int AU_HEADER_SECTION_BYTES = 4;

    private final int maxPayloadBytes;

    public AacPacketizer(int maxPayloadBytes) {
        if (maxPayloadBytes <= AU_HEADER_SECTION_BYTES + 16) {
            throw new IllegalArgumentException("maxPayloadBytes must be above " + (AU_HEADER_SECTION_BYTES + 16)
                    + " bytes (was " + maxPayloadBytes + ")");
        }
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** Packetizes one raw AAC frame; the new packets are added to {@code out} and owned by the caller. */
    public void packetize(byte[] frame, long timestamp, RtpPacketWriter writer, ByteBufAllocator allocator,
                          List<? super ByteBuf> out) {
        if (frame.length == 0 || frame.length > MAX_ACCESS_UNIT_BYTES) {
            throw new IllegalArgumentException("AAC frame must be 1.." + MAX_ACCESS_UNIT_BYTES + " bytes (was "
                    + frame.length + ")");
        }
        int chunk = maxPayloadBytes - AU_HEADER_SECTION_BYTES;
        int position = 0;
        while (position < frame.length) {
            int length = Math.min(chunk, frame.length - position);
            boolean last = position + length == frame.length;
            ByteBuf packet = allocator.buffer(RtpHeader.FIXED_HEADER_BYTES + AU_HEADER_SECTION_BYTES + length);
            writer.writeHeader(packet, last, timestamp);
            packet.writeShort(16); // AU-headers-length in bits: one 16-bit AU-header
            packet.writeShort(frame.length << 3); // AU-size, AU-index 0
            packet.writeBytes(frame, position, length);
            out.add(packet);
            position += length;
        }
    }
}
