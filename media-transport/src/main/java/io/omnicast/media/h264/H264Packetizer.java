package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.omnicast.media.rtp.RtpHeader;
import io.omnicast.media.rtp.RtpPacketWriter;

import java.util.List;

import static io.omnicast.media.h264.NalUnitTypes.FORBIDDEN_BIT;
import static io.omnicast.media.h264.NalUnitTypes.FU_A;
import static io.omnicast.media.h264.NalUnitTypes.FU_A_HEADER_BYTES;
import static io.omnicast.media.h264.NalUnitTypes.FU_END_BIT;
import static io.omnicast.media.h264.NalUnitTypes.FU_START_BIT;
import static io.omnicast.media.h264.NalUnitTypes.F_NRI_MASK;
import static io.omnicast.media.h264.NalUnitTypes.NRI_MASK;
import static io.omnicast.media.h264.NalUnitTypes.STAP_A;
import static io.omnicast.media.h264.NalUnitTypes.STAP_A_HEADER_BYTES;
import static io.omnicast.media.h264.NalUnitTypes.STAP_A_SIZE_BYTES;

/**
 * Splits an H.264 access unit into RTP packets, <a href="https://www.rfc-editor.org/rfc/rfc6184#section-5">RFC
 * 6184</a> packetization-mode 1 (non-interleaved); packet layouts are drawn in {@link H264Depacketizer}.
 *
 * <ul>
 *   <li>a NAL unit larger than the max payload goes in FU-A fragments (section 5.8);</li>
 *   <li>consecutive NAL units that fit together (typically SPS + PPS, or SEI + a small slice) go in one STAP-A
 *       (section 5.7.1);</li>
 *   <li>any other NAL unit goes alone in a single NAL unit packet (section 5.6).</li>
 * </ul>
 * The marker bit is set on the last packet of the access unit (section 5.1). Stateless apart from its limit; the
 * sequence numbers come from the {@link RtpPacketWriter}.
 */
public final class H264Packetizer {
    /**
     * 1400 bytes of RTP payload: an Ethernet MTU of 1500 minus 40 (IPv6 header, the larger of v4/v6) minus 8 (UDP)
     * minus 12 (RTP fixed header) leaves 1440; 40 more are kept for tunnels (VPN, PPPoE, GRE) so packets are not
     * fragmented on common paths. Over RTSP-interleaved TCP the 4-byte {@code $} framing is not IP-limited.
     */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1400;
    /** Below this an FU-A carries too little data per header to be sensible. */
    public static final int MIN_MAX_PAYLOAD_BYTES = 64;
    /** The largest UDP payload (65535 - 8 UDP - 20 IPv4) minus the RTP header. */
    public static final int MAX_MAX_PAYLOAD_BYTES = 65_507 - RtpHeader.FIXED_HEADER_BYTES;

    private final int maxPayloadBytes;

    public H264Packetizer() {
        this(DEFAULT_MAX_PAYLOAD_BYTES);
    }

