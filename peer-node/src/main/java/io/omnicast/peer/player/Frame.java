package io.omnicast.peer.player;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;

/**
 * One picture waiting for playout: its RTP timestamp, when it arrived, whether it is a keyframe, and the access
 * unit in Annex-B form ({@code null} in count-only mode). The frame owns the buffer.
 */
public record Frame(long rtpTimestamp, long arrivalNanos, boolean keyframe, int sizeBytes, ByteBuf annexB)
        implements PlayoutBuffer.Timed {
    /** Releases the access unit, if any. */
    @Override
    public void release() {
        if (annexB != null) {
            ReferenceCountUtil.release(annexB);
        }
    }
}
