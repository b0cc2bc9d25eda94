package io.omnicast.peer.player;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.omnicast.media.h264.AccessUnit;
import io.omnicast.media.h264.AnnexB;
import io.omnicast.media.h264.H264Depacketizer;
import io.omnicast.media.h264.NalUnitTypes;
import io.omnicast.media.h264.ParameterSets;
import io.omnicast.media.rtp.RtpPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the video track's RTP packets, in sequence order, into {@link Frame}s for the playout buffer.
 *
 * <p>Decoding mode depacketizes (RFC 6184) into Annex-B access units, putting the SDP's parameter sets in front
 * of a keyframe that lacks them in-band (ffmpeg's RTSP muxer sends them only in the SDP). Count-only mode copies
 * nothing: a frame ends at the marker bit or at a timestamp change, which is all a scale test needs. One per
 * stream, called on the stream's event loop.
 */
public final class FrameAssembler {
    private final boolean decode;
    private final Consumer<Frame> sink;
    private final H264Depacketizer depacketizer;
    private final List<AccessUnit> completed = new ArrayList<>(2);
    private volatile ParameterSets parameterSets = ParameterSets.NONE;
    private boolean open;
    private long openTimestamp;
    private int openBytes;
    private boolean openKeyframe;

    public FrameAssembler(boolean decode, ByteBufAllocator allocator, Consumer<Frame> sink) {
        this.decode = decode;
        this.sink = sink;
        this.depacketizer = decode ? new H264Depacketizer(allocator) : null;
    }

    /** The parameter sets of the SDP, used when a keyframe comes without them. */
    public void parameterSets(ParameterSets sets) {
        parameterSets = sets;
    }

    /** One video packet (only read; the caller keeps ownership). */
    public void push(RtpPacket packet, long arrivalNanos) {
        if (decode) {
            depacketizer.push(packet, completed);
            for (AccessUnit unit : completed) {
                try {
                    sink.accept(toFrame(unit, arrivalNanos));
                } finally {
                    unit.release();
                }
            }
            completed.clear();
            return;
        }
        if (open && packet.timestamp() != openTimestamp) {
            emitCounted(arrivalNanos);
        }
        if (!open) {
            open = true;
            openTimestamp = packet.timestamp();
            openBytes = 0;
            openKeyframe = false;
        }
        openBytes += packet.payloadLength();
        if (packet.payloadLength() > 0) {
            ByteBuf payload = packet.backingBuffer();
            int type = NalUnitTypes.typeOf(payload.getByte(packet.payloadOffset()));
            if (type == NalUnitTypes.IDR_SLICE || type == NalUnitTypes.SPS || type == NalUnitTypes.STAP_A
                    || (type == NalUnitTypes.FU_A && packet.payloadLength() > 1
                    && NalUnitTypes.typeOf(payload.getByte(packet.payloadOffset() + 1)) == NalUnitTypes.IDR_SLICE)) {
                openKeyframe = true;
            }
        }
        if (packet.marker()) {
            emitCounted(arrivalNanos);
        }
    }

    private void emitCounted(long arrivalNanos) {
        open = false;
        sink.accept(new Frame(openTimestamp, arrivalNanos, openKeyframe, openBytes, null));
    }

    private Frame toFrame(AccessUnit unit, long arrivalNanos) {
        ByteBuf annexB = ByteBufAllocator.DEFAULT.buffer(unit.sizeBytes() + 64);
        boolean hasSps = false;
        for (ByteBuf nal : unit.nalUnits()) {
            hasSps |= NalUnitTypes.typeOf(nal.getByte(nal.readerIndex())) == NalUnitTypes.SPS;
        }
        ParameterSets sets = parameterSets;
        if (unit.isKeyframe() && !hasSps && sets.isComplete()) {
            AnnexB.write(sets.nalUnits(), annexB);
        }
        unit.writeAnnexB(annexB);
        return new Frame(unit.timestamp(), arrivalNanos, unit.isKeyframe(), unit.sizeBytes(), annexB);
    }

    /** Drops a partly assembled frame (the stream moved to another parent mid-frame is fine: sequence continues). */
    public void reset() {
        if (decode) {
            depacketizer.reset();
        }
        open = false;
    }
}
