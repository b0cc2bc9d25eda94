package io.omnicast.media.buffer;

import io.netty.buffer.ByteBuf;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.media.rtp.SequenceNumber;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the memory-visibility contract of {@link PacketRingBuffer}: readers on other threads, racing a producer
 * that overwrites a small ring, only ever see whole, correct packets in publication order, and every packet handed
 * out is released exactly when its reader releases it. Regression guard: it caught {@code retainedDuplicate()}
 * racing an eviction (duplicate taken before the retain saw a deallocated array).
 */
class PacketRingBufferConcurrencyTest {
    private static final int PACKETS = 60_000;
    private static final int READERS = 3;

    @Test
    void readersOnOtherThreadsSeeWholePacketsInOrderWhileTheProducerOverwrites() throws Exception {
        PacketRingBuffer ring = PacketRingBuffer.builder().capacityPackets(64).build();
        AtomicBoolean producerDone = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<ByteBuf> sample = new ConcurrentLinkedQueue<>();
        AtomicLong delivered = new AtomicLong();
        CountDownLatch readersDone = new CountDownLatch(READERS);
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
            int readerNumber = r;
            Thread thread = new Thread(() -> {
                try {
                    PacketRingBuffer.Reader reader = ring.startAtLatestKeyframe();
                    int previous = -1;
                    long received = 0;
                    while (true) {
                        ByteBuf packet = reader.poll();
                        if (packet == null) {
                            if (producerDone.get() && reader.lag() == 0) {
                                break;
                            }
                            Thread.onSpinWait();
                            continue;
                        }
                        RtpPacket rtp = RtpPacket.parse(packet);
                        int sequence = rtp.sequenceNumber();
                        ByteBuf payload = rtp.payload();
                        // After the NAL header the payload repeats the low byte of the sequence number: a torn
                        // or recycled buffer would show another byte somewhere.
                        for (int i = 1; i < payload.readableBytes(); i++) {
                            if (payload.getUnsignedByte(payload.readerIndex() + i) != (sequence & 0xFF)) {
                                throw new AssertionError("packet " + sequence + " has a foreign byte at " + i);
                            }
                        }
                        if (previous >= 0 && !SequenceNumber.isNewer(sequence, previous)) {
                            throw new AssertionError("reader " + readerNumber + " went back from " + previous
                                    + " to " + sequence);
                        }
                        previous = sequence;
                        received++;
                        if (received % 997 == 0) {
                            sample.add(packet); // released after the check below
                        } else {
                            packet.release();
                        }
                        if (readerNumber == 0 && received % 50 == 0) {
                            Thread.yield(); // make one reader slow enough to be overwritten now and then
                        }
                    }
                    delivered.addAndGet(received);
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    readersDone.countDown();
                }
            }, "ring-reader-" + r);
            thread.start();
            threads.add(thread);
        }

        RtpPacketWriter writer = new RtpPacketWriter(1, 96, 65000);
        for (int i = 0; i < PACKETS; i++) {
            int sequence = writer.nextSequenceNumber();
            ByteBuf buf = io.netty.buffer.Unpooled.buffer(64);
            writer.writeHeader(buf, true, i * 3000L);
            // Every 20th packet is an IDR (single NAL type 5), so lagging readers have somewhere to go.
            buf.writeByte(i % 20 == 0 ? 0x65 : 0x41);
            for (int b = 0; b < 40; b++) {
                buf.writeByte(sequence & 0xFF);
            }
            RtpPacket packet = RtpPacket.parse(buf);
            ring.publish(packet);
            buf.release();
            if (i % 16 == 0) {
                // Pace the producer a little so readers on a 2-core machine get to read at all; it still
                // outruns them often enough to overwrite their positions.
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            }
        }
        producerDone.set(true);
        assertTrue(readersDone.await(30, TimeUnit.SECONDS), "readers did not finish");
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a reader failed: " + failures.peek(), failures.peek());
        }
        ring.close();
        // Every packet handed out is a duplicate sharing the stored buffer's count, so two readers that sampled the
        // same packet hold two references to one buffer: after the ring is closed, each buffer's count must be
        // exactly the readers' references to it (the ring keeps none), and zero once they are released.
        java.util.Map<ByteBuf, Integer> references = new java.util.IdentityHashMap<>();
        for (ByteBuf held : sample) {
            references.merge(held.unwrap(), 1, Integer::sum);
        }
        for (java.util.Map.Entry<ByteBuf, Integer> e : references.entrySet()) {
            assertEquals(e.getValue().intValue(), e.getKey().refCnt(), "a held packet must outlive the ring, "
                    + "which keeps no reference of its own");
        }
        for (ByteBuf held : sample) {
            held.release();
        }
        for (ByteBuf buffer : references.keySet()) {
            assertEquals(0, buffer.refCnt(), "released by its readers");
        }
        assertTrue(delivered.get() > READERS * 1000L, "delivered " + delivered.get());
        assertEquals(PACKETS, ring.publishedCount());
    }
}
