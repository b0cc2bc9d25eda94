package io.omnicast.media.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtspInterleavedDecoderTest {
    private static final String OPTIONS = "OPTIONS rtsp://h/live/a RTSP/1.0\r\nCSeq: 1\r\n\r\n";
    private static final String ANNOUNCE_BODY = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=$tream\r\n";
    private static final String ANNOUNCE = "ANNOUNCE rtsp://h/live/a RTSP/1.0\r\nCSeq: 2\r\n"
            + "Content-Type: application/sdp\r\nContent-Length: " + ANNOUNCE_BODY.length() + "\r\n\r\n"
            + ANNOUNCE_BODY;

    private static EmbeddedChannel codec() {
        return codec(RtspLimits.defaults());
    }

    private static EmbeddedChannel codec(RtspLimits limits) {
        EmbeddedChannel ch = new EmbeddedChannel();
        RtspCodecs.addCodec(ch.pipeline(), limits);
        return ch;
    }

    private static byte[] frame(int channel, int length, int fill) {
        byte[] b = new byte[4 + length];
        b[0] = '$';
        b[1] = (byte) channel;
        b[2] = (byte) (length >> 8);
        b[3] = (byte) length;
        for (int i = 0; i < length; i++) {
            b[4 + i] = (byte) (fill + i);
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuf all = Unpooled.buffer();
        for (byte[] p : parts) {
            all.writeBytes(p);
        }
        byte[] b = new byte[all.readableBytes()];
        all.readBytes(b);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads everything decoded so far as a list of short descriptions, releasing each message. */
    private static List<String> drain(EmbeddedChannel ch) {
        List<String> seen = new ArrayList<>();
        Object msg;
        while ((msg = ch.readInbound()) != null) {
            if (msg instanceof InterleavedFrame f) {
                seen.add("frame" + f.channel() + ":" + f.content().readableBytes() + ":"
                        + (f.content().readableBytes() > 0 ? f.content().getUnsignedByte(f.content().readerIndex()) : -1));
                f.release();
            } else if (msg instanceof FullHttpRequest r) {
                seen.add(r.method() + ":" + r.headers().get(RtspHeaderNames.CSEQ) + ":"
                        + r.content().toString(StandardCharsets.UTF_8));
                r.release();
            } else if (msg instanceof FullHttpResponse r) {
                seen.add("response" + r.status().code());
                r.release();
            }
        }
        return seen;
    }

    @Test
    void splitsFramesAndRequestsArrivingInOneRead() {
        EmbeddedChannel ch = codec();
        ch.writeInbound(Unpooled.wrappedBuffer(concat(frame(0, 20, 7), ascii(OPTIONS), frame(1, 8, 9),
                ascii(ANNOUNCE), frame(2, 0, 0))));
        assertEquals(List.of("frame0:20:7", "OPTIONS:1:", "frame1:8:9", "ANNOUNCE:2:" + ANNOUNCE_BODY, "frame2:0:-1"),
                drain(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void reassemblesEverythingWhenFedOneByteAtATime() {
        EmbeddedChannel ch = codec();
        byte[] all = concat(frame(0, 300, 1), ascii(ANNOUNCE), frame(1, 3, 5), ascii(OPTIONS));
        List<String> seen = new ArrayList<>();
        for (byte b : all) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            seen.addAll(drain(ch));
        }
        assertEquals(List.of("frame0:300:1", "ANNOUNCE:2:" + ANNOUNCE_BODY, "frame1:3:5", "OPTIONS:1:"), seen);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void splitsAtEveryPossiblePointOfTwoReads() {
        byte[] all = concat(ascii(OPTIONS), frame(0, 40, 3), ascii(ANNOUNCE), frame(1, 2, 4));
        for (int cut = 1; cut < all.length; cut++) {
            EmbeddedChannel ch = codec();
            ch.writeInbound(Unpooled.wrappedBuffer(all, 0, cut));
            List<String> seen = new ArrayList<>(drain(ch));
            ch.writeInbound(Unpooled.wrappedBuffer(all, cut, all.length - cut));
            seen.addAll(drain(ch));
            assertEquals(List.of("OPTIONS:1:", "frame0:40:3", "ANNOUNCE:2:" + ANNOUNCE_BODY, "frame1:2:4"), seen,
                    "cut at " + cut);
            assertFalse(ch.finishAndReleaseAll());
        }
    }

    @Test
    void decodesFromABufferAtANonZeroOffset() {
        EmbeddedChannel ch = codec();
        ByteBuf buf = Unpooled.buffer();
        buf.writeBytes(new byte[] {9, 9, 9});
        buf.writeBytes(frame(4, 5, 1));
        buf.readerIndex(3);
        ch.writeInbound(buf);
        assertEquals(List.of("frame4:5:1"), drain(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void skipsEmptyLinesBetweenMessages() {
        EmbeddedChannel ch = codec();
        ch.writeInbound(Unpooled.wrappedBuffer(ascii("\r\n\r\n" + OPTIONS + "\r\n")));
        assertEquals(List.of("OPTIONS:1:"), drain(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void decodesAResponseForTheClientSide() {
        EmbeddedChannel ch = codec();
        ch.writeInbound(Unpooled.wrappedBuffer(ascii("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 3\r\n\r\nabc")));
        assertEquals(List.of("response200"), drain(ch));
        assertFalse(ch.finishAndReleaseAll());
    }

    private static RtspFramingException failure(EmbeddedChannel ch, byte[] input) {
        DecoderException e = assertThrows(DecoderException.class,
                () -> ch.writeInbound(Unpooled.wrappedBuffer(input)));
        return assertInstanceOf(RtspFramingException.class, e);
    }

    @Test
    void garbageByteAtAMessageBoundaryFailsClearlyAndTheRestIsDiscarded() {
        EmbeddedChannel ch = codec();
        ch.writeInbound(Unpooled.wrappedBuffer(frame(0, 4, 1)));
        assertEquals(1, drain(ch).size());
        RtspFramingException e = failure(ch, concat(new byte[] {(byte) 0xAB}, ascii(OPTIONS)));
        assertEquals(400, e.status().code());
        assertTrue(e.getMessage().contains("0xab"), e.getMessage());
        assertTrue(e.getMessage().contains("neither '$' nor an RTSP"), e.getMessage());
        ch.writeInbound(Unpooled.wrappedBuffer(ascii(OPTIONS)));
        assertNull(ch.readInbound(), "after a framing error nothing more is decoded");
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aLineThatIsNotRtspFails() {
        EmbeddedChannel ch = codec();
        RtspFramingException e = failure(ch, ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertTrue(e.getMessage().contains("not an RTSP/1.0"), e.getMessage());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void lowercaseGarbageWithoutNewlineFailsWithoutWaiting() {
        EmbeddedChannel ch = codec();
        RtspFramingException e = failure(ch, ascii("OPTiONS"));
        assertTrue(e.getMessage().contains("0x69"), e.getMessage());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void oversizedInitialLineFails() {
        EmbeddedChannel ch = codec(RtspLimits.builder().maxInitialLineBytes(100).build());
        RtspFramingException e = failure(ch, ascii("OPTIONS rtsp://h/" + "a".repeat(200)));
        assertTrue(e.getMessage().contains("initial line exceeds the limit of 100 bytes"), e.getMessage());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void oversizedHeadersFail() {
        EmbeddedChannel ch = codec(RtspLimits.builder().maxHeaderBytes(300).build());
        RtspFramingException e = failure(ch, ascii("OPTIONS rtsp://h/a RTSP/1.0\r\nCSeq: 1\r\nX-Pad: "
                + "p".repeat(400) + "\r\n"));
        assertTrue(e.getMessage().contains("headers exceed the limit of 300 bytes"), e.getMessage());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void oversizedContentLengthFailsBeforeTheBodyArrives() {
        EmbeddedChannel ch = codec(RtspLimits.builder().maxContentBytes(1000).build());
        RtspFramingException e = failure(ch, ascii("ANNOUNCE rtsp://h/a RTSP/1.0\r\nCSeq: 1\r\n"
                + "Content-Length: 1001\r\n\r\n"));
        assertTrue(e.getMessage().contains("Content-Length 1001 exceeds the limit of 1000 bytes"), e.getMessage());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void conflictingOrInvalidContentLengthFails() {
        EmbeddedChannel ch = codec();
        RtspFramingException e = failure(ch, ascii("ANNOUNCE rtsp://h/a RTSP/1.0\r\nCSeq: 1\r\n"
                + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"));
        assertTrue(e.getMessage().contains("conflicting Content-Length"), e.getMessage());
        assertFalse(ch.finishAndReleaseAll());
        EmbeddedChannel ch2 = codec();
        e = failure(ch2, ascii("ANNOUNCE rtsp://h/a RTSP/1.0\r\nCSeq: 1\r\nContent-Length: -5\r\n\r\n"));
        assertTrue(e.getMessage().contains("invalid Content-Length '-5'"), e.getMessage());
        assertFalse(ch2.finishAndReleaseAll());
    }

    @Test
    void oversizedInterleavedFrameFails() {
        EmbeddedChannel ch = codec(RtspLimits.builder().maxInterleavedFrameBytes(1500).build());
        RtspFramingException e = failure(ch, new byte[] {'$', 0, 0x10, 0});
        assertTrue(e.getMessage().contains("4096 bytes on channel 0 exceeds the limit of 1500 bytes"), e.getMessage());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void limitsBuilderNamesFieldValueLimitAndUnit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RtspLimits.builder().maxHeaderBytes(10).build());
        assertEquals("maxHeaderBytes must be between 256 and 1048576 bytes (was 10)", e.getMessage());
    }

    @Test
    void randomBytesRaiseOnlyFramingOrDecoderErrorsAndLeakNothing() {
        Random random = new Random(20240611);
        String[] seeds = {OPTIONS, ANNOUNCE, "$", "RTSP/1.0 200 OK\r\n", "SETUP x RTSP/1.0\r\nContent-Length: 2\r\n\r\n"};
        for (int round = 0; round < 2000; round++) {
            EmbeddedChannel ch = codec(RtspLimits.builder().maxContentBytes(512).maxHeaderBytes(512).build());
            try {
                for (int read = 0; read < 5; read++) {
                    byte[] chunk = new byte[random.nextInt(64)];
                    random.nextBytes(chunk);
                    if (random.nextInt(3) == 0) {
                        byte[] seed = ascii(seeds[random.nextInt(seeds.length)]);
                        int keep = random.nextInt(seed.length + 1);
                        byte[] mixed = new byte[keep + chunk.length];
                        System.arraycopy(seed, 0, mixed, 0, keep);
                        System.arraycopy(chunk, 0, mixed, keep, chunk.length);
                        chunk = mixed;
                    }
                    ch.writeInbound(Unpooled.wrappedBuffer(chunk));
                    drain(ch);
                }
            } catch (DecoderException expected) {
                // RtspFramingException or Netty's own DecoderException for a bad message: both documented
            }
            drain(ch);
            ch.close(); // a truncated message may surface when the channel closes: take and release it too
            drain(ch);
            assertFalse(ch.finishAndReleaseAll());
        }
    }
}
