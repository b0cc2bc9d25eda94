package io.omnicast.media.rtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import static io.omnicast.media.rtp.RtpHeader.CSRC_BYTES;
import static io.omnicast.media.rtp.RtpHeader.FIXED_HEADER_BYTES;
import static io.omnicast.media.rtp.RtpHeader.MARKER_BIT;
import static io.omnicast.media.rtp.RtpHeader.MAX_CSRC_COUNT;
import static io.omnicast.media.rtp.RtpHeader.MAX_PAYLOAD_TYPE;
import static io.omnicast.media.rtp.RtpHeader.VERSION;
import static io.omnicast.media.rtp.RtpHeader.VERSION_SHIFT;

/**
 * Builds RTP packets (RFC 3550 section 5.1, diagram in {@link RtpHeader}) for one outgoing stream: it owns the
 * SSRC, the payload type and the next sequence number, which advances by one per packet and wraps at 65535.
 * One per stream; not thread-safe (call it from the stream's event loop).
 *
 * <p>{@link #writeHeader} is the stateless form for code that manages its own numbering.
 */
public final class RtpPacketWriter {
    private static final long[] NO_CSRCS = new long[0];

    private final long ssrc;
    private final int payloadType;
    private int nextSequenceNumber;

    public RtpPacketWriter(long ssrc, int payloadType, int firstSequenceNumber) {
        checkSsrc(ssrc);
        checkPayloadType(payloadType);
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.nextSequenceNumber = new SequenceNumber(firstSequenceNumber).value();
    }

    public long ssrc() {
        return ssrc;
    }

    public int payloadType() {
        return payloadType;
    }

    /** The sequence number the next packet will carry. */
    public int nextSequenceNumber() {
        return nextSequenceNumber;
    }

    /**
     * Allocates one packet with the next sequence number and copies {@code payload}'s readable bytes into it
     * (the payload's indexes and reference count are left alone).
     */
    public ByteBuf write(ByteBufAllocator allocator, long timestamp, boolean marker, ByteBuf payload) {
        ByteBuf out = allocator.buffer(FIXED_HEADER_BYTES + payload.readableBytes());
        try {
            writeHeader(out, marker, timestamp);
            out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** Writes the 12-byte header with the next sequence number into {@code out}; the caller appends the payload. */
    public void writeHeader(ByteBuf out, boolean marker, long timestamp) {
        writeHeader(out, marker, payloadType, nextSequenceNumber, timestamp, ssrc, NO_CSRCS);
        nextSequenceNumber = SequenceNumber.next(nextSequenceNumber);
    }

    /** Writes a fixed header plus CSRC list (no extension, no padding) at {@code out}'s writer index. */
    public static void writeHeader(ByteBuf out, boolean marker, int payloadType, int sequenceNumber, long timestamp,
                                   long ssrc, long... csrcs) {
        checkPayloadType(payloadType);
        new SequenceNumber(sequenceNumber);
        new RtpTimestamp(timestamp);
        checkSsrc(ssrc);
        if (csrcs.length > MAX_CSRC_COUNT) {
            throw new IllegalArgumentException("CSRC count must be at most " + MAX_CSRC_COUNT + " (was " + csrcs.length + ")");
        }
        out.ensureWritable(FIXED_HEADER_BYTES + csrcs.length * CSRC_BYTES);
        out.writeByte(VERSION << VERSION_SHIFT | csrcs.length);
        out.writeByte((marker ? MARKER_BIT : 0) | payloadType);
        out.writeShort(sequenceNumber);
        out.writeInt((int) timestamp);
        out.writeInt((int) ssrc);
        for (long csrc : csrcs) {
            checkSsrc(csrc);
            out.writeInt((int) csrc);
        }
    }

    private static void checkPayloadType(int payloadType) {
        if (payloadType < 0 || payloadType > MAX_PAYLOAD_TYPE) {
            throw new IllegalArgumentException("payload type must be between 0 and " + MAX_PAYLOAD_TYPE + " (was " + payloadType + ")");
        }
    }

    private static void checkSsrc(long ssrc) {
        if (ssrc < 0 || ssrc > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("SSRC/CSRC must be an unsigned 32-bit value (was " + ssrc + ")");
        }
    }
}
