package io.omnicast.bridge.media;

import java.util.List;
import java.util.Objects;

/**
 * One encoded frame on its way to the publisher: for video the NAL units of one access unit (no start codes, in
 * decoding order), for audio one raw AAC frame (no ADTS header).
 *
 * @param kind          video or audio
 * @param ptsMicros     presentation time in microseconds on the source's (or, after {@code Timeline}, the output's)
 *                      clock
 * @param dtsMicros     decoding time, same clock; equal to pts when the stream has no B-frames
 * @param keyframe      true for an IDR access unit (video); always true for audio
 * @param units         the NAL units or the AAC frame
 * @param arrivalNanos  {@link System#nanoTime()} when the input packet arrived, for the latency figure
 * @param discontinuity true for the first frame after the source jumped (a file loop, a reconnect)
 */
public record MediaFrame(Kind kind, long ptsMicros, long dtsMicros, boolean keyframe, List<byte[]> units,
        long arrivalNanos, boolean discontinuity) {
    public enum Kind { VIDEO, AUDIO }

    public MediaFrame {
        Objects.requireNonNull(kind, "kind");
        units = List.copyOf(units);
        if (units.isEmpty()) {
            throw new IllegalArgumentException("a " + kind + " frame needs at least one unit");
        }
    }

    public MediaFrame withTimes(long pts, long dts) {
        return new MediaFrame(kind, pts, dts, keyframe, units, arrivalNanos, discontinuity);
    }

    public MediaFrame withUnits(List<byte[]> newUnits) {
        return new MediaFrame(kind, ptsMicros, dtsMicros, keyframe, newUnits, arrivalNanos, discontinuity);
    }

    public MediaFrame asDiscontinuity() {
        return new MediaFrame(kind, ptsMicros, dtsMicros, keyframe, units, arrivalNanos, true);
    }

    public int sizeBytes() {
        int total = 0;
        for (byte[] unit : units) {
            total += unit.length;
        }
        return total;
    }
}