    public H264Packetizer(int maxPayloadBytes) {
        if (maxPayloadBytes < MIN_MAX_PAYLOAD_BYTES || maxPayloadBytes > MAX_MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("maxPayloadBytes must be between " + MIN_MAX_PAYLOAD_BYTES + " and "
                    + MAX_MAX_PAYLOAD_BYTES + " bytes (was " + maxPayloadBytes + ")");
        }
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /**
     * Packetizes one access unit. Each NAL unit's readable bytes (header byte first, no start code) are copied;
     * their indexes and reference counts are left alone. The new packets are added to {@code out} and owned by
     * the caller.
     *
     * @throws IllegalArgumentException if there is no NAL unit or one is empty
     */
    public void packetize(List<ByteBuf> nalUnits, long timestamp, RtpPacketWriter writer, ByteBufAllocator allocator,
                          List<? super ByteBuf> out) {
        if (nalUnits.isEmpty()) {
            throw new IllegalArgumentException("an access unit needs at least one NAL unit");
        }
        for (ByteBuf nalUnit : nalUnits) {
            if (!nalUnit.isReadable()) {
                throw new IllegalArgumentException("empty NAL unit in access unit at timestamp " + timestamp);
            }
        }
        int count = nalUnits.size();
        int index = 0;
        while (index < count) {
            ByteBuf nalUnit = nalUnits.get(index);
            int size = nalUnit.readableBytes();
            if (size > maxPayloadBytes) {
                writeFragments(nalUnit, index == count - 1, timestamp, writer, allocator, out);
                index++;
                continue;
            }
            int end = aggregationEnd(nalUnits, index);
            boolean last = end == count;
            if (end - index >= 2) {
                writeStapA(nalUnits, index, end, last, timestamp, writer, allocator, out);
            } else {
                ByteBuf packet = allocator.buffer(RtpHeader.FIXED_HEADER_BYTES + size);
                writer.writeHeader(packet, last, timestamp);
                packet.writeBytes(nalUnit, nalUnit.readerIndex(), size);
                out.add(packet);
            }
            index = end;
        }
    }

    /** Index after the last NAL unit that still fits in a STAP-A started at {@code start}. */
    private int aggregationEnd(List<ByteBuf> nalUnits, int start) {
        int total = STAP_A_HEADER_BYTES;
        int end = start;
        while (end < nalUnits.size()) {
            int next = total + STAP_A_SIZE_BYTES + nalUnits.get(end).readableBytes();
            if (next > maxPayloadBytes) {
                break;
            }
            total = next;
            end++;
        }
        return Math.max(end, start + 1);
    }

    private static void writeStapA(List<ByteBuf> nalUnits, int start, int end, boolean marker, long timestamp,
                                   RtpPacketWriter writer, ByteBufAllocator allocator, List<? super ByteBuf> out) {
        int forbidden = 0;
        int nri = 0;
        int payloadBytes = STAP_A_HEADER_BYTES;
        for (int i = start; i < end; i++) {
            ByteBuf nalUnit = nalUnits.get(i);
            int header = nalUnit.getUnsignedByte(nalUnit.readerIndex());
            forbidden |= header & FORBIDDEN_BIT;
            nri = Math.max(nri, header & NRI_MASK); // section 5.7: the highest NRI of the aggregated units
            payloadBytes += STAP_A_SIZE_BYTES + nalUnit.readableBytes();
        }
        ByteBuf packet = allocator.buffer(RtpHeader.FIXED_HEADER_BYTES + payloadBytes);
        writer.writeHeader(packet, marker, timestamp);
        packet.writeByte(forbidden | nri | STAP_A);
        for (int i = start; i < end; i++) {
            ByteBuf nalUnit = nalUnits.get(i);
            packet.writeShort(nalUnit.readableBytes());
            packet.writeBytes(nalUnit, nalUnit.readerIndex(), nalUnit.readableBytes());
        }
        out.add(packet);
    }

    private void writeFragments(ByteBuf nalUnit, boolean lastNalUnit, long timestamp, RtpPacketWriter writer,
                                ByteBufAllocator allocator, List<? super ByteBuf> out) {
        int header = nalUnit.getUnsignedByte(nalUnit.readerIndex());
        int indicator = (header & F_NRI_MASK) | FU_A;
        int type = NalUnitTypes.typeOf(header);
        // The NAL header byte is not sent: the FU indicator and FU header carry its bits.
        int position = nalUnit.readerIndex() + 1;
        int end = nalUnit.writerIndex();
        int chunk = maxPayloadBytes - FU_A_HEADER_BYTES;
        boolean first = true;
        while (position < end) {
            int length = Math.min(chunk, end - position);
            boolean lastFragment = position + length == end;
            ByteBuf packet = allocator.buffer(RtpHeader.FIXED_HEADER_BYTES + FU_A_HEADER_BYTES + length);
            writer.writeHeader(packet, lastNalUnit && lastFragment, timestamp);
            packet.writeByte(indicator);
            packet.writeByte((first ? FU_START_BIT : 0) | (lastFragment ? FU_END_BIT : 0) | type);
            packet.writeBytes(nalUnit, position, length);
            out.add(packet);
            position += length;
            first = false;
        }
    }
}
