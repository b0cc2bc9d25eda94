package io.omnicast.media.rtcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.omnicast.media.rtcp.RtcpPacketTypes.HEADER_BYTES;
import static io.omnicast.media.rtcp.RtcpPacketTypes.MAX_COUNT;
import static io.omnicast.media.rtcp.RtcpPacketTypes.REPORT_BLOCK_BYTES;

/**
 * Parses and writes RTCP compound packets (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-6.1">RFC 3550
 * section 6.1</a>; common header drawn in {@link RtcpPacketTypes}). Stateless and thread-safe.
 *
 * <p>Validation follows RFC 3550 appendix A.2: version 2, every length inside the datagram, lengths adding up to
 * the datagram, padding only in the last packet. The rule "the first packet is an SR or RR" is not enforced,
 * because reduced-size RTCP (RFC 5506) sends a NACK alone and browsers and ffmpeg do.
 */
public final class RtcpCodec {
    /** Packets in one compound: far more than any real sender puts in a datagram. */
    public static final int MAX_PACKETS_PER_COMPOUND = 64;

    private RtcpCodec() {
    }

    /**
     * Parses the readable bytes of {@code buffer} as one compound packet. The buffer's indexes, contents and
     * reference count are left alone; the result holds no reference to it.
     *
     * @throws RtcpFormatException for truncated, inconsistent or oversized input
     */
    public static List<RtcpPacket> parse(ByteBuf buffer) {
        List<RtcpPacket> packets = new ArrayList<>(4);
        int position = buffer.readerIndex();
        int end = buffer.writerIndex();
        if (position == end) {
            throw new RtcpFormatException("empty RTCP compound packet");
        }
        while (position < end) {
            if (packets.size() == MAX_PACKETS_PER_COMPOUND) {
                throw new RtcpFormatException("RTCP compound packet has more than " + MAX_PACKETS_PER_COMPOUND
                        + " packets");
            }
            if (end - position < HEADER_BYTES) {
                throw new RtcpFormatException("RTCP packet truncated: " + (end - position)
                        + " bytes left, a header needs " + HEADER_BYTES);
            }
            int first = buffer.getUnsignedByte(position);
            int version = first >>> 6;
            if (version != RtcpPacketTypes.VERSION) {
                throw new RtcpFormatException("RTCP version must be 2 (was " + version + ") in packet "
                        + (packets.size() + 1));
            }
            boolean padding = (first & 0x20) != 0;
            int count = first & 0x1F;
            int packetType = buffer.getUnsignedByte(position + 1);
            int length = (buffer.getUnsignedShort(position + 2) + 1) * 4;
            if (length > end - position) {
                throw new RtcpFormatException("RTCP packet type " + packetType + " says " + length
                        + " bytes but only " + (end - position) + " are left");
            }
            int bodyStart = position + HEADER_BYTES;
            int bodyEnd = position + length;
            if (padding) {
                if (bodyEnd != end) {
                    throw new RtcpFormatException("RTCP padding is only allowed in the last packet of a compound");
                }
                int paddingBytes = buffer.getUnsignedByte(bodyEnd - 1);
                if (paddingBytes == 0 || paddingBytes > bodyEnd - bodyStart) {
                    throw new RtcpFormatException("RTCP padding of " + paddingBytes + " bytes does not fit the "
                            + (bodyEnd - bodyStart) + "-byte body");
                }
                bodyEnd -= paddingBytes;
            }
            try {
                packets.add(parseOne(buffer, packetType, count, bodyStart, bodyEnd));
            } catch (IllegalArgumentException e) {
                // A value the model refuses (e.g. text that grows past 255 bytes once invalid UTF-8 is replaced).
                throw new RtcpFormatException("RTCP packet type " + packetType + ": " + e.getMessage());
            }
            position += length;
        }
        return packets;
    }

    private static RtcpPacket parseOne(ByteBuf buffer, int packetType, int count, int start, int end) {
        int bodyLength = end - start;
        switch (packetType) {
            case RtcpPacketTypes.SENDER_REPORT -> {
                requireBody("sender report", bodyLength, 24 + count * REPORT_BLOCK_BYTES, count);
                return new SenderReport(buffer.getUnsignedInt(start), buffer.getLong(start + 4),
                        buffer.getUnsignedInt(start + 12), buffer.getUnsignedInt(start + 16),
                        buffer.getUnsignedInt(start + 20), reportBlocks(buffer, start + 24, count));
            }
            case RtcpPacketTypes.RECEIVER_REPORT -> {
                requireBody("receiver report", bodyLength, 4 + count * REPORT_BLOCK_BYTES, count);
                return new ReceiverReport(buffer.getUnsignedInt(start), reportBlocks(buffer, start + 4, count));
            }
            case RtcpPacketTypes.SOURCE_DESCRIPTION -> {
                return parseSourceDescription(buffer, count, start, end);
            }
            case RtcpPacketTypes.GOODBYE -> {
                return parseGoodbye(buffer, count, start, end);
            }
            case RtcpPacketTypes.TRANSPORT_FEEDBACK -> {
                if (count == RtcpPacketTypes.GENERIC_NACK_FMT) {
                    return parseNack(buffer, start, end);
                }
                return unknown(buffer, packetType, count, start, end);
            }
            default -> {
                return unknown(buffer, packetType, count, start, end);
            }
        }
    }

