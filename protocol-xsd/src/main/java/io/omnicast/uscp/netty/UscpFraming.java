package io.omnicast.uscp.netty;

/**
 * The USCP frame: a 4-byte unsigned big-endian length N, then N bytes of UTF-8 XML.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  length N (1 <= N <= 65536)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 N bytes of UTF-8 XML document ...             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class UscpFraming {
    /** Size of the length prefix in bytes. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** Largest document a frame may carry, in bytes (64 KiB). */
    public static final int MAX_DOCUMENT_BYTES = 64 * 1024;

    private UscpFraming() {
    }
}
