package io.omnicast.media.sdp;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.omnicast.media.sdp.SdpTypes.Attribute;
import io.omnicast.media.sdp.SdpTypes.Direction;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SdpParserTest {
    /** Captured from ffmpeg 5.1 (Debian 12) publishing testsrc2 720p30 libx264 + sine aac over RTSP ANNOUNCE. */
    static String ffmpegAnnounce() throws IOException {
        try (InputStream in = SdpParserTest.class.getResourceAsStream("ffmpeg-announce.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void parsesWhatFfmpegAnnounces() throws IOException {
        SessionDescription session = SdpParser.parse(ffmpegAnnounce());
        assertEquals("No Name", session.sessionName());
        assertEquals("127.0.0.1", session.connection().address());
        assertEquals("127.0.0.1", session.origin().address());
        assertEquals(2, session.media().size());

        MediaDescription video = session.firstMedia("video").orElseThrow();
        assertEquals("streamid=0", video.control().orElseThrow());
        assertEquals(Direction.SENDRECV, session.direction(video));
        H264TrackFormat h264 = H264TrackFormat.from(video);
        assertEquals(96, h264.payloadType());
        assertEquals(90_000, h264.clockRate());
        assertEquals(1, h264.packetizationMode());
        assertEquals("64001F", h264.profileLevelId());
        assertTrue(h264.parameterSets().isComplete());
        assertEquals(0x67, h264.parameterSets().sps()[0]);
        assertEquals("68ebe3cb22c0", ByteBufUtil.hexDump(h264.parameterSets().pps()));

        MediaDescription audio = session.firstMedia("audio").orElseThrow();
        assertEquals(List.of("AS:69"), audio.bandwidths());
        AacTrackFormat aac = AacTrackFormat.from(audio);
        assertEquals(97, aac.payloadType());
        assertEquals(44_100, aac.clockRate());
        assertEquals(1, aac.channels());
        assertTrue(aac.isAacHbr());
        assertEquals(13, aac.sizeLength());
        assertEquals(3, aac.indexLength());
        assertEquals(3, aac.indexDeltaLength());
        assertArrayEquals(ByteBufUtil.decodeHexDump("120856E500"), aac.config());
        assertEquals("120856E500", aac.configHex());
    }

    @Test
    void writesFfmpegsDescriptionBackByteForByte() throws IOException {
        String original = ffmpegAnnounce();
        assertEquals(original, SdpWriter.write(SdpParser.parse(original)));
    }

    @Test
    void h264FmtpIsRebuiltInFfmpegsSpelling() throws IOException {
        MediaDescription video = SdpParser.parse(ffmpegAnnounce()).media().get(0);
        assertEquals(video.attribute("fmtp").orElseThrow(), H264TrackFormat.from(video).toFmtp().toString());
    }

    @Test
    void buildsAServerDescriptionWithRangeAndDirection() {
        SessionDescription session = SessionDescription.of(
                new SdpTypes.Origin("-", "1", "1", "IN", "IP4", "10.0.0.1"), "live/demo", null,
                List.of(new Attribute("range", "npt=0-"), Attribute.flag("sendonly"), new Attribute("control", "*")),
                List.of(MediaDescription.rtp("video", List.of("96"), List.of(new Attribute("rtpmap", "96 H264/90000"),
                        new Attribute("control", "trackID=0")))));
        String text = SdpWriter.write(session);
        assertEquals("v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=live/demo\r\nt=0 0\r\na=range:npt=0-\r\na=sendonly\r\n"
                + "a=control:*\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=0\r\n", text);
        SessionDescription parsed = new SdpParser(4096, 32).parseBuffer(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8).asReadOnly());
        assertEquals(session, parsed);
        assertEquals("npt=0-", parsed.range().orElseThrow());
        assertEquals(Direction.SENDONLY, parsed.direction(parsed.media().get(0)));
    }

    @Test
    void acceptsBareLineFeedsAndMediaLevelDirection() {
        SessionDescription session = SdpParser.parse("v=0\no=- 0 0 IN IP4 0.0.0.0\ns=x\nt=0 0\na=sendonly\n"
                + "m=audio 5004/2 RTP/AVP 0 8\na=recvonly\n");
        MediaDescription audio = session.media().get(0);
        assertEquals(5004, audio.port());
        assertEquals(2, audio.portCount());
        assertEquals(List.of("0", "8"), audio.formats());
        assertEquals(Direction.RECVONLY, session.direction(audio));
    }

    @Test
    void rejectsMalformedDescriptionsWithTheLineNumber() {
        assertRejected("", "SDP ends before the protocol version line");
        assertRejected("v=1\r\n", "version must be 0");
        assertRejected("v=0\r\ns=x\r\n", "line 2: expected o=");
        assertRejected("v=0\r\no=- 0 0 IN IP4\r\ns=x\r\n", "o= needs 6 fields");
        assertRejected("v=0\r\no=- 0 0 IN IP4 h\r\ns=x\r\nx=1\r\n", "unknown or misplaced line type x=");
        assertRejected("v=0\r\no=- 0 0 IN IP4 h\r\ns=x\r\nm=video abc RTP/AVP 96\r\n", "port is not a number");
        assertRejected("v=0\r\no=- 0 0 IN IP4 h\r\ns=x\r\nm=video 0 RTP/AVP\r\n", "at least one format");
        assertRejected("v=0\r\no=- 0 0 IN IP4 h\r\ns=x\r\nm=video 0 RTP/AVP 96\r\nt=0 0\r\n", "in a media section");
        assertRejected("v=0\r\no=- 0 0 IN IP4 h\r\ns=x\r\nhello\r\n", "line 4");
        // Regression (found by DecoderFuzzTest): a stray CR used to survive into the attribute value.
        assertRejected("v=0\r\no=- 0 0 IN IP4 h\r\ns=x\r\na=control:1\r\r\n", "line 4: stray CR");
    }

    private static void assertRejected(String sdp, String messagePart) {
        SdpFormatException e = assertThrows(SdpFormatException.class, () -> SdpParser.parse(sdp));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void enforcesSizeAndLineLimits() throws IOException {
        SdpParser strict = new SdpParser(100, 5);
        assertTrue(assertThrows(SdpFormatException.class, () -> strict.parseText(ffmpegAnnounce())).getMessage()
                .contains("the limit is 100"));
        SdpParser fewLines = new SdpParser(4096, 5);
        assertEquals("SDP has 15 lines, the limit is 5",
                assertThrows(SdpFormatException.class, () -> fewLines.parseText(ffmpegAnnounce())).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SdpParser(1, 5));
    }

    @Test
    void typedReadersReportBadTrackParameters() {
        MediaDescription noH264 = MediaDescription.rtp("video", List.of("96"),
                List.of(new Attribute("rtpmap", "96 VP8/90000")));
        assertThrows(SdpFormatException.class, () -> H264TrackFormat.from(noH264));
        MediaDescription badSprop = MediaDescription.rtp("video", List.of("96"), List.of(
                new Attribute("rtpmap", "96 H264/90000"), new Attribute("fmtp", "96 sprop-parameter-sets=@@@")));
        assertThrows(SdpFormatException.class, () -> H264TrackFormat.from(badSprop));
        MediaDescription badConfig = MediaDescription.rtp("audio", List.of("97"), List.of(
                new Attribute("rtpmap", "97 mpeg4-generic/48000/2"), new Attribute("fmtp", "97 mode=AAC-hbr;config=XYZ")));
        assertThrows(SdpFormatException.class, () -> AacTrackFormat.from(badConfig));
        assertThrows(SdpFormatException.class, () -> RtpMap.parse("96 H264"));
        assertThrows(SdpFormatException.class, () -> RtpMap.parse("200 H264/90000"));
        assertEquals(new RtpMap(97, "mpeg4-generic", 48000, "2"), RtpMap.parse("97 mpeg4-generic/48000/2"));
    }
}
