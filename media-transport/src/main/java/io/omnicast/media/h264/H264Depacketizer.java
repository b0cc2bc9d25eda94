package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.SequenceNumber;

import java.util.Arrays;
import java.util.List;

import static io.omnicast.media.h264.NalUnitTypes.FU_A;
import static io.omnicast.media.h264.NalUnitTypes.FU_A_HEADER_BYTES;
import static io.omnicast.media.h264.NalUnitTypes.FU_END_BIT;
import static io.omnicast.media.h264.NalUnitTypes.FU_START_BIT;
import static io.omnicast.media.h264.NalUnitTypes.F_NRI_MASK;
import static io.omnicast.media.h264.NalUnitTypes.STAP_A;
import static io.omnicast.media.h264.NalUnitTypes.STAP_A_HEADER_BYTES;
import static io.omnicast.media.h264.NalUnitTypes.STAP_A_SIZE_BYTES;

/**
 * Rebuilds H.264 access units from RTP packets, <a href="https://www.rfc-editor.org/rfc/rfc6184#section-5">RFC
 * 6184 section 5</a>, non-interleaved mode: single NAL unit packets (types 1-23), STAP-A (24) and FU-A (28).
 *
 * <pre>
 * STAP-A (section 5.7.1)                     FU-A (section 5.8)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+          +---------------+---------------+
 * |STAP-A NAL HDR | NALU 1 Size    |         | FU indicator  |   FU header   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+          |F|NRI| Type=28 |S|E|R|  Type   |
 * | NALU 1 Size   | NALU 1 HDR ... |         +---------------+---------------+
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+          |        FU payload ...         |
 * | NALU 2 Size   | NALU 2 HDR ... |         +-------------------------------+
 * </pre>
 *
 * <p>An access unit completes at the marker bit, or when a packet with a different timestamp arrives (senders
 * that never set the marker, or a lost marker packet). Until then {@link #push} answers
 * {@link Status#NEED_MORE_PACKETS}. On a sequence gap in the middle of an FU-A run the partial NAL unit is dropped,
 * as are the following fragments up to the next start fragment; the access unit is delivered marked
 * {@linkplain AccessUnit#isDamaged() damaged}. Malformed payloads are dropped and reported, never thrown: this
 * class reads network input. Every drop is reported to the {@link DropListener} with its {@link DropReason}.
 *
 * <p>Packets must arrive in sequence order (reordering is a jitter buffer's job); a packet older than the last one
 * is dropped as {@link DropReason#OUT_OF_ORDER}. One per stream; not thread-safe.
 */
public final class H264Depacketizer {
    /** Big enough for a 4K intra frame at high quality; smaller streams may set a tighter cap. */
    public static final int DEFAULT_MAX_ACCESS_UNIT_BYTES = 4 * 1024 * 1024;
    public static final int DEFAULT_MAX_NAL_UNITS_PER_ACCESS_UNIT = 1024;
    private static final int INITIAL_ACCESS_UNIT_BYTES = 16 * 1024;
    private static final int INITIAL_NAL_SLOTS = 16;

    /** What one {@link #push} did. */
    public enum Status {
        /** The packet was taken in; the access unit is not complete yet. */
        NEED_MORE_PACKETS,
        /** At least one access unit was added to the output list. */
        ACCESS_UNIT_COMPLETE,
        /** The packet (or data buffered before it) was dropped; see {@link #lastDropReason()}. */
        DROPPED
    }

    /** Why data was dropped. */
    public enum DropReason {
        FU_A_SEQUENCE_GAP("a packet was lost in the middle of an FU-A fragment run; the partial NAL unit is dropped"),
        FU_A_WITHOUT_START("FU-A fragment without a preceding start fragment (its start was lost or dropped)"),
        FU_A_INCOMPLETE("FU-A run ended (marker, timestamp change or new NAL unit) before its end fragment"),
        MALFORMED_FU_A("FU-A payload too short or with both start and end bits set"),
        MALFORMED_STAP_A("STAP-A NAL unit sizes do not match the payload length"),
        EMPTY_PAYLOAD("RTP packet without payload"),
        UNSUPPORTED_PACKET_TYPE("packetization type not allowed in non-interleaved mode (0, 25-27, 29-31)"),
        OUT_OF_ORDER("packet older than the previous one (duplicate or reordered)"),
        ACCESS_UNIT_TOO_LARGE("access unit exceeds the size cap; the whole access unit is dropped"),
        TOO_MANY_NAL_UNITS("access unit exceeds the NAL unit count cap; the whole access unit is dropped");

