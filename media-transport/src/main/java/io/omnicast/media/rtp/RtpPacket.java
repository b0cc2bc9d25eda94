package io.omnicast.media.rtp;

import io.netty.buffer.ByteBuf;

import static io.omnicast.media.rtp.RtpHeader.CSRC_BYTES;
import static io.omnicast.media.rtp.RtpHeader.CSRC_COUNT_MASK;
import static io.omnicast.media.rtp.RtpHeader.EXTENSION_BIT;
import static io.omnicast.media.rtp.RtpHeader.EXTENSION_HEADER_BYTES;
import static io.omnicast.media.rtp.RtpHeader.FIXED_HEADER_BYTES;
import static io.omnicast.media.rtp.RtpHeader.MARKER_BIT;
import static io.omnicast.media.rtp.RtpHeader.PADDING_BIT;
import static io.omnicast.media.rtp.RtpHeader.PAYLOAD_TYPE_MASK;
import static io.omnicast.media.rtp.RtpHeader.SEQUENCE_OFFSET;
import static io.omnicast.media.rtp.RtpHeader.SSRC_OFFSET;
import static io.omnicast.media.rtp.RtpHeader.TIMESTAMP_OFFSET;
import static io.omnicast.media.rtp.RtpHeader.VERSION;
import static io.omnicast.media.rtp.RtpHeader.VERSION_SHIFT;

/**
 * A validated, read-only view of one RTP packet (<a href="https://www.rfc-editor.org/rfc/rfc3550#section-5.1">RFC
 * 3550 section 5.1</a>, header diagram in {@link RtpHeader}) lying in a {@link ByteBuf} between an offset and a
 * length. Nothing is copied: header fields are read from the buffer on demand and {@link #payload()} is a slice.
 *
 * <p>Only the header length and payload length are cached, because every consumer needs them and computing them
 * means walking the CSRC list, the extension and the padding again.
 *
 * <p>The view does not own the buffer: it neither retains nor releases it, and it is valid only while the
 * caller keeps the buffer alive and does not modify the bytes. Parsing does not move the buffer's indexes.
 */
public final class RtpPacket {
    private final ByteBuf buffer;
    private final int offset;
    private final int length;
    private final int headerLength;
    private final int payloadLength;

