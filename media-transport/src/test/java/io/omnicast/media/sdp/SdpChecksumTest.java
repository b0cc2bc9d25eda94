package io.omnicast.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SdpChecksumTest {
    private static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=demo\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
            + "a=rtpmap:96 H264/90000\r\n";

    @Test
    void lineEndsRestoredToCrlfWhateverTheyBecame() {
        assertEquals(SDP, SdpChecksum.withCrlf(SDP.replace("\r\n", "\n")));
        assertEquals(SDP, SdpChecksum.withCrlf(SDP));
        assertEquals(SDP, SdpChecksum.withCrlf(SDP.replaceFirst("\r\n", "\n")));
        assertEquals("a\r\nb", SdpChecksum.withCrlf("a\rb".replace("\r", "\n")));
    }

    @Test
    void checksumIsTheSameForEitherLineEndAndDiffersForAnotherText() {
        String crc = SdpChecksum.of(SDP);
        assertTrue(crc.matches("[0-9a-f]{8}"), crc);
        assertEquals(crc, SdpChecksum.of(SDP.replace("\r\n", "\n")));
        assertNotEquals(crc, SdpChecksum.of(SDP.replace("s=demo", "s=demo2")));
        java.util.zip.CRC32 reference = new java.util.zip.CRC32();
        reference.update(SDP.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(String.format("%08x", reference.getValue()), crc);
    }
}
