package io.omnicast.media.rtsp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspVersions;
import java.nio.charset.StandardCharsets;

/**
 * Builds RTSP responses: the status with a reason that says what went wrong, the request's CSeq echoed, and a
 * body with its type and length.
 */
public final class RtspResponses {
    private RtspResponses() {
    }

    /** A response to {@code request} echoing its CSeq; {@code reason} replaces the standard phrase when not null. */
    public static FullHttpResponse response(FullHttpRequest request, HttpResponseStatus status, String reason) {
        return response(request == null ? null : request.headers().get(RtspHeaderNames.CSEQ), status, reason);
    }

    /** A response with CSeq {@code cseq} (none when null). */
    public static FullHttpResponse response(String cseq, HttpResponseStatus status, String reason) {
        HttpResponseStatus s = reason == null ? status : new HttpResponseStatus(status.code(), sanitize(reason));
        FullHttpResponse response = new DefaultFullHttpResponse(RtspVersions.RTSP_1_0, s, Unpooled.EMPTY_BUFFER);
        if (cseq != null) {
            response.headers().set(RtspHeaderNames.CSEQ, cseq);
        }
        response.headers().set(RtspHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }

    /** A 200 OK with {@code body} of {@code contentType} (e.g. an SDP for DESCRIBE). */
    public static FullHttpResponse withBody(FullHttpRequest request, String contentType, String body,
            ByteBufAllocator alloc) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = alloc.buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(RtspVersions.RTSP_1_0, HttpResponseStatus.OK, content);
        String cseq = request.headers().get(RtspHeaderNames.CSEQ);
        if (cseq != null) {
            response.headers().set(RtspHeaderNames.CSEQ, cseq);
        }
        response.headers().set(RtspHeaderNames.CONTENT_TYPE, contentType);
        response.headers().set(RtspHeaderNames.CONTENT_LENGTH, bytes.length);
        return response;
    }

    /** The 400 for a broken byte stream; the caller closes the connection after writing it. */
    public static FullHttpResponse framingError(RtspFramingException e) {
        FullHttpResponse r = response((String) null, e.status(), e.status().reasonPhrase() + " (" + e.getMessage() + ")");
        r.headers().set(RtspHeaderNames.CONNECTION, "close");
        return r;
    }

    /** Reason phrases are one line of printable ASCII; anything else would break the status line. */
    private static String sanitize(String reason) {
        StringBuilder b = new StringBuilder(Math.min(reason.length(), 200));
        for (int i = 0; i < reason.length() && b.length() < 200; i++) {
            char c = reason.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : ' ');
        }
        return b.toString();
    }
}