    private RtpPacket(ByteBuf buffer, int offset, int length, int headerLength, int payloadLength) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.headerLength = headerLength;
        this.payloadLength = payloadLength;
    }

    /** Parses the readable bytes of {@code buffer} (reader index to writer index) as one RTP packet. */
    public static RtpPacket parse(ByteBuf buffer) {
        return parse(buffer, buffer.readerIndex(), buffer.readableBytes());
    }

    /**
     * Parses {@code length} bytes at absolute {@code offset} of {@code buffer} as one RTP packet.
     *
     * @throws RtpFormatException if the packet is truncated, not version 2, or its CSRC list, header extension or
     *                            padding do not fit in {@code length}
     */
    public static RtpPacket parse(ByteBuf buffer, int offset, int length) {
        if (offset < 0 || length < 0 || offset > buffer.capacity() - length) {
            throw new IndexOutOfBoundsException("offset " + offset + " and length " + length
                    + " are outside the buffer (capacity " + buffer.capacity() + ")");
        }
        if (length < FIXED_HEADER_BYTES) {
            throw new RtpFormatException("RTP packet truncated: " + length + " bytes, the fixed header needs "
                    + FIXED_HEADER_BYTES);
        }
        int first = buffer.getUnsignedByte(offset);
        int version = first >>> VERSION_SHIFT;
        if (version != VERSION) {
            throw new RtpFormatException("RTP version must be " + VERSION + " (was " + version + ")");
        }
        int csrcCount = first & CSRC_COUNT_MASK;
        int headerLength = FIXED_HEADER_BYTES + csrcCount * CSRC_BYTES;
        if (headerLength > length) {
            throw new RtpFormatException("RTP CSRC count " + csrcCount + " needs a " + headerLength
                    + "-byte header but the packet has " + length + " bytes");
        }
        if ((first & EXTENSION_BIT) != 0) {
            if (headerLength + EXTENSION_HEADER_BYTES > length) {
                throw new RtpFormatException("RTP header extension truncated: its 4-byte header starts at byte "
                        + headerLength + " of a " + length + "-byte packet");
            }
            int extensionWords = buffer.getUnsignedShort(offset + headerLength + 2);
            headerLength += EXTENSION_HEADER_BYTES + extensionWords * 4;
            if (headerLength > length) {
                throw new RtpFormatException("RTP header extension length " + extensionWords
                        + " words runs past the end of a " + length + "-byte packet");
            }
        }
        int paddingLength = 0;
        if ((first & PADDING_BIT) != 0) {
            paddingLength = buffer.getUnsignedByte(offset + length - 1);
            // The count includes itself, so 0 is impossible (RFC 3550 A.1).
            if (paddingLength == 0) {
                throw new RtpFormatException("RTP padding bit set but the padding count is 0");
            }
            if (headerLength + paddingLength > length) {
                throw new RtpFormatException("RTP padding of " + paddingLength + " bytes is longer than the "
                        + (length - headerLength) + " bytes after the " + headerLength + "-byte header");
            }
        }
        return new RtpPacket(buffer, offset, length, headerLength, length - headerLength - paddingLength);
    }

    /** The buffer this view reads from (not a slice; see {@link #offset()}). */
    public ByteBuf backingBuffer() {
        return buffer;
    }

    /** Absolute offset of the first header byte in {@link #backingBuffer()}. */
    public int offset() {
        return offset;
    }

    /** Whole packet length in bytes, header, payload and padding included. */
    public int length() {
        return length;
    }

    /** A slice with the whole packet (header, payload, padding); shares memory and reference count. */
    public ByteBuf packet() {
        return buffer.slice(offset, length);
    }

    public int version() {
        return buffer.getUnsignedByte(offset) >>> VERSION_SHIFT;
    }

    public boolean hasPadding() {
        return (buffer.getByte(offset) & PADDING_BIT) != 0;
    }

    public boolean hasExtension() {
        return (buffer.getByte(offset) & EXTENSION_BIT) != 0;
    }

    public int csrcCount() {
        return buffer.getByte(offset) & CSRC_COUNT_MASK;
    }

    /** The {@code index}-th contributing source, unsigned 32 bits in a long. */
    public long csrc(int index) {
        if (index < 0 || index >= csrcCount()) {
            throw new IndexOutOfBoundsException("CSRC index " + index + " (count " + csrcCount() + ")");
        }
        return buffer.getUnsignedInt(offset + FIXED_HEADER_BYTES + index * CSRC_BYTES);
    }

    public long[] csrcs() {
        long[] result = new long[csrcCount()];
        for (int i = 0; i < result.length; i++) {
            result[i] = csrc(i);
        }
        return result;
    }

    /** The profile-defined 16 bits of the header extension, or -1 without one. */
    public int extensionProfile() {
        if (!hasExtension()) {
            return -1;
        }
        return buffer.getUnsignedShort(offset + FIXED_HEADER_BYTES + csrcCount() * CSRC_BYTES);
    }

    /** The header extension body (without its 4-byte header), or an empty buffer without one. */
    public ByteBuf extension() {
        if (!hasExtension()) {
            return buffer.slice(offset, 0);
        }
        int start = FIXED_HEADER_BYTES + csrcCount() * CSRC_BYTES + EXTENSION_HEADER_BYTES;
        return buffer.slice(offset + start, headerLength - start);
    }

    public boolean marker() {
        return (buffer.getByte(offset + 1) & MARKER_BIT) != 0;
    }

    public int payloadType() {
        return buffer.getByte(offset + 1) & PAYLOAD_TYPE_MASK;
    }

    /** 0..65535; compare with {@link SequenceNumber}, never with {@code <}. */
    public int sequenceNumber() {
        return buffer.getUnsignedShort(offset + SEQUENCE_OFFSET);
    }

    /** 0..2^32-1; compare with {@link RtpTimestamp}. */
    public long timestamp() {
        return buffer.getUnsignedInt(offset + TIMESTAMP_OFFSET);
    }

    /** Unsigned 32-bit SSRC held in a long. */
    public long ssrc() {
        return buffer.getUnsignedInt(offset + SSRC_OFFSET);
    }

    /** Bytes of fixed header, CSRC list and header extension. */
    public int headerLength() {
        return headerLength;
    }

    public int payloadLength() {
        return payloadLength;
    }

    /** Absolute offset of the first payload byte in {@link #backingBuffer()}. */
    public int payloadOffset() {
        return offset + headerLength;
    }

    /** A slice with the payload only (no padding); shares memory and reference count with the buffer. */
    public ByteBuf payload() {
        return buffer.slice(offset + headerLength, payloadLength);
    }

    @Override
    public String toString() {
        return "RtpPacket[pt=" + payloadType() + ", seq=" + sequenceNumber() + ", ts=" + timestamp()
                + ", ssrc=" + Long.toHexString(ssrc()) + ", marker=" + marker() + ", payload=" + payloadLength
                + " bytes]";
    }
}
