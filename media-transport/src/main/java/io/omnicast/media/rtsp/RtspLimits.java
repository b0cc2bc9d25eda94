package io.omnicast.media.rtsp;

/**
 * Size limits of the RTSP codec. Every parser has limits (DESIGN.md, Security); a message over one is answered
 * with 400 and the connection is closed, because the stream can no longer be trusted.
 */
public final class RtspLimits {
    /** Interleaved frames carry a 16-bit length: this is the largest a frame can be. */
    public static final int MAX_INTERLEAVED_FRAME_BYTES = 0xFFFF;

    private final int maxInitialLineBytes;
    private final int maxHeaderBytes;
    private final int maxContentBytes;
    private final int maxInterleavedFrameBytes;

    private RtspLimits(Builder b) {
        this.maxInitialLineBytes = b.maxInitialLineBytes;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.maxContentBytes = b.maxContentBytes;
        this.maxInterleavedFrameBytes = b.maxInterleavedFrameBytes;
    }

    /** Defaults: 4 KiB request line, 16 KiB of headers, 64 KiB of body (an SDP), 65535-byte interleaved frames. */
    public static RtspLimits defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int maxInitialLineBytes() {
        return maxInitialLineBytes;
    }

    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    public int maxContentBytes() {
        return maxContentBytes;
    }

    public int maxInterleavedFrameBytes() {
        return maxInterleavedFrameBytes;
    }

    @Override
    public String toString() {
        return "RtspLimits[initialLine=" + maxInitialLineBytes + "B, headers=" + maxHeaderBytes + "B, content="
                + maxContentBytes + "B, interleavedFrame=" + maxInterleavedFrameBytes + "B]";
    }

    /** Validating builder: {@link #build()} fails naming the field, the value, the limit and the unit. */
    public static final class Builder {
        private int maxInitialLineBytes = 4096;
        private int maxHeaderBytes = 16 * 1024;
        private int maxContentBytes = 64 * 1024;
        private int maxInterleavedFrameBytes = MAX_INTERLEAVED_FRAME_BYTES;

        private Builder() {
        }

        public Builder maxInitialLineBytes(int bytes) {
            this.maxInitialLineBytes = bytes;
            return this;
        }

        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = bytes;
            return this;
        }

        public Builder maxContentBytes(int bytes) {
            this.maxContentBytes = bytes;
            return this;
        }

        public Builder maxInterleavedFrameBytes(int bytes) {
            this.maxInterleavedFrameBytes = bytes;
            return this;
        }

        public RtspLimits build() {
            check("maxInitialLineBytes", maxInitialLineBytes, 64, 1 << 20);
            check("maxHeaderBytes", maxHeaderBytes, 256, 1 << 20);
            check("maxContentBytes", maxContentBytes, 0, 16 << 20);
            check("maxInterleavedFrameBytes", maxInterleavedFrameBytes, 12, MAX_INTERLEAVED_FRAME_BYTES);
            return new RtspLimits(this);
        }

        private static void check(String field, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(
                        field + " must be between " + min + " and " + max + " bytes (was " + value + ")");
            }
        }
    }
}
