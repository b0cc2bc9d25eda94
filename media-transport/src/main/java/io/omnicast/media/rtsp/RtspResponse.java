package io.omnicast.media.rtsp;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import java.nio.charset.StandardCharsets;

/**
 * A response the {@link RtspClient} received, copied out of Netty's buffers so callers need not release anything.
 */
public record RtspResponse(int code, String reason, HttpHeaders headers, String body) {
    static RtspResponse copyOf(FullHttpResponse r) {
        HttpHeaders headers = new DefaultHttpHeaders().add(r.headers());
        return new RtspResponse(r.status().code(), r.status().reasonPhrase(), headers,
                r.content().toString(StandardCharsets.UTF_8));
    }

    public boolean isSuccess() {
        return code >= 200 && code < 300;
    }

    public String header(CharSequence name) {
        return headers.get(name);
    }

    public String sessionId() {
        String s = headers.get(RtspHeaderNames.SESSION);
        return s == null ? null : RtspSessionHeader.parse(s).id();
    }

    @Override
    public String toString() {
        return "RTSP/1.0 " + code + " " + reason;
    }
}
