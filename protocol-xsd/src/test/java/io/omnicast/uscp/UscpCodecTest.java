package io.omnicast.uscp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.ErrorCode;
import io.omnicast.uscp.v1.Health;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.v1.OK;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UscpCodecTest {
    private static final String NS = "xmlns=\"urn:omnicast:uscp:1\"";
    private final UscpCodec codec = UscpCodec.get();

    private UscpException refused(String xml) {
        return assertThrows(UscpException.class, () -> codec.decode(xml));
    }

    @Test
    void decodesNodeInformationWithAllFields() throws Exception {
        NodeInformation info = codec.decode(Unpooled.wrappedBuffer(("<NodeInformation " + NS + " requestId=\"b-1\">"
                + "<Capacity maxChildren=\"4\" uplinkKbps=\"20000\" cpuLoad=\"12.5\"/>"
                + "<Health fps=\"29.97\" bufferMs=\"500\" stalls=\"2\"/></NodeInformation>")
                .getBytes(StandardCharsets.UTF_8)), NodeInformation.class);
        assertEquals("b-1", info.getRequestId());
        assertEquals(4, info.getCapacity().getMaxChildren());
        assertEquals(12.5, info.getCapacity().getCpuLoad());
        assertNull(info.getCapacity().getMemoryLoad());
        assertEquals(29.97, info.getHealth().getFps());
        assertEquals(2, info.getHealth().getStalls());
    }

    @Test
    void decodesFromNonZeroOffsetWithoutMovingTheReaderIndex() throws Exception {
        byte[] xml = ("<OK " + NS + " requestId=\"x\"/>").getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeBytes(new byte[] {9, 9, 9});
            buf.writeBytes(xml);
            buf.writeBytes(new byte[] {7, 7});
            ByteBuf slice = buf.slice(3, xml.length);
            OK ok = codec.decode(slice, OK.class);
            assertEquals("x", ok.getRequestId());
            assertEquals(0, slice.readerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void malformedXmlIsMalformedXmlWithPosition() {
        UscpException e = refused("<OK " + NS + " requestId=\"r-9\">&undeclared;</OK>");
        assertEquals(ErrorCode.MALFORMED_XML, e.code());
        assertEquals(1, e.line());
        assertTrue(e.column() > 0);
        assertEquals("r-9", e.requestId(), "the requestId is echoed when the root could be read");
    }

    @Test
    void notXmlAtAllIsMalformedXml() {
        assertEquals(ErrorCode.MALFORMED_XML, refused("GET / HTTP/1.1\r\n\r\n").code());
        assertEquals(ErrorCode.MALFORMED_XML, refused("").code());
    }

    @Test
    void validDocumentOfAnotherNamespaceIsUnknownMessage() {
        UscpException e = refused("<OK xmlns=\"urn:other:protocol\" requestId=\"r\"/>");
        assertEquals(ErrorCode.UNKNOWN_MESSAGE, e.code());
        assertTrue(e.getMessage().contains("urn:other:protocol"), e.getMessage());
    }

    @Test
    void unknownRootElementIsUnknownMessage() {
        UscpException e = refused("<Hello " + NS + " requestId=\"r\"/>");
        assertEquals(ErrorCode.UNKNOWN_MESSAGE, e.code());
        assertTrue(e.getMessage().contains("<Hello>"), e.getMessage());
    }

    @Test
    void outOfRangeValueIsInvalidMessageNamingTheElement() {
        UscpException e = refused("<NodeInformation " + NS + " requestId=\"b-2\">"
                + "<Capacity maxChildren=\"5000\" uplinkKbps=\"1\"/></NodeInformation>");
        assertEquals(ErrorCode.INVALID_MESSAGE, e.code());
        assertEquals("Capacity", e.element());
        assertEquals("b-2", e.requestId());
        assertTrue(e.getMessage().contains("5000"), e.getMessage());
    }

    @Test
    void missingRequiredElementIsInvalidMessage() {
        UscpException e = refused("<Login " + NS + " requestId=\"l\" clientVersion=\"1\"><Role>viewer</Role>"
                + "<Channel>demo</Channel></Login>");
        assertEquals(ErrorCode.INVALID_MESSAGE, e.code());
    }

    @Test
    void badEnumerationAndBadChannelNameAreInvalid() {
        assertEquals(ErrorCode.INVALID_MESSAGE, refused("<Logout " + NS + " requestId=\"l\" reason=\"bored\"/>").code());
        assertEquals(ErrorCode.INVALID_MESSAGE, refused("<Login " + NS + " requestId=\"l\" clientVersion=\"1\">"
                + "<Credentials><User>alice</User><Password>x</Password></Credentials><Role>viewer</Role>"
                + "<Channel>../etc</Channel></Login>").code());
    }

    @Test
    void externalEntityIsRefusedWithoutReadingTheFile() {
        UscpException e = refused("<?xml version=\"1.0\"?><!DOCTYPE OK [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<ERROR " + NS + "><Code>INTERNAL_ERROR</Code><Message>&xxe;</Message></ERROR>");
        assertEquals(ErrorCode.MALFORMED_XML, e.code());
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    @Test
    void billionLaughsIsRefused() {
        StringBuilder dtd = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"");
            for (int j = 0; j < 10; j++) {
                dtd.append(i == 1 ? "&lol;" : "&lol" + (i - 1) + ";");
            }
            dtd.append("\">");
        }
        dtd.append("]><OK " + NS + " requestId=\"&lol9;\"/>");
        assertEquals(ErrorCode.MALFORMED_XML, refused(dtd.toString()).code());
    }

    @Test
    void documentIsReadAsUtf8WhateverTheDeclarationSays() throws Exception {
        String xml = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><ERROR " + NS
                + "><Code>INTERNAL_ERROR</Code><Message>caf\u00e9 \u2013 \u65e5\u672c</Message></ERROR>";
        io.omnicast.uscp.v1.ERROR error = assertInstanceOf(io.omnicast.uscp.v1.ERROR.class, codec.decode(xml));
        assertEquals("caf\u00e9 \u2013 \u65e5\u672c", error.getMessage());
    }

    @Test
    void codecRecoversAfterAFailure() throws Exception {
        refused("<OK " + NS + " requestId=\"r\"><broken");
        assertInstanceOf(OK.class, codec.decode("<OK " + NS + " requestId=\"r\"/>"));
    }

    @Test
    void refusesToEncodeAnInvalidMessage() {
        NodeInformation info = new NodeInformation();
        info.setRequestId("b-1");
        Health health = new Health();
        health.setFps(-1);
        info.setHealth(health);
        UscpException e = assertThrows(UscpException.class, () -> codec.encode(info));
        assertEquals(ErrorCode.INVALID_MESSAGE, e.code());

        Login login = new Login(); // no requestId, no credentials
        assertEquals(ErrorCode.INVALID_MESSAGE, assertThrows(UscpException.class, () -> codec.encode(login)).code());
    }

    @Test
    void refusesToEncodeSomethingThatIsNotAMessage() {
        assertEquals(ErrorCode.UNKNOWN_MESSAGE,
                assertThrows(UscpException.class, () -> codec.encode(new Capacity())).code());
    }

    @Test
    void errorTextIsCutToTheSchemaLimit() throws Exception {
        String huge = "x".repeat(5000);
        io.omnicast.uscp.v1.ERROR error = UscpMessages.error(ErrorCode.INTERNAL_ERROR, huge, null, false);
        byte[] encoded = codec.encode(error);
        assertTrue(encoded.length < 1200);
    }
    @Test
    void ticketShortcutChecksExactlyTheSchemasTicketPattern() throws Exception {
        String xsd;
        try (java.io.InputStream in = UscpCodec.class.getResourceAsStream("/io/omnicast/uscp/uscp-1.xsd")) {
            xsd = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "<xs:simpleType name=\"Ticket\">[\\s\\S]*?<xs:pattern value=\"([^\"]+)\"").matcher(xsd);
        assertTrue(m.find());
        assertEquals(m.group(1), UscpCodec.TICKET_PATTERN);
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(UscpCodec.TICKET_PATTERN);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        String alphabet = "AZaz09_-.+/= \u00e9";
        for (int i = 0; i < 20_000; i++) {
            int length = random.nextInt(1030);
            StringBuilder text = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                // mostly valid characters, so that long valid and nearly valid strings are both common
                text.append(random.nextInt(200) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : alphabet.charAt(random.nextInt(9)));
            }
            assertEquals(pattern.matcher(text).matches(), UscpCodec.isTicket(text), text.toString());
        }
    }

    @Test
    void encodingValidatesTickets() throws Exception {
        String ticket = "eyJjIjoibi0xOCJ9." + "A".repeat(600) + "_-.";
        io.omnicast.uscp.v1.ReStreamingConnection good = placement(ticket);
        io.omnicast.uscp.v1.ReStreamingConnection back = codec.decode(Unpooled.wrappedBuffer(codec.encode(good)),
                io.omnicast.uscp.v1.ReStreamingConnection.class);
        assertEquals(ticket, back.getParent().getTicket());
        assertEquals(ticket, back.getBackupParent().get(0).getTicket());
        for (String bad : new String[] {"too-short", "has+plus/slash=" + "A".repeat(20), "A".repeat(1025)}) {
            UscpException e = assertThrows(UscpException.class, () -> codec.encode(placement(bad)), bad);
            assertEquals(ErrorCode.INVALID_MESSAGE, e.code());
            assertTrue(e.getMessage().contains("cvc-"), e.getMessage());
        }
        // a failed validation leaves this thread's writer usable
        assertEquals(ticket, codec.decode(Unpooled.wrappedBuffer(codec.encode(good)),
                io.omnicast.uscp.v1.ReStreamingConnection.class).getParent().getTicket());
    }

    private static io.omnicast.uscp.v1.ReStreamingConnection placement(String ticket) {
        io.omnicast.uscp.v1.ReStreamingConnection message = new io.omnicast.uscp.v1.ReStreamingConnection();
        message.setRequestId("r-9");
        message.setReason(io.omnicast.uscp.v1.PlacementReason.JOIN);
        message.setChannel("demo");
        message.setNodeId("n-18");
        message.setHopCount(2);
        for (int i = 0; i < 2; i++) {
            io.omnicast.uscp.v1.Parent parent = new io.omnicast.uscp.v1.Parent();
            parent.setNodeId("n-" + (3 + i));
            parent.setHopCount(1);
            parent.setRtspUrl("rtsp://127.0.0.2:9554/live/demo");
            parent.setTicket(ticket);
            if (i == 0) {
                message.setParent(parent);
            } else {
                message.getBackupParent().add(parent);
            }
        }
        return message;
    }

    @Test
    void channelDescriptionsTravelInLoginAndReStreamingConnectionWithTheirText() throws Exception {
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=demo & <test>\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
                + "a=rtpmap:96 H264/90000\r\na=control:trackID=0\r\n";
        Login login = codec.decode(Unpooled.wrappedBuffer(("<Login " + NS + " requestId=\"o-1\" clientVersion=\"0.1.0\"><Credentials>"
                + "<User>origin</User><Password>secret-secret</Password></Credentials><Role>origin</Role>"
                + "<Channel>demo</Channel><RelayEndpoint host=\"127.0.0.1\" port=\"8554\"/>"
                + "<Description channel=\"demo\">x</Description></Login>").getBytes(StandardCharsets.UTF_8)),
                Login.class);
        assertEquals("demo", login.getDescription().get(0).getChannel());
        assertEquals("x", login.getDescription().get(0).getValue());

        io.omnicast.uscp.v1.ReStreamingConnection placement = new io.omnicast.uscp.v1.ReStreamingConnection();
        placement.setChannel("demo");
        placement.setNodeId("n-1");
        placement.setHopCount(1);
        io.omnicast.uscp.v1.Parent parent = new io.omnicast.uscp.v1.Parent();
        parent.setNodeId("o-1");
        parent.setHopCount(0);
        parent.setRtspUrl("rtsp://127.0.0.1:8554/live/demo");
        parent.setTicket("eyJjIjoibi0xOCJ9.c2lnbmF0dXJlLWJ5dGVz");
        placement.setParent(parent);
        placement.setReason(io.omnicast.uscp.v1.PlacementReason.JOIN);
        placement.setDescription(sdp);
        io.omnicast.uscp.v1.ReStreamingConnection back = assertInstanceOf(
                io.omnicast.uscp.v1.ReStreamingConnection.class, codec.decode(codec.encode(placement)));
        // XML reads CR LF as LF: the text arrives line for line, and the receiver restores CRLF.
        assertEquals(sdp.replace("\r\n", "\n"), back.getDescription().replace("\r\n", "\n"));
    }

    @Test
    void descriptionLongerThanTheSchemaAllowsIsInvalid() {
        String xml = "<NodeInformation " + NS + " requestId=\"b-1\"><Description channel=\"demo\">"
                + "a".repeat(8193) + "</Description></NodeInformation>";
        assertEquals(ErrorCode.INVALID_MESSAGE, refused(xml).code());
    }
}
