package io.omnicast.media.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.omnicast.media.MediaFormatException;
import io.omnicast.media.buffer.PacketRingBuffer;
import io.omnicast.media.h264.AccessUnit;
import io.omnicast.media.h264.H264Depacketizer;
import io.omnicast.media.h264.KeyframeDetector;
import io.omnicast.media.h264.ParameterSetTracker;
import io.omnicast.media.rtcp.GenericNack;
import io.omnicast.media.rtcp.RtcpCodec;
import io.omnicast.media.rtcp.RtcpPacket;
import io.omnicast.media.rtcp.SourceDescription;
import io.omnicast.media.rtp.RtpFormatException;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.media.sdp.AacTrackFormat;
import io.omnicast.media.sdp.H264TrackFormat;
import io.omnicast.media.sdp.MediaDescription;
import io.omnicast.media.sdp.SdpParser;
import io.omnicast.media.sdp.SdpWriter;
import io.omnicast.media.sdp.SessionDescription;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throws seeded random and mutated input at every decoder. The only exceptions allowed are the documented
 * {@link MediaFormatException} subclasses, and every buffer a decoder allocates must be released once its outputs
 * are released. A failure prints the seed and iteration so it can be replayed.
 */
class DecoderFuzzTest {
    private static final long SEED = 0x0C0FFEEL;
    private static final int ITERATIONS = 4000;

    /** An allocator that remembers every buffer it made, to prove none is leaked. */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> allocated = new ArrayList<>();

        TrackingAllocator() {
            super(false);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            allocated.add(buf);
            return buf;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        void assertAllReleased() {
            for (ByteBuf buf : allocated) {
                assertEquals(0, buf.refCnt(), "a decoder leaked a buffer");
            }
        }
    }