        private final String description;

        DropReason(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** Told about every drop, on the thread that calls {@link #push}. */
    @FunctionalInterface
    public interface DropListener {
        DropListener NONE = (reason, detail) -> { };

        void dropped(DropReason reason, String detail);
    }

    private final ByteBufAllocator allocator;
    private final int maxAccessUnitBytes;
    private final int maxNalUnits;
    private final DropListener dropListener;

    private ByteBuf data;
    private int[] offsets = new int[INITIAL_NAL_SLOTS];
    private int[] lengths = new int[INITIAL_NAL_SLOTS];
    private int nalCount;
    private long timestamp;
    private boolean damaged;
    private boolean fragmentInProgress;
    private int fragmentStart;
    /** Set after a cap was exceeded: the rest of that timestamp's packets are discarded. */
    private boolean discardingTimestamp;
    private long discardedTimestamp;
    private boolean hasLastSequence;
    private int lastSequence;

    private DropReason lastDropReason;
    private boolean droppedInThisPush;
    private long droppedCount;

    public H264Depacketizer(ByteBufAllocator allocator) {
        this(allocator, DEFAULT_MAX_ACCESS_UNIT_BYTES, DEFAULT_MAX_NAL_UNITS_PER_ACCESS_UNIT, DropListener.NONE);
    }

    public H264Depacketizer(ByteBufAllocator allocator, int maxAccessUnitBytes, int maxNalUnits,
                            DropListener dropListener) {
        if (maxAccessUnitBytes < 1024 || maxAccessUnitBytes > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("maxAccessUnitBytes must be between 1024 and 67108864 bytes (was "
                    + maxAccessUnitBytes + ")");
        }
        if (maxNalUnits < 1 || maxNalUnits > 65536) {
            throw new IllegalArgumentException("maxNalUnits must be between 1 and 65536 (was " + maxNalUnits + ")");
        }
        this.allocator = allocator;
        this.maxAccessUnitBytes = maxAccessUnitBytes;
        this.maxNalUnits = maxNalUnits;
        this.dropListener = dropListener;
    }

    /**
     * Takes one packet. Completed access units are added to {@code out}; the caller owns and releases them. The
     * packet's buffer is only read (copied from), never retained or released.
     */
    public Status push(RtpPacket packet, List<? super AccessUnit> out) {
        droppedInThisPush = false;
        int sizeBefore = out.size();
        int sequence = packet.sequenceNumber();
        boolean gap = false;
        int previousSequence = lastSequence;
        if (hasLastSequence) {
            int distance = SequenceNumber.distance(lastSequence, sequence);
            if (distance <= 0) {
                drop(DropReason.OUT_OF_ORDER, "seq " + sequence + " after " + lastSequence);
                return Status.DROPPED;
            }
            gap = distance > 1;
        }
        hasLastSequence = true;
        lastSequence = sequence;

        long packetTimestamp = packet.timestamp();
        if (discardingTimestamp) {
            if (packetTimestamp == discardedTimestamp) {
                if (packet.marker()) {
                    discardingTimestamp = false;
                }
                droppedCount++;
                droppedInThisPush = true;
                return Status.DROPPED;
            }
            discardingTimestamp = false;
        }
        if (data != null && packetTimestamp != timestamp) {
            abortFragment(DropReason.FU_A_INCOMPLETE, "timestamp changed to " + packetTimestamp);
            complete(out);
        }
        if (gap) {
            damaged = true;
            abortFragment(DropReason.FU_A_SEQUENCE_GAP, "seq " + sequence + " follows " + previousSequence + " ("
                    + (SequenceNumber.distance(previousSequence, sequence) - 1) + " lost)");
        }

        handlePayload(packet, packetTimestamp);

        if (packet.marker() && !discardingTimestamp) {
            abortFragment(DropReason.FU_A_INCOMPLETE, "marker bit on seq " + sequence);
            complete(out);
        } else if (packet.marker()) {
            discardingTimestamp = false;
        }
        if (out.size() > sizeBefore) {
            return Status.ACCESS_UNIT_COMPLETE;
        }
        return droppedInThisPush ? Status.DROPPED : Status.NEED_MORE_PACKETS;
    }

    private void handlePayload(RtpPacket packet, long packetTimestamp) {
        int length = packet.payloadLength();
        if (length == 0) {
            drop(DropReason.EMPTY_PAYLOAD, "seq " + packet.sequenceNumber());
            return;
        }
        ByteBuf buffer = packet.backingBuffer();
        int start = packet.payloadOffset();
        int header = buffer.getUnsignedByte(start);
        int type = NalUnitTypes.typeOf(header);
        if (type >= 1 && type <= 23) {
            abortFragment(DropReason.FU_A_INCOMPLETE, "single NAL unit packet seq " + packet.sequenceNumber());
            if (begin(packetTimestamp)) {
                appendNalUnit(buffer, start, length);
            }
        } else if (type == STAP_A) {
            handleStapA(packet, buffer, start, length, packetTimestamp);
        } else if (type == FU_A) {
            handleFuA(packet, buffer, start, length, header, packetTimestamp);
        } else {
            drop(DropReason.UNSUPPORTED_PACKET_TYPE, "type " + type + " in seq " + packet.sequenceNumber());
        }
    }

    private void handleStapA(RtpPacket packet, ByteBuf buffer, int start, int length, long packetTimestamp) {
        int end = start + length;
        // Validate every size first, so a malformed STAP-A adds nothing.
        int position = start + STAP_A_HEADER_BYTES;
        int units = 0;
        while (position < end) {
            if (position + STAP_A_SIZE_BYTES > end) {
                drop(DropReason.MALFORMED_STAP_A, "truncated size field in seq " + packet.sequenceNumber());
                return;
            }
            int size = buffer.getUnsignedShort(position);
            position += STAP_A_SIZE_BYTES;
            if (size == 0 || position + size > end) {
                drop(DropReason.MALFORMED_STAP_A, "NAL unit size " + size + " with " + (end - position)
                        + " bytes left in seq " + packet.sequenceNumber());
                return;
            }
            position += size;
            units++;
        }
        if (units == 0) {
            drop(DropReason.MALFORMED_STAP_A, "no NAL unit in seq " + packet.sequenceNumber());
            return;
        }
        abortFragment(DropReason.FU_A_INCOMPLETE, "STAP-A packet seq " + packet.sequenceNumber());
        if (!begin(packetTimestamp)) {
            return;
        }
        position = start + STAP_A_HEADER_BYTES;
        while (position < end) {
            int size = buffer.getUnsignedShort(position);
            position += STAP_A_SIZE_BYTES;
            if (!appendNalUnit(buffer, position, size)) {
                return;
            }
            position += size;
        }
    }

    private void handleFuA(RtpPacket packet, ByteBuf buffer, int start, int length, int indicator,
                           long packetTimestamp) {
        if (length <= FU_A_HEADER_BYTES) {
            drop(DropReason.MALFORMED_FU_A, length + "-byte FU-A payload in seq " + packet.sequenceNumber());
            return;
        }
        int fuHeader = buffer.getUnsignedByte(start + 1);
        boolean startBit = (fuHeader & FU_START_BIT) != 0;
        boolean endBit = (fuHeader & FU_END_BIT) != 0;
        if (startBit && endBit) {
            drop(DropReason.MALFORMED_FU_A, "start and end bits both set in seq " + packet.sequenceNumber());
            return;
        }
        int fragmentOffset = start + FU_A_HEADER_BYTES;
        int fragmentLength = length - FU_A_HEADER_BYTES;
        if (startBit) {
            abortFragment(DropReason.FU_A_INCOMPLETE, "new FU-A start in seq " + packet.sequenceNumber());
            if (!begin(packetTimestamp) || !reserve(1 + fragmentLength, false)) {
                return;
            }
            fragmentStart = data.writerIndex();
            data.writeByte((indicator & F_NRI_MASK) | NalUnitTypes.typeOf(fuHeader));
            data.writeBytes(buffer, fragmentOffset, fragmentLength);
            fragmentInProgress = true;
            return;
        }
        if (!fragmentInProgress) {
            drop(DropReason.FU_A_WITHOUT_START, "seq " + packet.sequenceNumber());
            return;
        }
        if (!reserve(fragmentLength, false)) {
            return;
        }
        data.writeBytes(buffer, fragmentOffset, fragmentLength);
        if (endBit) {
            fragmentInProgress = false;
            int nalLength = data.writerIndex() - fragmentStart;
            if (reserve(0, true)) {
                recordNalUnit(fragmentStart, nalLength);
            }
        }
    }

    /** Makes sure an access unit is open. Returns true so callers can chain it with {@link #reserve}. */
    private boolean begin(long packetTimestamp) {
        if (data == null) {
            data = allocator.buffer(Math.min(INITIAL_ACCESS_UNIT_BYTES, maxAccessUnitBytes), maxAccessUnitBytes);
            nalCount = 0;
            timestamp = packetTimestamp;
        }
        return true;
    }

    private boolean appendNalUnit(ByteBuf source, int offset, int length) {
        if (!reserve(length, true)) {
            return false;
        }
        int at = data.writerIndex();
        data.writeBytes(source, offset, length);
        recordNalUnit(at, length);
        return true;
    }

    /** Checks the caps before writing; on overflow drops the whole access unit and discards its timestamp. */
    private boolean reserve(int bytes, boolean newNalUnit) {
        if (data.writerIndex() + bytes > maxAccessUnitBytes) {
            discardAccessUnit(DropReason.ACCESS_UNIT_TOO_LARGE, (data.writerIndex() + bytes) + " bytes > cap "
                    + maxAccessUnitBytes);
            return false;
        }
        if (newNalUnit && nalCount >= maxNalUnits) {
            discardAccessUnit(DropReason.TOO_MANY_NAL_UNITS, "more than " + maxNalUnits + " NAL units");
            return false;
        }
        return true;
    }

    private void recordNalUnit(int offset, int length) {
        if (nalCount == offsets.length) {
            int grown = Math.min(maxNalUnits, offsets.length * 2);
            offsets = Arrays.copyOf(offsets, grown);
            lengths = Arrays.copyOf(lengths, grown);
        }
        offsets[nalCount] = offset;
        lengths[nalCount] = length;
        nalCount++;
    }

    private void abortFragment(DropReason reason, String detail) {
        if (!fragmentInProgress) {
            return;
        }
        fragmentInProgress = false;
        data.writerIndex(fragmentStart);
        damaged = true;
        drop(reason, detail);
    }

    private void discardAccessUnit(DropReason reason, String detail) {
        discardingTimestamp = true;
        discardedTimestamp = timestamp;
        fragmentInProgress = false;
        resetAccessUnit();
        drop(reason, "timestamp " + discardedTimestamp + ": " + detail);
    }

    private void complete(List<? super AccessUnit> out) {
        if (data == null) {
            return;
        }
        if (nalCount == 0) {
            resetAccessUnit();
            return;
        }
        AccessUnit unit = new AccessUnit(data, Arrays.copyOf(offsets, nalCount), Arrays.copyOf(lengths, nalCount),
                nalCount, timestamp, damaged);
        data = null;
        nalCount = 0;
        damaged = false;
        out.add(unit);
    }

    private void resetAccessUnit() {
        if (data != null) {
            data.release();
            data = null;
        }
        nalCount = 0;
        damaged = false;
    }

    private void drop(DropReason reason, String detail) {
        lastDropReason = reason;
        droppedInThisPush = true;
        droppedCount++;
        dropListener.dropped(reason, detail);
    }

    /** The reason of the most recent drop, or null if nothing was dropped yet. */
    public DropReason lastDropReason() {
        return lastDropReason;
    }

    /** Drops since creation (packets, partial NAL units and access units each count once). */
    public long droppedCount() {
        return droppedCount;
    }

    /** Releases a partly built access unit; call when the stream ends. The depacketizer can be reused after. */
    public void reset() {
        fragmentInProgress = false;
        discardingTimestamp = false;
        hasLastSequence = false;
        resetAccessUnit();
    }
}
