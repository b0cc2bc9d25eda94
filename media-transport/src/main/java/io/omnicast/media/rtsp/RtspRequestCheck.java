package io.omnicast.media.rtsp;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspVersions;
import java.util.List;
import java.util.Optional;

/**
 * Checks what every RTSP request must satisfy before a server acts on it (RFC 2326 sections 6 and 12.17): it
 * decoded, it is RTSP/1.0, it has exactly one numeric CSeq, and the headers that must not repeat do not.
 */
public final class RtspRequestCheck {
    /** Why a request was refused: the status and a reason a person can act on. */
    public record Problem(HttpResponseStatus status, String reason) {
    }

    private static final List<String> SINGLE_HEADERS = List.of("CSeq", "Session", "Content-Length", "Transport",
            "Content-Type");

    private RtspRequestCheck() {
    }

    public static Optional<Problem> check(FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            return bad("malformed request: " + (cause == null ? "unknown" : cause.getMessage()));
        }
        if (!RtspVersions.RTSP_1_0.equals(request.protocolVersion())) {
            return Optional.of(new Problem(HttpResponseStatus.valueOf(505), "RTSP Version Not Supported ("
                    + request.protocolVersion() + ")"));
        }
        for (String name : SINGLE_HEADERS) {
            if (request.headers().getAll(name).size() > 1) {
                return bad("duplicate " + name + " header");
            }
        }
        String cseq = request.headers().get(RtspHeaderNames.CSEQ);
        if (cseq == null) {
            return bad("missing CSeq header");
        }
        String trimmed = cseq.trim();
        if (trimmed.isEmpty() || trimmed.length() > 10 || !trimmed.chars().allMatch(Character::isDigit)) {
            return bad("CSeq is not a number: '" + (trimmed.length() > 20 ? trimmed.substring(0, 20) : trimmed) + "'");
        }
        return Optional.empty();
    }

    private static Optional<Problem> bad(String reason) {
        return Optional.of(new Problem(HttpResponseStatus.BAD_REQUEST, "Bad Request (" + reason + ")"));
    }
}
