package io.omnicast.uscp.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.omnicast.uscp.UscpMessages;
import io.omnicast.uscp.v1.ERROR;
import io.omnicast.uscp.v1.ErrorCode;
import io.omnicast.uscp.v1.Health;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.v1.OK;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UscpFramingTest {
    private static final String OK_XML = "<OK xmlns=\"urn:omnicast:uscp:1\" requestId=\"x\"/>";

    private static EmbeddedChannel inbound() {
        return new EmbeddedChannel(new UscpFrameDecoder(), new UscpMessageDecoder());
    }

    private static ByteBuf frame(String xml) {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        return Unpooled.buffer().writeInt(body.length).writeBytes(body);
    }

    @Test
    void encoderWritesExactBytes() {
        EmbeddedChannel channel = new EmbeddedChannel(new UscpMessageEncoder());
        assertTrue(channel.writeOutbound(UscpMessages.ok("x")));
        ByteBuf out = channel.readOutbound();
        byte[] body = OK_XML.getBytes(StandardCharsets.UTF_8);
        ByteBuf expected = Unpooled.buffer().writeInt(body.length).writeBytes(body);
        try {
            assertEquals(expected, out);
        } finally {
            out.release();
            expected.release();
        }
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void encoderFailsTheWriteForAnInvalidMessageAndSendsNothing() {
        EmbeddedChannel channel = new EmbeddedChannel(new UscpMessageEncoder());
        NodeInformation bad = new NodeInformation(); // requestId missing
        bad.setHealth(new Health());
        EncoderException e = assertThrows(EncoderException.class, () -> channel.writeOutbound(bad));
        assertTrue(e.getMessage().contains("NodeInformation"), e.getMessage());
        assertNull(channel.readOutbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void roundTripsThroughEncoderAndDecoders() {
        EmbeddedChannel out = new EmbeddedChannel(new UscpMessageEncoder());
        EmbeddedChannel in = inbound();
        out.writeOutbound(UscpMessages.error(ErrorCode.AUTH_FAILED, "nope", "r-1", false));
        ByteBuf wire = out.readOutbound();
        assertTrue(in.writeInbound(wire));
        ERROR error = in.readInbound();
        assertEquals(ErrorCode.AUTH_FAILED, error.getCode());
        assertEquals("r-1", error.getRequestId());
        assertFalse(out.finishAndReleaseAll());
        assertFalse(in.finishAndReleaseAll());
    }

    @Test
    void decodesAFrameSplitAcrossManyReadsAndTwoFramesInOneRead() {
        EmbeddedChannel channel = inbound();
        ByteBuf one = frame(OK_XML);
        ByteBuf two = frame(OK_XML.replace("\"x\"", "\"y\""));
        ByteBuf all = Unpooled.buffer().writeBytes(one).writeBytes(two);
        one.release();
        two.release();
        // byte by byte through the first frame and a bit, then the rest in one go
        int firstLen = 4 + OK_XML.length();
        for (int i = 0; i < firstLen + 3; i++) {
            channel.writeInbound(all.readRetainedSlice(1));
            if (i < firstLen - 1) {
                assertNull(channel.readInbound(), "no message before the frame is complete (byte " + i + ")");
            }
        }
        channel.writeInbound(all.readRetainedSlice(all.readableBytes()));
        all.release();
        assertEquals("x", ((OK) channel.readInbound()).getRequestId());
        assertEquals("y", ((OK) channel.readInbound()).getRequestId());
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void decodesAtNonZeroOffset() {
        EmbeddedChannel channel = inbound();
        ByteBuf body = frame(OK_XML);
        ByteBuf padded = Unpooled.buffer().writeBytes(new byte[] {1, 2, 3, 4, 5}).writeBytes(body);
        body.release();
        padded.skipBytes(5);
        assertTrue(channel.writeInbound(padded));
        assertInstanceOf(OK.class, channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void seventyKilobyteFrameIsRefusedAsSoonAsItsLengthArrives() {
        EmbeddedChannel channel = inbound();
        ByteBuf prefix = Unpooled.buffer().writeInt(70 * 1024).writeBytes(new byte[100]);
        UscpFramingException e = assertThrows(UscpFramingException.class, () -> channel.writeInbound(prefix));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("71680"), e.getMessage());
        // the rest of the stream is discarded, never decoded
        ByteBuf rest = Unpooled.buffer().writeBytes(new byte[70 * 1024 - 100]).writeBytes(frame(OK_XML));
        channel.writeInbound(rest);
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void largestAllowedFrameIsAccepted() {
        EmbeddedChannel channel = inbound();
        String padding = " ".repeat(UscpFraming.MAX_DOCUMENT_BYTES - OK_XML.length());
        ByteBuf max = frame(OK_XML + padding);
        assertEquals(UscpFraming.MAX_DOCUMENT_BYTES, max.getInt(0));
        assertTrue(channel.writeInbound(max));
        assertInstanceOf(OK.class, channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void zeroLengthFrameIsEmptyFrame() {
        EmbeddedChannel channel = inbound();
        UscpFramingException e = assertThrows(UscpFramingException.class,
                () -> channel.writeInbound(Unpooled.buffer().writeInt(0).writeBytes(frame(OK_XML))));
        assertEquals(ErrorCode.EMPTY_FRAME, e.code());
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void connectionClosedMidFrameIsTruncatedFrame() {
        EmbeddedChannel channel = inbound();
        ByteBuf whole = frame(OK_XML);
        channel.writeInbound(whole.readRetainedSlice(10));
        whole.release();
        UscpFramingException e = assertThrows(UscpFramingException.class, channel::finishAndReleaseAll);
        assertEquals(ErrorCode.TRUNCATED_FRAME, e.code());
        assertTrue(e.getMessage().contains("got 10 bytes"), e.getMessage());
    }

    @Test
    void malformedDocumentInAGoodFrameIsReportedAndTheStreamGoesOn() {
        EmbeddedChannel channel = inbound();
        UscpDecoderException e = assertThrows(UscpDecoderException.class,
                () -> channel.writeInbound(frame("<OK xmlns=\"urn:omnicast:uscp:1\" requestId=\"q\"><")));
        assertEquals(ErrorCode.MALFORMED_XML, e.failure().code());
        assertEquals("q", e.failure().requestId());
        assertTrue(channel.writeInbound(frame(OK_XML)));
        assertInstanceOf(OK.class, channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void garbageBytesNeverEscapeAsAnythingButDocumentedErrors() {
        java.util.Random random = new java.util.Random(42);
        for (int round = 0; round < 500; round++) {
            EmbeddedChannel channel = inbound();
            byte[] noise = new byte[random.nextInt(200)];
            random.nextBytes(noise);
            // half the rounds get a plausible length so the XML decoder sees garbage documents too
            ByteBuf in = Unpooled.buffer();
            if (round % 2 == 0) {
                in.writeInt(noise.length);
            }
            in.writeBytes(noise);
            try {
                channel.writeInbound(in);
                channel.finishAndReleaseAll();
            } catch (UscpFramingException | UscpDecoderException expected) {
                channel.releaseInbound();
            }
            assertFalse(channel.isActive() && channel.finishAndReleaseAll());
        }
    }

    @Test
    void encodedFrameLengthMatchesDocument() {
        EmbeddedChannel channel = new EmbeddedChannel(new UscpMessageEncoder());
        channel.writeOutbound(UscpMessages.ok("abc"));
        ByteBuf out = channel.readOutbound();
        byte[] body = new byte[out.readableBytes() - 4];
        out.getBytes(4, body);
        assertEquals(body.length, out.getInt(0));
        assertArrayEquals(OK_XML.replace("\"x\"", "\"abc\"").getBytes(StandardCharsets.UTF_8), body);
        out.release();
        assertFalse(channel.finishAndReleaseAll());
    }
}
