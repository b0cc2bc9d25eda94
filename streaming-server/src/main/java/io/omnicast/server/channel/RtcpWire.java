package io.omnicast.server.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.function.IntConsumer;

/**
 * The few RTCP packets the relay itself reads and writes (RFC 3550 section 6, RFC 4585 section 6.2.1).
 *
 * <p>Adapter note: media-transport's RTCP package had not landed when the server was written; this is the smallest
 * reader/writer the server needs (SR, RR report blocks, BYE, Generic NACK), meant to give way to the shared one.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  count  |      PT       |   length (32-bit words - 1)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
final class RtcpWire {
    static final int SR = 200;
    static final int RR = 201;
    static final int SDES = 202;
    static final int BYE = 203;
    static final int RTPFB = 205;
    static final int GENERIC_NACK = 1;
    /** Seconds from 1900 (NTP epoch) to 1970 (Unix epoch). */
    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    /** What a compound packet says that the relay cares about. */
    interface Visitor {
        default void senderReport(long ssrc, long ntpTimestamp, long rtpTimestamp) {
        }

        default void reportBlock(long sourceSsrc, int fractionLost, int cumulativeLost, long jitter) {
        }

        default void nack(long mediaSsrc, int sequenceNumber) {
        }

        default void bye(long ssrc) {
        }
    }

    private RtcpWire() {
    }

    /** Walks a compound packet; returns false (and stops) at the first malformed part. */
    static boolean read(ByteBuf buf, Visitor visitor) {
        int pos = buf.readerIndex();
        int end = buf.writerIndex();
        if (end - pos < 4) {
            return false;
        }
        while (pos + 4 <= end) {
            int first = buf.getUnsignedByte(pos);
            if (first >> 6 != 2) {
                return false;
            }
            int count = first & 0x1F;
            int type = buf.getUnsignedByte(pos + 1);
            int length = (buf.getUnsignedShort(pos + 2) + 1) * 4;
            if (pos + length > end) {
                return false;
            }
            int body = pos + 4;
            switch (type) {
                case SR -> {
                    if (length < 28 + count * 24) {
                        return false;
                    }
                    visitor.senderReport(buf.getUnsignedInt(body), buf.getLong(body + 4), buf.getUnsignedInt(body + 12));
                    blocks(buf, body + 24, count, visitor);
                }
                case RR -> {
                    if (length < 8 + count * 24) {
                        return false;
                    }
                    blocks(buf, body + 4, count, visitor);
                }
                case BYE -> {
                    if (count > 0 && length >= 8) {
                        visitor.bye(buf.getUnsignedInt(body));
                    }
                }
                case RTPFB -> {
                    if (count == GENERIC_NACK && length >= 12) {
                        long media = buf.getUnsignedInt(body + 4);
                        for (int p = body + 8; p + 4 <= pos + length; p += 4) {
                            int pid = buf.getUnsignedShort(p);
                            int blp = buf.getUnsignedShort(p + 2);
                            visitor.nack(media, pid);
                            for (int bit = 0; bit < 16; bit++) {
                                if ((blp & (1 << bit)) != 0) {
                                    visitor.nack(media, (pid + bit + 1) & 0xFFFF);
                                }
                            }
                        }
                    }
                }
                default -> {
                    // SDES, APP, other feedback: nothing for the relay
                }
            }
            pos += length;
        }
        return pos == end;
    }

    private static void blocks(ByteBuf buf, int at, int count, Visitor visitor) {
        for (int i = 0; i < count; i++) {
            int b = at + i * 24;
            int lost = buf.getMedium(b + 5);
            if ((lost & 0x800000) != 0) {
                lost |= 0xFF000000; // signed 24-bit
            }
            visitor.reportBlock(buf.getUnsignedInt(b), buf.getUnsignedByte(b + 4), lost, buf.getUnsignedInt(b + 12));
        }
    }

    /** NTP timestamp (64-bit, 32.32 fixed point) of a Unix time in milliseconds. */
    static long ntp(long unixMillis) {
        long seconds = unixMillis / 1000 + NTP_UNIX_OFFSET_SECONDS;
        long fraction = ((unixMillis % 1000) << 32) / 1000;
        return seconds << 32 | fraction;
    }

    /** A sender report without report blocks, followed by an SDES CNAME (RFC 3550: every compound has one). */
    static ByteBuf senderReport(ByteBufAllocator alloc, long ssrc, long ntp, long rtpTimestamp, long packets,
            long octets, String cname) {
        ByteBuf b = alloc.buffer(28 + 8 + 4 + cname.length());
        b.writeByte(0x80).writeByte(SR).writeShort(6);
        b.writeInt((int) ssrc).writeLong(ntp).writeInt((int) rtpTimestamp).writeInt((int) packets).writeInt((int) octets);
        sdes(b, ssrc, cname);
        return b;
    }

    /** A receiver report with one block about {@code sourceSsrc}, followed by SDES CNAME. */
    static ByteBuf receiverReport(ByteBufAllocator alloc, long reporterSsrc, long sourceSsrc, int fractionLost,
            long cumulativeLost, long extendedHighest, long jitter, long lastSr, long delaySinceLastSr, String cname) {
        ByteBuf b = alloc.buffer(32 + 8 + 4 + cname.length());
        b.writeByte(0x81).writeByte(RR).writeShort(7);
        b.writeInt((int) reporterSsrc).writeInt((int) sourceSsrc);
        long lost = Math.max(-0x800000, Math.min(0x7FFFFF, cumulativeLost));
        b.writeByte(fractionLost).writeMedium((int) lost & 0xFFFFFF);
        b.writeInt((int) extendedHighest).writeInt((int) jitter).writeInt((int) lastSr).writeInt((int) delaySinceLastSr);
        sdes(b, reporterSsrc, cname);
        return b;
    }

    /** BYE for {@code ssrc} with a reason. */
    static ByteBuf bye(ByteBufAllocator alloc, long ssrc, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int textLength = Math.min(255, text.length);
        int length = 8 + 1 + textLength;
        int padded = (length + 3) & ~3;
        ByteBuf b = alloc.buffer(padded);
        b.writeByte(0x81).writeByte(BYE).writeShort(padded / 4 - 1);
        b.writeInt((int) ssrc).writeByte(textLength).writeBytes(text, 0, textLength);
        b.writeZero(padded - length);
        return b;
    }

    private static void sdes(ByteBuf b, long ssrc, String cname) {
        byte[] name = cname.getBytes(StandardCharsets.UTF_8);
        int length = 4 + 4 + 2 + name.length + 1; // header, ssrc, type+len, text, END
        int padded = (length + 3) & ~3;
        b.writeByte(0x81).writeByte(SDES).writeShort(padded / 4 - 1);
        b.writeInt((int) ssrc).writeByte(1).writeByte(name.length).writeBytes(name);
        b.writeZero(padded - length + 1);
    }

    static void forEachNack(ByteBuf buf, IntConsumer sequence) {
        read(buf, new Visitor() {
            @Override
            public void nack(long mediaSsrc, int sequenceNumber) {
                sequence.accept(sequenceNumber);
            }
        });
    }
}
