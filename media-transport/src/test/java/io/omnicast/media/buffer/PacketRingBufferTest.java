package io.omnicast.media.buffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.omnicast.media.h264.ParameterSets;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.media.rtp.SequenceNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketRingBufferTest {
    private final List<ByteBuf> handedOut = new ArrayList<>();
    private PacketRingBuffer ring;

    @AfterEach
    void closeAndCheckNothingLeaks() {
        if (ring != null) {
            ring.close();
        }
        for (ByteBuf buf : handedOut) {
            buf.release();
        }
        for (ByteBuf buf : handedOut) {
            assertEquals(0, buf.refCnt(), "a packet handed out by the ring is still referenced after close");
        }
    }

    /** Publishes one packet at the writer's next sequence number; payload bytes name the sequence number. */
    static int publish(PacketRingBuffer ring, RtpPacketWriter writer, long timestamp, boolean marker, int... payload) {
        int sequence = writer.nextSequenceNumber();
        ByteBuf buf = Unpooled.buffer();
        writer.writeHeader(buf, marker, timestamp);
        for (int b : payload) {
            buf.writeByte(b);
        }
        buf.writeShort(sequence);
        try {
            assertTrue(ring.publish(RtpPacket.parse(buf)));
        } finally {
            buf.release();
        }
        return sequence;
    }

    /** One access unit: a keyframe is STAP-A(SPS, PPS) + two FU-A fragments of an IDR; others one P slice. */
    static int publishFrame(PacketRingBuffer ring, RtpPacketWriter writer, int frame, boolean keyframe) {
        long timestamp = frame * 3000L;
        if (keyframe) {
            int first = publish(ring, writer, timestamp, false, 0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE);
            publish(ring, writer, timestamp, false, 0x7C, 0x85, 0x01);
            publish(ring, writer, timestamp, true, 0x7C, 0x45, 0x02);
            return first;
        }
        return publish(ring, writer, timestamp, true, 0x41, 0x9A);
    }

    private ByteBuf keep(ByteBuf buf) {
        if (buf != null) {
            handedOut.add(buf);
        }
        return buf;
    }

    private static int sequenceOf(ByteBuf packet) {
        return RtpPacket.parse(packet).sequenceNumber();
    }

    @Test
    void newReaderStartsAtTheLatestKeyframeWithItsParameterSets() {
        ring = PacketRingBuffer.builder().capacityPackets(256).build();
        RtpPacketWriter writer = new RtpPacketWriter(1, 96, 100);
        int latestKeyframeSequence = -1;
        for (int frame = 0; frame < 25; frame++) {
            int first = publishFrame(ring, writer, frame, frame % 10 == 0);
            if (frame % 10 == 0) {
                latestKeyframeSequence = first;
            }
        }
        Keyframe keyframe = ring.latestKeyframe();
        assertNotNull(keyframe);
        assertEquals(latestKeyframeSequence, keyframe.sequenceNumber());
        assertEquals(20 * 3000L, keyframe.timestamp());
        assertEquals("6742", io.netty.buffer.ByteBufUtil.hexDump(keyframe.parameterSets().sps()));
        assertEquals(3, ring.keyframes().size());

        PacketRingBuffer.Reader reader = ring.startAtLatestKeyframe();
        ByteBuf first = keep(reader.poll());
        assertEquals(latestKeyframeSequence, sequenceOf(first));
        int count = 1;
        while (keep(reader.poll()) != null) {
            count++;
        }
        assertEquals(3 + 4, count, "the keyframe's three packets and four P frames");
        assertEquals(0, reader.lag());
    }

    @Test
    void readerWaitsForTheFirstKeyframeWhenThereIsNone() {
        ring = PacketRingBuffer.builder().capacityPackets(64).build();
        RtpPacketWriter writer = new RtpPacketWriter(1, 96, 0);
        publishFrame(ring, writer, 0, false);
        PacketRingBuffer.Reader reader = ring.startAtLatestKeyframe();
        assertNull(reader.poll());
        publishFrame(ring, writer, 1, false);
        assertNull(reader.poll(), "no P frame before the first keyframe");
        int keyframeSequence = publishFrame(ring, writer, 2, true);
        assertEquals(keyframeSequence, sequenceOf(keep(reader.poll())));
    }

    @Test
    void lookupBySequenceNumberWorksAcrossTheWrap() {
        ring = PacketRingBuffer.builder().capacityPackets(64).build();
        RtpPacketWriter writer = new RtpPacketWriter(1, 96, 65530);
        for (int frame = 0; frame < 40; frame++) {
            publishFrame(ring, writer, frame, false);
        }
        // Sequence numbers 65530..65535, 0..33 were published; the ring holds all 40.
        for (int sequence : new int[] {65530, 65535, 0, 1, 33}) {
            ByteBuf packet = keep(ring.get(sequence));
            assertNotNull(packet, "seq " + sequence);
            assertEquals(sequence, sequenceOf(packet));
            assertEquals(sequence, packet.getUnsignedShort(packet.writerIndex() - 2));
        }
        assertNull(ring.get(34), "not published yet");
        assertNull(ring.get(30000));
        PacketRingBuffer.Reader reader = ring.startAt(65534);
        assertEquals(65534, sequenceOf(keep(reader.poll())));
        assertEquals(65535, sequenceOf(keep(reader.poll())));
        assertEquals(0, sequenceOf(keep(reader.poll())));
    }

    @Test
    void startAtAnUnbufferedSequenceFallsBackToTheLatestKeyframe() {
        ring = PacketRingBuffer.builder().capacityPackets(16).build();
        RtpPacketWriter writer = new RtpPacketWriter(1, 96, 0);
        int keyframeSequence = 0;
        for (int frame = 0; frame < 20; frame++) {
            int first = publishFrame(ring, writer, frame, frame % 5 == 0);
            if (frame % 5 == 0) {
                keyframeSequence = first;
            }
        }
        assertNull(ring.get(0), "evicted long ago");
        assertEquals(keyframeSequence, sequenceOf(keep(ring.startAt(0).poll())));
        // The very next packet (not yet arrived) means "resume at the live edge".
        PacketRingBuffer.Reader live = ring.startAt(writer.nextSequenceNumber());
        assertNull(live.poll());
        int next = publishFrame(ring, writer, 20, false);
        assertEquals(next, sequenceOf(keep(live.poll())));
    }

    @Test
    void aReaderThatFallsBehindIsMovedToTheNextKeyframeAfterItsPosition() {
        ring = PacketRingBuffer.builder().capacityPackets(16).build();
        RtpPacketWriter writer = new RtpPacketWriter(1, 96, 65500);
        publishFrame(ring, writer, 0, true);
        PacketRingBuffer.Reader slow = ring.startAtLatestKeyframe();
        PacketRingBuffer.Reader fast = ring.startAtLatestKeyframe();
        List<Integer> keyframeSequences = new ArrayList<>();
        for (int frame = 1; frame < 40; frame++) {
            int first = publishFrame(ring, writer, frame, frame % 8 == 0);
            if (frame % 8 == 0) {
                keyframeSequences.add(first);
            }
            while (keep(fast.poll()) != null) {
                // the fast reader keeps up and is never moved
            }
        }
        assertEquals(0, fast.skips());
        ByteBuf resumed = keep(slow.poll());
        assertEquals(1, slow.skips());
        assertTrue(slow.skippedPackets() > 0);
        int resumedSequence = sequenceOf(resumed);
        assertTrue(keyframeSequences.contains(resumedSequence), "resumed at " + resumedSequence
                + ", keyframes at " + keyframeSequences);
        assertEquals(ring.keyframes().get(0).sequenceNumber(), resumedSequence,
                "the first keyframe still buffered after the reader's position");
    }

    @Test
    void evictsOldestPacketsToStayWithinTheByteBudget() {
        ring = PacketRingBuffer.builder().capacityPackets(1024).maxBytes(64 * 1024).build();
        RtpPacketWriter writer = new RtpPacketWriter(1, 96, 0);
        int[] payload = new int[1386];
        for (int i = 0; i < 200; i++) {
            publish(ring, writer, i, true, payload);
        }
        assertTrue(ring.bufferedBytes() <= 64 * 1024, "buffered " + ring.bufferedBytes());
        assertEquals(64 * 1024 / 1400, ring.size());
        assertEquals(200, ring.publishedCount());
    }

    @Test
    void evictsPacketsOlderThanTheMaximumAgeAtTheNextPublish() {
        long[] now = {1_000_000_000L};
        ring = PacketRingBuffer.builder().capacityPackets(1024).maxAge(Duration.ofSeconds(4))
                .clock(() -> now[0]).build();
        RtpPacketWriter writer = new RtpPacketWriter(1, 96, 0);
        int first = -1;
        for (int i = 0; i < 100; i++) { // 10 s of packets, one every 100 ms
            int seq = publishFrame(ring, writer, i, i % 20 == 0);
            first = first < 0 ? seq : first;
            now[0] += 100_000_000L;
        }
        long perKeyframeGroup = ring.publishedCount() / 5; // packets per 2 s (20 frames, one keyframe)
        assertTrue(ring.size() <= 2 * perKeyframeGroup + 4, "kept " + ring.size() + " of " + ring.publishedCount()
                + " packets; 4 s is " + 2 * perKeyframeGroup);
        assertTrue(ring.size() >= 2 * perKeyframeGroup - 4, "kept only " + ring.size());
        assertNull(ring.get(first), "the first packet, 10 s old, is gone");
        assertNotNull(ring.latestKeyframe(), "the keyframe 2 s ago is still there for a new reader");
        now[0] += 60_000_000_000L; // a minute without packets: the next publish evicts all the others
        publishFrame(ring, writer, 100, false);
        assertEquals(1, ring.size());
    }

    @Test
    void audioStreamsWithoutKeyframeIndexStartAtTheNewestAndSkipToTheOldest() {
        ring = PacketRingBuffer.builder().capacityPackets(16).indexKeyframes(false).build();
        RtpPacketWriter writer = new RtpPacketWriter(1, 97, 0);
        for (int i = 0; i < 10; i++) {
            publish(ring, writer, i * 1024L, true, 0x21);
        }
        PacketRingBuffer.Reader reader = ring.startAtLatestKeyframe();
        assertEquals(9, sequenceOf(keep(reader.poll())));
        for (int i = 10; i < 40; i++) {
            publish(ring, writer, i * 1024L, true, 0x21);
        }
        assertEquals(40 - 16, sequenceOf(keep(reader.poll())));
        assertEquals(1, reader.skips());
    }

    @Test
    void packetsHandedOutSurviveEvictionAndClose() {
        ring = PacketRingBuffer.builder().capacityPackets(16).build();
        RtpPacketWriter writer = new RtpPacketWriter(1, 96, 0);
        publish(ring, writer, 0, true, 0x41);
        ByteBuf held = keep(ring.get(0));
        for (int i = 1; i < 100; i++) {
            publish(ring, writer, i, true, 0x41);
        }
        assertNull(ring.get(0));
        ring.close();
        assertEquals(1, held.refCnt(), "the reader's reference keeps its packet alive");
        assertEquals(0, SequenceNumber.of(sequenceOf(held)).value());
        assertFalse(ring.publish(RtpPacket.parse(held)));
        assertNull(ring.startAtLatestKeyframe().poll());
    }

    @Test
    void builderRejectsBadSettingsWithClearMessages() {
        assertEquals("capacityPackets must be a power of two between 16 and 1048576 (was 100)",
                assertThrows(IllegalArgumentException.class,
                        () -> PacketRingBuffer.builder().capacityPackets(100).build()).getMessage());
        assertEquals("maxBytes must be between 65536 and 1073741824 bytes (was 10)",
                assertThrows(IllegalArgumentException.class,
                        () -> PacketRingBuffer.builder().maxBytes(10).build()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> PacketRingBuffer.builder().keyframeIndexSize(0).build());
        assertThrows(NullPointerException.class, () -> PacketRingBuffer.builder().parameterSets(null));
        assertEquals(ParameterSets.NONE, PacketRingBuffer.builder().build().parameterSets());
    }
}