    private static byte[] randomBytes(Random random, int maxLength) {
        byte[] bytes = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A valid RTP header followed by random bytes, sometimes with a payload that looks like H.264. */
    private static byte[] plausibleRtp(Random random, int sequence) {
        ByteBuf buf = Unpooled.buffer();
        RtpPacketWriter.writeHeader(buf, random.nextInt(4) == 0, 96, sequence, random.nextInt(3) * 3000L, 1);
        int[] firstBytes = {0x65, 0x41, 0x67, 0x78, 0x7C, 0x5C, 0x00, 0x19, 0x1F};
        buf.writeByte(firstBytes[random.nextInt(firstBytes.length)]);
        if (random.nextBoolean()) {
            buf.writeByte(random.nextInt(256) | (random.nextBoolean() ? 0x80 : 0));
        }
        buf.writeBytes(randomBytes(random, 300));
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        buf.release();
        return bytes;
    }

    private static void mutate(Random random, byte[] bytes) {
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips && bytes.length > 0; i++) {
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
    }

    @Test
    void rtpParserAndDepacketizerAndRingSurviveGarbage() {
        Random random = new Random(SEED);
        TrackingAllocator allocator = new TrackingAllocator();
        H264Depacketizer depacketizer = new H264Depacketizer(allocator, 64 * 1024, 64, H264Depacketizer.DropListener.NONE);
        ParameterSetTracker tracker = new ParameterSetTracker();
        PacketRingBuffer ring = PacketRingBuffer.builder().capacityPackets(64).maxBytes(64 * 1024).build();
        PacketRingBuffer.Reader reader = ring.startAtLatestKeyframe();
        List<AccessUnit> units = new ArrayList<>();
        int sequence = 65000;
        int parsed = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] bytes = random.nextInt(3) == 0 ? randomBytes(random, 200) : plausibleRtp(random, sequence);
            sequence = (sequence + 1 + (random.nextInt(10) == 0 ? random.nextInt(5) : 0)) & 0xFFFF;
            if (random.nextInt(4) == 0) {
                mutate(random, bytes);
            }
            // Put the packet at a random offset inside a larger buffer: decoders must honour offsets.
            int prefix = random.nextInt(16);
            ByteBuf carrier = Unpooled.buffer(prefix + bytes.length + 8);
            carrier.writeZero(prefix).writeBytes(bytes).writeZero(8);
            try {
                RtpPacket packet = RtpPacket.parse(carrier, prefix, bytes.length);
                parsed++;
                KeyframeDetector.startsIdrSlice(packet);
                KeyframeDetector.carriesParameterSet(packet);
                tracker.onRtpPacket(packet);
                depacketizer.push(packet, units);
                ring.publish(packet);
            } catch (RtpFormatException expected) {
                // documented
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + " iteration " + i + ": undocumented " + e, e);
            } finally {
                carrier.release();
            }
            ByteBuf read;
            while ((read = reader.poll()) != null) {
                read.release();
            }
            units.forEach(AccessUnit::release);
            units.clear();
        }
        depacketizer.reset();
        ring.close();
        allocator.assertAllReleased();
        assertTrue(parsed > ITERATIONS / 2, "most plausible packets parse: " + parsed);
    }

    @Test
    void rtcpParserSurvivesGarbageAndMutatedCompounds() {
        Random random = new Random(SEED + 1);
        ByteBuf valid = Unpooled.buffer();
        RtcpCodec.write(List.of(SourceDescription.cname(7, "fuzz@omnicast"),
                GenericNack.fromLostSequences(1, 7, List.of(65535, 0, 3, 40))), valid);
        byte[] template = new byte[valid.readableBytes()];
        valid.readBytes(template);
        valid.release();
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] bytes;
            if (random.nextBoolean()) {
                bytes = template.clone();
                mutate(random, bytes);
                if (random.nextInt(4) == 0) {
                    bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                }
            } else {
                bytes = randomBytes(random, 120);
                if (bytes.length > 0) {
                    bytes[0] = (byte) (0x80 | (bytes[0] & 0x3F)); // version 2 more often than not
                }
            }
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            try {
                List<RtcpPacket> packets = RtcpCodec.parse(buf);
                ByteBuf again = Unpooled.buffer();
                RtcpCodec.write(packets, again); // whatever parses must also write
                again.release();
            } catch (MediaFormatException expected) {
                // documented
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + (SEED + 1) + " iteration " + i + ": undocumented " + e, e);
            } finally {
                buf.release();
            }
        }
    }

    @Test
    void sdpParserSurvivesGarbageAndMutatedDescriptions() throws IOException {
        String template;
        try (InputStream in = getClass().getResourceAsStream("/io/omnicast/media/sdp/ffmpeg-announce.sdp")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Random random = new Random(SEED + 2);
        String alphabet = "vosctmab=:/ ;,\r\n0123456789-IN IP4 H264 mpeg4-generic fmtp rtpmap config=";
        SdpParser parser = new SdpParser(4096, 64);
        int parsed = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            String text;
            switch (random.nextInt(3)) {
                case 0 -> {
                    byte[] bytes = template.getBytes(StandardCharsets.UTF_8);
                    mutate(random, bytes);
                    text = new String(bytes, StandardCharsets.ISO_8859_1);
                }
                case 1 -> {
                    StringBuilder builder = new StringBuilder(template);
                    int at = random.nextInt(builder.length());
                    builder.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    builder.delete(Math.max(0, at - random.nextInt(5)), at);
                    text = builder.toString();
                }
                default -> text = new String(randomBytes(random, 300), StandardCharsets.ISO_8859_1);
            }
            try {
                SessionDescription session = parser.parseText(text);
                parsed++;
                SdpWriter.write(session);
                for (MediaDescription media : session.media()) {
                    try {
                        H264TrackFormat.from(media);
                    } catch (MediaFormatException expected) {
                        // documented
                    }
                    try {
                        AacTrackFormat.from(media);
                    } catch (MediaFormatException expected) {
                        // documented
                    }
                }
            } catch (MediaFormatException expected) {
                // documented
            } catch (IllegalArgumentException e) {
                // SdpWriter refuses values with CR/LF, which a parsed line can never hold
                throw new AssertionError("seed " + (SEED + 2) + " iteration " + i + ": " + e, e);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + (SEED + 2) + " iteration " + i + ": undocumented " + e
                        + "\n" + text, e);
            }
        }
        assertTrue(parsed > ITERATIONS / 10, "mutations keep some descriptions valid: " + parsed);
    }

    @Test
    void trackingAllocatorSeesDepacketizerBuffers() {
        TrackingAllocator allocator = new TrackingAllocator();
        ByteBufAllocator alloc = allocator;
        H264Depacketizer depacketizer = new H264Depacketizer(alloc);
        ByteBuf packet = Unpooled.buffer();
        RtpPacketWriter.writeHeader(packet, false, 96, 1, 0, 1);
        packet.writeByte(0x41).writeByte(0x01);
        List<AccessUnit> units = new ArrayList<>();
        depacketizer.push(RtpPacket.parse(packet), units);
        packet.release();
        assertEquals(1, allocator.allocated.size(), "the fuzz leak check would be blind without this");
        depacketizer.reset();
        allocator.assertAllReleased();
    }
}