    private static void requireBody(String what, int bodyLength, int needed, int count) {
        if (bodyLength < needed) {
            throw new RtcpFormatException("RTCP " + what + " with " + count + " report blocks needs " + needed
                    + " body bytes (has " + bodyLength + ")");
        }
    }

    private static List<ReportBlock> reportBlocks(ByteBuf buffer, int start, int count) {
        List<ReportBlock> blocks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = start + i * REPORT_BLOCK_BYTES;
            int lossWord = buffer.getInt(at + 4);
            int cumulativeLost = (lossWord << 8) >> 8; // sign-extend the 24-bit field
            blocks.add(new ReportBlock(buffer.getUnsignedInt(at), lossWord >>> 24, cumulativeLost,
                    buffer.getUnsignedInt(at + 8), buffer.getUnsignedInt(at + 12), buffer.getUnsignedInt(at + 16),
                    buffer.getUnsignedInt(at + 20)));
        }
        return blocks;
    }

    private static SourceDescription parseSourceDescription(ByteBuf buffer, int count, int start, int end) {
        List<SourceDescription.Chunk> chunks = new ArrayList<>(count);
        int position = start;
        for (int i = 0; i < count; i++) {
            if (end - position < 4) {
                throw new RtcpFormatException("SDES chunk " + (i + 1) + " of " + count + " truncated");
            }
            long ssrc = buffer.getUnsignedInt(position);
            position += 4;
            String cname = null;
            while (true) {
                if (position >= end) {
                    throw new RtcpFormatException("SDES chunk " + (i + 1) + " has no end item");
                }
                int itemType = buffer.getUnsignedByte(position);
                if (itemType == 0) {
                    position++;
                    // The item list ends with a null octet and is padded to the next 32-bit boundary.
                    position = start + ((position - start + 3) & ~3);
                    break;
                }
                if (end - position < 2) {
                    throw new RtcpFormatException("SDES item truncated in chunk " + (i + 1));
                }
                int itemLength = buffer.getUnsignedByte(position + 1);
                if (end - position - 2 < itemLength) {
                    throw new RtcpFormatException("SDES item of " + itemLength + " bytes runs past the packet");
                }
                if (itemType == RtcpPacketTypes.SDES_CNAME) {
                    cname = buffer.toString(position + 2, itemLength, StandardCharsets.UTF_8);
                }
                position += 2 + itemLength;
            }
            chunks.add(new SourceDescription.Chunk(ssrc, cname));
        }
        return new SourceDescription(chunks);
    }

    private static Goodbye parseGoodbye(ByteBuf buffer, int count, int start, int end) {
        if (end - start < count * 4) {
            throw new RtcpFormatException("RTCP BYE with " + count + " sources needs " + count * 4
                    + " body bytes (has " + (end - start) + ")");
        }
        List<Long> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ssrcs.add(buffer.getUnsignedInt(start + i * 4));
        }
        int position = start + count * 4;
        String reason = null;
        if (position < end) {
            int reasonLength = buffer.getUnsignedByte(position);
            if (end - position - 1 < reasonLength) {
                throw new RtcpFormatException("RTCP BYE reason of " + reasonLength + " bytes runs past the packet");
            }
            reason = buffer.toString(position + 1, reasonLength, StandardCharsets.UTF_8);
        }
        return new Goodbye(ssrcs, reason);
    }

    private static GenericNack parseNack(ByteBuf buffer, int start, int end) {
        int itemBytes = end - start - 8;
        if (itemBytes < 4) {
            throw new RtcpFormatException("generic NACK needs two SSRCs and at least one item ("
                    + (end - start) + " body bytes)");
        }
        int itemCount = itemBytes / 4;
        if (itemCount > GenericNack.MAX_ITEMS) {
            throw new RtcpFormatException("generic NACK has " + itemCount + " items, the limit is "
                    + GenericNack.MAX_ITEMS);
        }
        List<GenericNack.Item> items = new ArrayList<>(itemCount);
        for (int i = 0; i < itemCount; i++) {
            int at = start + 8 + i * 4;
            items.add(new GenericNack.Item(buffer.getUnsignedShort(at), buffer.getUnsignedShort(at + 2)));
        }
        return new GenericNack(buffer.getUnsignedInt(start), buffer.getUnsignedInt(start + 4), items);
    }

    private static UnknownRtcpPacket unknown(ByteBuf buffer, int packetType, int count, int start, int end) {
        // Padding was removed, so round the kept body down to whole words.
        int length = (end - start) & ~3;
        return new UnknownRtcpPacket(packetType, count, ByteBufUtil.getBytes(buffer, start, length));
    }

    /** Appends every packet, in order, as one compound packet (no padding). */
    public static void write(List<? extends RtcpPacket> packets, ByteBuf out) {
        for (RtcpPacket packet : packets) {
            write(packet, out);
        }
    }

    /** Appends one packet. */
    public static void write(RtcpPacket packet, ByteBuf out) {
        int headerAt = out.writerIndex();
        out.writeInt(0); // header, filled in once the length is known
        int count;
        if (packet instanceof SenderReport sr) {
            out.writeInt((int) sr.ssrc());
            out.writeLong(sr.ntpTimestamp());
            out.writeInt((int) sr.rtpTimestamp());
            out.writeInt((int) sr.packetCount());
            out.writeInt((int) sr.octetCount());
            writeReportBlocks(sr.reportBlocks(), out);
            count = sr.reportBlocks().size();
        } else if (packet instanceof ReceiverReport rr) {
            out.writeInt((int) rr.ssrc());
            writeReportBlocks(rr.reportBlocks(), out);
            count = rr.reportBlocks().size();
        } else if (packet instanceof SourceDescription sdes) {
            for (SourceDescription.Chunk chunk : sdes.chunks()) {
                int chunkStart = out.writerIndex();
                out.writeInt((int) chunk.ssrc());
                if (chunk.cname() != null) {
                    byte[] cname = chunk.cname().getBytes(StandardCharsets.UTF_8);
                    out.writeByte(RtcpPacketTypes.SDES_CNAME);
                    out.writeByte(cname.length);
                    out.writeBytes(cname);
                }
                out.writeByte(0);
                padToWord(out, chunkStart);
            }
            count = sdes.chunks().size();
        } else if (packet instanceof Goodbye bye) {
            for (long ssrc : bye.ssrcs()) {
                out.writeInt((int) ssrc);
            }
            if (bye.reason() != null) {
                int reasonStart = out.writerIndex();
                byte[] reason = bye.reason().getBytes(StandardCharsets.UTF_8);
                out.writeByte(reason.length);
                out.writeBytes(reason);
                padToWord(out, reasonStart);
            }
            count = bye.ssrcs().size();
        } else if (packet instanceof GenericNack nack) {
            out.writeInt((int) nack.senderSsrc());
            out.writeInt((int) nack.mediaSsrc());
            for (GenericNack.Item item : nack.items()) {
                out.writeShort(item.pid());
                out.writeShort(item.bitmask());
            }
            count = RtcpPacketTypes.GENERIC_NACK_FMT;
        } else if (packet instanceof UnknownRtcpPacket unknown) {
            out.writeBytes(unknown.body());
            count = unknown.count();
        } else {
            throw new IllegalArgumentException("unsupported RTCP packet " + packet.getClass().getName());
        }
        int words = (out.writerIndex() - headerAt) / 4 - 1;
        out.setByte(headerAt, RtcpPacketTypes.VERSION << 6 | count);
        out.setByte(headerAt + 1, packet.packetType());
        out.setShort(headerAt + 2, words);
    }

    private static void writeReportBlocks(List<ReportBlock> blocks, ByteBuf out) {
        for (ReportBlock block : blocks) {
            out.writeInt((int) block.ssrc());
            out.writeInt(block.fractionLost() << 24 | (block.cumulativeLost() & 0xFF_FFFF));
            out.writeInt((int) block.extendedHighestSequence());
            out.writeInt((int) block.jitter());
            out.writeInt((int) block.lastSenderReport());
            out.writeInt((int) block.delaySinceLastSenderReport());
        }
    }

    private static void padToWord(ByteBuf out, int from) {
        while ((out.writerIndex() - from) % 4 != 0) {
            out.writeByte(0);
        }
    }

    static void checkUnsigned32(String field, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(field + " must be an unsigned 32-bit value (was " + value + ")");
        }
    }

    static void checkCount(String field, int count) {
        if (count < 0 || count > MAX_COUNT) {
            throw new IllegalArgumentException(field + " must be between 0 and " + MAX_COUNT + " (was " + count + ")");
        }
    }
}
