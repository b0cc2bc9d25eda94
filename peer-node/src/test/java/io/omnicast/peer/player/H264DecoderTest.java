package io.omnicast.peer.player;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H264DecoderTest {
    @TempDir
    Path dir;

    @Test
    void decodesOneFramePerAccessUnitWithoutFlags() throws Exception {
        List<List<byte[]>> units = TestStreams.accessUnits(TestStreams.encode(dir, 160, 120, 20, 10));
        assertEquals(20, units.size());
        try (H264Decoder decoder = new H264Decoder(false)) {
            for (int i = 0; i < units.size(); i++) {
                ByteBuf au = TestStreams.annexB(units.get(i));
                List<DecodedFrame> frames = decoder.decode(au, i * 3000L);
                au.release();
                assertEquals(1, frames.size(), "access unit " + i + " must yield a frame at once (low delay)");
                assertEquals(160, frames.get(0).width());
                assertEquals(i * 3000L, frames.get(0).rtpTimestamp());
                assertTrue(frames.get(0).image().isEmpty());
            }
            assertEquals(20, decoder.framesDecoded());
            assertEquals(0, decoder.decodeErrors());
        }
    }

    @Test
    void producesRgbImagesInWindowMode() throws Exception {
        List<List<byte[]>> units = TestStreams.accessUnits(TestStreams.encode(dir, 160, 120, 2, 10));
        try (H264Decoder decoder = new H264Decoder(true)) {
            ByteBuf au = TestStreams.annexB(units.get(0));
            BufferedImage image = decoder.decode(au, 0).get(0).image().orElseThrow();
            au.release();
            assertEquals(160, image.getWidth());
            assertEquals(120, image.getHeight());
            // testsrc's first frame is colourful: not every pixel may be black
            int nonBlack = 0;
            for (int y = 0; y < 120; y += 10) {
                for (int x = 0; x < 160; x += 10) {
                    nonBlack += (image.getRGB(x, y) & 0xFFFFFF) != 0 ? 1 : 0;
                }
            }
            assertTrue(nonBlack > 50, "decoded image is blank");
        }
    }

    @Test
    void countsGarbageAsAnErrorAndKeepsGoing() throws Exception {
        List<List<byte[]>> units = TestStreams.accessUnits(TestStreams.encode(dir, 160, 120, 2, 10));
        try (H264Decoder decoder = new H264Decoder(false)) {
            ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 0x65, (byte) 0xFF, 0x12, 0x34});
            decoder.decode(garbage, 0);
            garbage.release();
            ByteBuf au = TestStreams.annexB(units.get(0));
            assertEquals(1, decoder.decode(au, 3000).size());
            au.release();
        }
    }

    /**
     * Regression: the input padding was written past the native buffer for access units over a third of it (a
     * keyframe after a fail-over), corrupting the C heap ("corrupted size vs. prev_size" killed a peer). Large units
     * of every size around the old limit must decode (or be refused) and leave the decoder working.
     */
    @Test
    void largeAccessUnitsNeverWritePastTheInputBuffer() throws Exception {
        List<List<byte[]>> units = TestStreams.accessUnits(TestStreams.encode(dir, 160, 120, 2, 10));
        java.util.Random random = new java.util.Random(7);
        for (int round = 0; round < 3; round++) {
            try (H264Decoder decoder = new H264Decoder(false)) {
                for (int size = 20_000; size <= 70_000; size += 2_500) {
                    byte[] unit = new byte[size];
                    random.nextBytes(unit);
                    unit[0] = 0;
                    unit[1] = 0;
                    unit[2] = 0;
                    unit[3] = 1;
                    unit[4] = 0x65; // an IDR slice with a garbage body
                    ByteBuf big = Unpooled.wrappedBuffer(unit);
                    decoder.decode(big, size);
                    big.release();
                }
                ByteBuf au = TestStreams.annexB(units.get(0));
                assertEquals(1, decoder.decode(au, 3000).size(), "the decoder still works after large units");
                au.release();
            }
        }
    }
}
