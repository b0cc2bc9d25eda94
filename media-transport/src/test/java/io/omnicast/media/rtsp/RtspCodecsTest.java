package io.omnicast.media.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.netty.handler.codec.rtsp.RtspResponseStatuses;
import io.netty.handler.codec.rtsp.RtspVersions;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RtspCodecsTest {
    private static EmbeddedChannel codec() {
        EmbeddedChannel ch = new EmbeddedChannel();
        RtspCodecs.addCodec(ch.pipeline(), RtspLimits.defaults());
        return ch;
    }

    private static String drainOutbound(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        String s = all.toString(StandardCharsets.ISO_8859_1);
        all.release();
        return s;
    }

    @Test
    void encodesAResponseByteExact() {
        EmbeddedChannel ch = codec();
        FullHttpRequest request = new DefaultFullHttpRequest(RtspVersions.RTSP_1_0, RtspMethods.DESCRIBE, "rtsp://h/a");
        request.headers().set(RtspHeaderNames.CSEQ, "7");
        FullHttpResponse r = RtspResponses.withBody(request, "application/sdp", "v=0\r\n", ByteBufAllocator.DEFAULT);
        ch.writeOutbound(r);
        assertEquals("RTSP/1.0 200 OK\r\ncseq: 7\r\ncontent-type: application/sdp\r\ncontent-length: 5\r\n\r\nv=0\r\n",
                drainOutbound(ch));
        request.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void encodesAnErrorWithItsReasonAndCseq() {
        EmbeddedChannel ch = codec();
        ch.writeOutbound(RtspResponses.response("3", RtspResponseStatuses.SESSION_NOT_FOUND,
                "Session Not Found (no session 'abc')"));
        assertEquals("RTSP/1.0 454 Session Not Found (no session 'abc')\r\ncseq: 3\r\ncontent-length: 0\r\n\r\n",
                drainOutbound(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void encodesAnInterleavedFrameByteExactWithoutCopyingThePayload() {
        EmbeddedChannel ch = codec();
        ByteBuf payload = Unpooled.buffer().writeBytes(new byte[] {0, 0, 0, 1, 2, 3});
        payload.readerIndex(3);
        ch.writeOutbound(new InterleavedFrame(3, payload));
        ByteBuf header = ch.readOutbound();
        ByteBuf body = ch.readOutbound();
        assertEquals("2403" + "0003", io.netty.buffer.ByteBufUtil.hexDump(header));
        assertEquals("010203", io.netty.buffer.ByteBufUtil.hexDump(body));
        header.release();
        body.release();
        assertEquals(0, payload.refCnt());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void framingErrorResponseSaysWhatWasWrong() {
        EmbeddedChannel ch = codec();
        ch.writeOutbound(RtspResponses.framingError(new RtspFramingException(
                io.netty.handler.codec.http.HttpResponseStatus.BAD_REQUEST, "headers exceed the limit of 300 bytes")));
        String out = drainOutbound(ch);
        assertTrue(out.startsWith("RTSP/1.0 400 Bad Request (headers exceed the limit of 300 bytes)\r\n"), out);
        assertTrue(out.contains("connection: close"), out);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void requestCheckRefusesMissingDuplicateAndNonNumericCseq() {
        assertEquals("Bad Request (missing CSeq header)", problem("OPTIONS rtsp://h/a RTSP/1.0\r\n\r\n"));
        assertEquals("Bad Request (duplicate CSeq header)",
                problem("OPTIONS rtsp://h/a RTSP/1.0\r\nCSeq: 1\r\nCSeq: 2\r\n\r\n"));
        assertEquals("Bad Request (duplicate Session header)",
                problem("PLAY rtsp://h/a RTSP/1.0\r\nCSeq: 1\r\nSession: a\r\nSession: b\r\n\r\n"));
        assertEquals("Bad Request (CSeq is not a number: 'x1')", problem("OPTIONS rtsp://h/a RTSP/1.0\r\nCSeq: x1\r\n\r\n"));
        assertEquals("ok", problem("OPTIONS rtsp://h/a RTSP/1.0\r\nCSeq: 1\r\n\r\n"));
    }

    @Test
    void requestCheckRefusesAHeaderLineNettyCannotParse() {
        String p = problem("OPTIONS rtsp://h/a RTSP/1.0\r\nCSeq: 1\r\nBad Header Name: x\r\n\r\n");
        assertTrue(p.startsWith("Bad Request (malformed request"), p);
    }

    private static String problem(String request) {
        EmbeddedChannel ch = codec();
        ch.writeInbound(Unpooled.wrappedBuffer(request.getBytes(StandardCharsets.ISO_8859_1)));
        FullHttpRequest r = ch.readInbound();
        String result = RtspRequestCheck.check(r).map(RtspRequestCheck.Problem::reason).orElse("ok");
        r.release();
        assertFalse(ch.finishAndReleaseAll());
        return result;
    }
}
