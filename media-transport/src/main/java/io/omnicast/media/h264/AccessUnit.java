package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

import java.util.ArrayList;
import java.util.List;

/**
 * One H.264 access unit (the NAL units of one picture, all with the same RTP timestamp) rebuilt by
 * {@link H264Depacketizer}. The NAL units lie back to back in one buffer this object owns: release it when done
 * (it is {@link ReferenceCounted}, so {@code ReferenceCountUtil.release} works).
 */
public final class AccessUnit implements ReferenceCounted {
    private final ByteBuf data;
    private final int[] offsets;
    private final int[] lengths;
    private final int count;
    private final long timestamp;
    private final boolean damaged;

    AccessUnit(ByteBuf data, int[] offsets, int[] lengths, int count, long timestamp, boolean damaged) {
        this.data = data;
        this.offsets = offsets;
        this.lengths = lengths;
        this.count = count;
        this.timestamp = timestamp;
        this.damaged = damaged;
    }

    /** RTP timestamp shared by every packet of this access unit. */
    public long timestamp() {
        return timestamp;
    }

    /** True when a packet of this access unit was lost or a NAL unit in it was dropped. */
    public boolean isDamaged() {
        return damaged;
    }

    public int nalUnitCount() {
        return count;
    }

    /** The {@code index}-th NAL unit (header byte included), a slice sharing this unit's reference count. */
    public ByteBuf nalUnit(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("NAL unit " + index + " of " + count);
        }
        return data.slice(offsets[index], lengths[index]);
    }

    public List<ByteBuf> nalUnits() {
        List<ByteBuf> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            result.add(nalUnit(i));
        }
        return result;
    }

    /** True when it contains an IDR slice, i.e. a decoder can start here given SPS and PPS. */
    public boolean isKeyframe() {
        for (int i = 0; i < count; i++) {
            if (NalUnitTypes.typeOf(data.getByte(offsets[i])) == NalUnitTypes.IDR_SLICE) {
                return true;
            }
        }
        return false;
    }

    /** Total NAL unit bytes, without start codes. */
    public int sizeBytes() {
        int total = 0;
        for (int i = 0; i < count; i++) {
            total += lengths[i];
        }
        return total;
    }

    /** Appends the access unit in Annex-B form (a start code before every NAL unit). */
    public void writeAnnexB(ByteBuf out) {
        for (int i = 0; i < count; i++) {
            AnnexB.write(nalUnit(i), out);
        }
    }

    @Override
    public int refCnt() {
        return data.refCnt();
    }

    @Override
    public AccessUnit retain() {
        data.retain();
        return this;
    }

    @Override
    public AccessUnit retain(int increment) {
        data.retain(increment);
        return this;
    }

    @Override
    public AccessUnit touch() {
        data.touch();
        return this;
    }

    @Override
    public AccessUnit touch(Object hint) {
        data.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return data.release();
    }

    @Override
    public boolean release(int decrement) {
        return data.release(decrement);
    }

    @Override
    public String toString() {
        return "AccessUnit[ts=" + timestamp + ", nalUnits=" + count + ", bytes=" + sizeBytes()
                + (damaged ? ", damaged" : "") + "]";
    }
}
