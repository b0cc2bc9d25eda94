package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.omnicast.media.rtp.RtpPacket;

/**
 * Follows the latest SPS and PPS of one stream: seeded from SDP {@code sprop-parameter-sets}, then updated from
 * in-band NAL units (single NAL unit packets, STAP-A contents, and FU-A runs that the depacketizer rebuilt).
 * Parameter sets that arrive fragmented in FU-A are only seen through {@link #onNalUnit}; encoders send them
 * whole because they are small. Keeps only the latest of each (one SPS/PPS id, what every live encoder we target
 * uses). One per stream; not thread-safe, but {@link #current()} is immutable and may be handed to other threads.
 */
public final class ParameterSetTracker {
    /** Larger "parameter sets" are not plausible and are ignored rather than stored. */
    public static final int MAX_PARAMETER_SET_BYTES = 4096;

    private ParameterSets current;

    public ParameterSetTracker() {
        this(ParameterSets.NONE);
    }

    public ParameterSetTracker(ParameterSets initial) {
        this.current = initial;
    }

    public ParameterSets current() {
        return current;
    }

    /**
     * Looks at one NAL unit (header byte first); stores it if it is an SPS or PPS that differs from the current one.
     *
     * @return true if the parameter sets changed
     */
    public boolean onNalUnit(ByteBuf nalUnit) {
        return onNalUnit(nalUnit, nalUnit.readerIndex(), nalUnit.readableBytes());
    }

    private boolean onNalUnit(ByteBuf buffer, int offset, int length) {
        if (length == 0 || length > MAX_PARAMETER_SET_BYTES) {
            return false;
        }
        int type = NalUnitTypes.typeOf(buffer.getByte(offset));
        if (type != NalUnitTypes.SPS && type != NalUnitTypes.PPS) {
            return false;
        }
        byte[] bytes = ByteBufUtil.getBytes(buffer, offset, length);
        ParameterSets updated = type == NalUnitTypes.SPS ? current.withSps(bytes) : current.withPps(bytes);
        if (updated.equals(current)) {
            return false;
        }
        current = updated;
        return true;
    }

    /** Looks into an RTP packet's payload (single NAL unit or STAP-A). @return true if the sets changed */
    public boolean onRtpPacket(RtpPacket packet) {
        int length = packet.payloadLength();
        if (length == 0) {
            return false;
        }
        ByteBuf buffer = packet.backingBuffer();
        int start = packet.payloadOffset();
        int type = NalUnitTypes.typeOf(buffer.getByte(start));
        if (type == NalUnitTypes.SPS || type == NalUnitTypes.PPS) {
            return onNalUnit(buffer, start, length);
        }
        if (type != NalUnitTypes.STAP_A) {
            return false;
        }
        boolean changed = false;
        int end = start + length;
        int position = start + NalUnitTypes.STAP_A_HEADER_BYTES;
        while (position + NalUnitTypes.STAP_A_SIZE_BYTES <= end) {
            int size = buffer.getUnsignedShort(position);
            position += NalUnitTypes.STAP_A_SIZE_BYTES;
            if (size == 0 || position + size > end) {
                break; // malformed: keep what was valid before it
            }
            changed |= onNalUnit(buffer, position, size);
            position += size;
        }
        return changed;
    }
}
