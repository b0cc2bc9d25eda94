package io.omnicast.peer.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * The RTCP the peer's streaming connection sends and watches for: receiver reports (RFC 3550 section 6.4.2),
 * Generic NACK (RFC 4585 section 6.2.1) and BYE detection (RFC 3550 section 6.6). A minimal writer of our own:
 * media-transport's RTCP package had not landed when the peer was written.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  FMT/RC |       PT      |          length               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Generic NACK FCI:  |            PID                |             BLP               |
 * </pre>
 */
public final class RtcpPackets {
    public static final int RR = 201;
    public static final int BYE = 203;
    public static final int RTPFB = 205;
    public static final int GENERIC_NACK_FMT = 1;

    private RtcpPackets() {
    }

    /** True when the compound packet holds a BYE. Reads only; never throws on garbage. */
    public static boolean containsBye(ByteBuf compound) {
        int offset = compound.readerIndex();
        int end = compound.writerIndex();
        while (end - offset >= 4) {
            int first = compound.getUnsignedByte(offset);
            if ((first >> 6) != 2) {
                return false;
            }
            int type = compound.getUnsignedByte(offset + 1);
            if (type == BYE) {
                return true;
            }
            offset += (compound.getUnsignedShort(offset + 2) + 1) * 4;
        }
        return false;
    }

    /** A receiver report with one report block about {@code sourceSsrc}. */
    public static ByteBuf receiverReport(ByteBufAllocator allocator, long senderSsrc, long sourceSsrc,
            int fractionLost, long cumulativeLost, long extendedHighest, long jitter) {
        ByteBuf out = allocator.buffer(32);
        out.writeByte(0x80 | 1);
        out.writeByte(RR);
        out.writeShort(7);
        out.writeInt((int) senderSsrc);
        out.writeInt((int) sourceSsrc);
        long lost = Math.max(-0x800000, Math.min(0x7FFFFF, cumulativeLost));
        out.writeInt((fractionLost & 0xFF) << 24 | (int) (lost & 0xFFFFFF));
        out.writeInt((int) extendedHighest);
        out.writeInt((int) jitter);
        out.writeInt(0); // LSR: we do not track sender reports
        out.writeInt(0); // DLSR
        return out;
    }

    /** Generic NACKs for {@code missing} sequence numbers (grouped 17 to an FCI entry). */
    public static ByteBuf genericNack(ByteBufAllocator allocator, long senderSsrc, long mediaSsrc,
            List<Integer> missing) {
        ByteBuf fci = allocator.buffer();
        int i = 0;
        while (i < missing.size()) {
            int pid = missing.get(i++);
            int blp = 0;
            while (i < missing.size()) {
                int d = (missing.get(i) - pid) & 0xFFFF;
                if (d < 1 || d > 16) {
                    break;
                }
                blp |= 1 << (d - 1);
                i++;
            }
            fci.writeShort(pid);
            fci.writeShort(blp);
        }
        ByteBuf out = allocator.buffer(12 + fci.readableBytes());
        out.writeByte(0x80 | GENERIC_NACK_FMT);
        out.writeByte(RTPFB);
        out.writeShort(2 + fci.readableBytes() / 4);
        out.writeInt((int) senderSsrc);
        out.writeInt((int) mediaSsrc);
        out.writeBytes(fci);
        fci.release();
        return out;
    }
}
