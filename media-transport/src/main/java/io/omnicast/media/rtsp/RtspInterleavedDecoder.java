package io.omnicast.media.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Splits an RTSP connection's byte stream into {@link InterleavedFrame}s and whole RTSP messages; it sits in front
 * of Netty's {@code RtspDecoder}, which then only ever sees complete messages.
 *
 * <p>RFC 2326 section 10.12 lets {@code $}-framed data appear only between RTSP messages, so this decoder frames
 * RTSP messages itself (initial line, headers up to the empty line, then {@code Content-Length} bytes of body) and
 * looks for {@code $} only at a message boundary. Both kinds may arrive split over any number of reads and several
 * may arrive in one read.
 *
 * <p>Limits ({@link RtspLimits}): the initial line, the header block, the body and the interleaved frame length.
 * A byte at a message boundary that is neither {@code $}, CR/LF nor the start of an RTSP request or response line,
 * an initial line that is not RTSP/1.0, a limit exceeded, or an invalid or conflicting {@code Content-Length} raise
 * {@link RtspFramingException} (status 400); from then on every byte is discarded. One per channel.
 */
public final class RtspInterleavedDecoder extends ByteToMessageDecoder {
    private enum State { BOUNDARY, BODY, FAILED }

    private final RtspLimits limits;
    private State state = State.BOUNDARY;
    private int bodyRemaining;

    public RtspInterleavedDecoder(RtspLimits limits) {
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            switch (state) {
                case FAILED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
                case BODY -> {
                    int n = Math.min(bodyRemaining, in.readableBytes());
                    out.add(in.readRetainedSlice(n));
                    bodyRemaining -= n;
                    if (bodyRemaining == 0) {
                        state = State.BOUNDARY;
                    }
                }
                case BOUNDARY -> {
                    if (!decodeAtBoundary(in, out)) {
                        return;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    /** Returns false when more bytes are needed. */
    private boolean decodeAtBoundary(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        byte first = in.getByte(start);
        if (first == '$') {
            if (in.readableBytes() < 4) {
                return false;
            }
            int channel = in.getUnsignedByte(start + 1);
            int length = in.getUnsignedShort(start + 2);
            if (length > limits.maxInterleavedFrameBytes()) {
                throw fail(in, "interleaved frame of " + length + " bytes on channel " + channel
                        + " exceeds the limit of " + limits.maxInterleavedFrameBytes() + " bytes");
            }
            if (in.readableBytes() < 4 + length) {
                return false;
            }
            in.skipBytes(4);
            out.add(new InterleavedFrame(channel, in.readRetainedSlice(length)));
            return true;
        }
        if (first == '\r' || first == '\n') {
            in.skipBytes(1); // empty lines between messages are harmless (some clients send CRLF keep-alives)
            return true;
        }
        if (first < 'A' || first > 'Z') {
            throw fail(in, String.format(Locale.ROOT,
                    "unexpected byte 0x%02x at a message boundary: neither '$' nor an RTSP request or status line",
                    first & 0xFF));
        }
        int end = start + in.readableBytes();
        int lineEnd = in.indexOf(start, Math.min(end, start + limits.maxInitialLineBytes() + 1), (byte) '\n');
        if (lineEnd < 0) {
            if (in.readableBytes() > limits.maxInitialLineBytes()) {
                throw fail(in, "initial line exceeds the limit of " + limits.maxInitialLineBytes() + " bytes");
            }
            checkLinePrefix(in, start, end);
            return false;
        }
        String initialLine = in.toString(start, lineEnd - start, StandardCharsets.ISO_8859_1).trim();
        if (!isRtspInitialLine(initialLine)) {
            throw fail(in, "not an RTSP/1.0 request or status line: '" + printable(initialLine) + "'");
        }
        int headerLimit = lineEnd + 1 + limits.maxHeaderBytes();
        int headerEnd = findEmptyLine(in, lineEnd, Math.min(end, headerLimit + 2));
        if (headerEnd < 0) {
            if (end - (lineEnd + 1) > limits.maxHeaderBytes()) {
                throw fail(in, "headers exceed the limit of " + limits.maxHeaderBytes() + " bytes");
            }
            return false;
        }
        String headers = in.toString(lineEnd + 1, headerEnd - (lineEnd + 1), StandardCharsets.ISO_8859_1);
        long contentLength = contentLength(in, headers);
        if (contentLength > limits.maxContentBytes()) {
            throw fail(in, "Content-Length " + contentLength + " exceeds the limit of " + limits.maxContentBytes()
                    + " bytes");
        }
        out.add(in.readRetainedSlice(headerEnd - start));
        if (contentLength > 0) {
            bodyRemaining = (int) contentLength;
            state = State.BODY;
        }
        return true;
    }

    /** A partial first line is checked early so garbage without a newline does not sit in the buffer. */
    private void checkLinePrefix(ByteBuf in, int start, int end) {
        for (int i = start; i < end; i++) {
            byte b = in.getByte(i);
            if (b == ' ') {
                return;
            }
            if (!(b >= 'A' && b <= 'Z' || b == '_' || b == '-' || b == '/' || b == '.' || b >= '0' && b <= '9')) {
                throw fail(in, String.format(Locale.ROOT,
                        "unexpected byte 0x%02x in an RTSP method or version token", b & 0xFF));
            }
        }
    }

    private static boolean isRtspInitialLine(String line) {
        if (line.startsWith("RTSP/1.0 ")) {
            return true; // status line
        }
        int firstSpace = line.indexOf(' ');
        int lastSpace = line.lastIndexOf(' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1 || !line.endsWith(" RTSP/1.0")) {
            return false;
        }
        for (int i = 0; i < firstSpace; i++) {
            char c = line.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Index just past the empty line that ends the header block, or -1. Accepts CRLF and bare LF line ends. */
    private static int findEmptyLine(ByteBuf in, int firstLineEnd, int end) {
        // firstLineEnd points at a '\n'; an empty line is "\n\r\n" or "\n\n"
        for (int i = firstLineEnd; i < end; i++) {
            if (in.getByte(i) != '\n') {
                continue;
            }
            if (i + 1 < end && in.getByte(i + 1) == '\n') {
                return i + 2;
            }
            if (i + 2 < end && in.getByte(i + 1) == '\r' && in.getByte(i + 2) == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    private long contentLength(ByteBuf in, String headers) {
        long found = -1;
        for (String line : headers.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                continue;
            }
            String value = line.substring(colon + 1).trim();
            long parsed;
            try {
                parsed = value.length() > 12 || value.isEmpty() ? -1 : Long.parseLong(value);
            } catch (NumberFormatException e) {
                parsed = -1;
            }
            if (parsed < 0 || value.startsWith("+")) {
                throw fail(in, "invalid Content-Length '" + printable(value) + "'");
            }
            if (found >= 0 && found != parsed) {
                throw fail(in, "conflicting Content-Length headers " + found + " and " + parsed);
            }
            found = parsed;
        }
        return Math.max(found, 0);
    }

    private RtspFramingException fail(ByteBuf in, String message) {
        state = State.FAILED;
        in.skipBytes(in.readableBytes());
        return new RtspFramingException(HttpResponseStatus.BAD_REQUEST, message);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return s.length() > 80 ? b + "..." : b.toString();
    }
}
