package io.omnicast.media.buffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import io.omnicast.media.h264.KeyframeDetector;
import io.omnicast.media.h264.ParameterSetTracker;
import io.omnicast.media.h264.ParameterSets;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.SequenceNumber;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The last seconds of one RTP stream, shared by one producer and any number of {@link Reader}s, with an index of
 * keyframes so a new reader starts where its decoder can.
 *
 * <h2>Memory</h2>
 * Fixed: at most {@code capacityPackets} packets and {@code maxBytes} bytes of packet data, and (with
 * {@link Builder#maxAge}) only packets published within that age. Every published packet is copied into a buffer
 * the ring owns; the oldest are released when a limit would be exceeded, or when they grew too old. Buffers handed
 * to readers are retained duplicates: a reader that still holds one keeps that one packet alive after the ring
 * dropped it, and must release it.
 *
 * <h2>Threads</h2>
 * {@link #publish}, {@link #close} and the builder's settings belong to one producer thread (the stream's event
 * loop). Readers, {@link #get} and the {@code startAt...} methods may run on any thread, never block, and never
 * slow the producer: the producer does not know readers exist. The contract:
 * <ul>
 *   <li>The producer stores a slot with release semantics, then the running count {@code head} with release
 *       semantics. A reader loads {@code head} with acquire semantics, so every slot below it is fully visible,
 *       and slot entries are immutable objects with final fields.</li>
 *   <li>The producer raises {@code oldest} (release) before it releases an evicted packet. A reader that loses the
 *       race finds the slot empty, holding a newer index, or its buffer already released (the failed
 *       {@code retain} is caught); in every case it treats the packet as overwritten.</li>
 *   <li>A reader retains a packet before returning it, so the copy it hands out can never be released under it.
 *       The ring's buffers come from an unpooled allocator on purpose: pooled buffer objects are recycled on
 *       release, and a reader racing an eviction could otherwise retain a recycled buffer holding another packet.</li>
 * </ul>
 * A {@link Reader} itself is used by one thread at a time (its owner, typically the reader's event loop).
 *
 * <h2>Falling behind</h2>
 * A reader whose next packet was overwritten is moved to the next keyframe after its position (or, if there is
 * none yet, waits for one without receiving anything), counted in {@link Reader#skips()}.
 * For streams without keyframe indexing (audio) it moves to the oldest packet still buffered.
 */
public final class PacketRingBuffer implements AutoCloseable {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Entry[].class);
    private static final VarHandle KEYFRAMES = MethodHandles.arrayElementVarHandle(Keyframe[].class);
    private static final VarHandle HEAD;
    private static final VarHandle OLDEST;
    private static final VarHandle KEYFRAME_COUNT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            HEAD = lookup.findVarHandle(PacketRingBuffer.class, "head", long.class);
            OLDEST = lookup.findVarHandle(PacketRingBuffer.class, "oldest", long.class);
            KEYFRAME_COUNT = lookup.findVarHandle(PacketRingBuffer.class, "keyframeCount", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How far ahead of the newest packet {@link #startAt} still waits for the requested one instead of jumping. */
    static final int MAX_FUTURE_START_DISTANCE = 1000;

    private final ByteBufAllocator allocator = UnpooledByteBufAllocator.DEFAULT;
    private final Entry[] slots;
    private final int slotMask;
    private final long maxBytes;
    /** Age in nanoseconds beyond which a packet is evicted at the next publish; {@link Long#MAX_VALUE} for none. */
    private final long maxAgeNanos;
    private final LongSupplier clock;
    private final Keyframe[] keyframes;
    private final boolean indexKeyframes;
    private final ParameterSetTracker parameterSets;

    /** Running index of the next packet to publish; slots below it are readable. Written by the producer only. */
    @SuppressWarnings("unused") // accessed through HEAD
    private volatile long head;
    /** Running index of the oldest packet still owned by the ring. */
    @SuppressWarnings("unused") // accessed through OLDEST
    private volatile long oldest;
    /** Keyframes indexed so far; the newest is at {@code (keyframeCount - 1) % keyframes.length}. */
    @SuppressWarnings("unused") // accessed through KEYFRAME_COUNT
    private volatile long keyframeCount;
    private volatile boolean closed;

    // Producer-only state.
    private long bufferedBytes;
    private boolean hasAccessUnit;
    private long accessUnitTimestamp;
    private long accessUnitStartIndex;
    private int accessUnitStartSequence;
    private boolean accessUnitIndexed;
    private long rejectedPackets;

    private PacketRingBuffer(Builder builder) {
        this.slots = new Entry[builder.capacityPackets];
        this.slotMask = builder.capacityPackets - 1;
        this.maxBytes = builder.maxBytes;
        this.maxAgeNanos = builder.maxAge == null ? Long.MAX_VALUE : builder.maxAge.toNanos();
        this.clock = builder.clock;
        this.keyframes = new Keyframe[builder.keyframeIndexSize];
        this.indexKeyframes = builder.indexKeyframes;
        this.parameterSets = new ParameterSetTracker(builder.parameterSets);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Copies one packet into the ring (producer thread only). The caller keeps ownership of the packet's buffer.
     *
     * @return false if the ring is closed or the packet alone is larger than the byte budget (counted in
     * {@link #rejectedPackets()})
     */
    public boolean publish(RtpPacket packet) {
        int size = packet.length();
        if (closed || size > maxBytes) {
            rejectedPackets++;
            return false;
        }
        long index = (long) HEAD.getOpaque(this);
        long previousOldest = (long) OLDEST.getOpaque(this);
        long newOldest = previousOldest;
        long now = clock.getAsLong();
        while (newOldest < index) {
            Entry evicted = (Entry) SLOTS.getOpaque(slots, (int) (newOldest & slotMask));
            boolean present = evicted != null && evicted.index == newOldest;
            if (index - newOldest < slots.length && bufferedBytes + size <= maxBytes
                    && (!present || now - evicted.publishedNanos <= maxAgeNanos)) {
                break;
            }
            if (present) {
                bufferedBytes -= evicted.length;
            }
            newOldest++;
        }
        if (newOldest != previousOldest) {
            // Readers must see the new floor before any evicted buffer is released (see the class comment).
            OLDEST.setRelease(this, newOldest);
            for (long i = previousOldest; i < newOldest; i++) {
                int slot = (int) (i & slotMask);
                Entry evicted = (Entry) SLOTS.getOpaque(slots, slot);
                if (evicted != null && evicted.index == i) {
                    SLOTS.setRelease(slots, slot, null);
                    evicted.data.release();
                }
            }
        }

        ByteBuf copy = allocator.heapBuffer(size, size);
        copy.writeBytes(packet.backingBuffer(), packet.offset(), size);
        int sequence = packet.sequenceNumber();
        long timestamp = packet.timestamp();
        SLOTS.setRelease(slots, (int) (index & slotMask), new Entry(index, sequence, copy, now));
        bufferedBytes += size;
        if (indexKeyframes) {
            indexKeyframe(packet, index, sequence, timestamp);
        }
        HEAD.setRelease(this, index + 1);
        return true;
    }

    private void indexKeyframe(RtpPacket packet, long index, int sequence, long timestamp) {
        if (!hasAccessUnit || timestamp != accessUnitTimestamp) {
            hasAccessUnit = true;
            accessUnitTimestamp = timestamp;
            accessUnitStartIndex = index;
            accessUnitStartSequence = sequence;
            accessUnitIndexed = false;
        }
        parameterSets.onRtpPacket(packet);
        if (!accessUnitIndexed && KeyframeDetector.startsIdrSlice(packet)) {
            accessUnitIndexed = true;
            long count = (long) KEYFRAME_COUNT.getOpaque(this);
            KEYFRAMES.setRelease(keyframes, (int) (count % keyframes.length), new Keyframe(accessUnitStartIndex,
                    accessUnitStartSequence, timestamp, parameterSets.current()));
            KEYFRAME_COUNT.setRelease(this, count + 1);
        }
    }

    /** The newest keyframe still buffered, or null. Any thread. */
    public Keyframe latestKeyframe() {
        long count = (long) KEYFRAME_COUNT.getAcquire(this);
        long oldestIndex = (long) OLDEST.getAcquire(this);
        if (count == 0) {
            return null;
        }
        Keyframe newest = (Keyframe) KEYFRAMES.getAcquire(keyframes, (int) ((count - 1) % keyframes.length));
        return newest != null && newest.packetIndex() >= oldestIndex ? newest : null;
    }

    /** The earliest buffered keyframe starting at or after {@code packetIndex}, or null. */
    Keyframe keyframeAtOrAfter(long packetIndex) {
        long count = (long) KEYFRAME_COUNT.getAcquire(this);
        long floor = Math.max(packetIndex, (long) OLDEST.getAcquire(this));
        Keyframe best = null;
        for (long k = count - 1; k >= 0 && k >= count - keyframes.length; k--) {
            Keyframe candidate = (Keyframe) KEYFRAMES.getAcquire(keyframes, (int) (k % keyframes.length));
            if (candidate == null || candidate.packetIndex() < floor) {
                break; // keyframes are in index order: every older one is below the floor too
            }
            best = candidate;
        }
        return best;
    }

    /** Keyframes that are still buffered, oldest first. Any thread; a snapshot. */
    public List<Keyframe> keyframes() {
        ArrayList<Keyframe> result = new ArrayList<>();
        long count = (long) KEYFRAME_COUNT.getAcquire(this);
        long oldestIndex = (long) OLDEST.getAcquire(this);
        for (long k = Math.max(0, count - keyframes.length); k < count; k++) {
            Keyframe keyframe = (Keyframe) KEYFRAMES.getAcquire(keyframes, (int) (k % keyframes.length));
            if (keyframe != null && keyframe.packetIndex() >= oldestIndex) {
                result.add(keyframe);
            }
        }
        return result;
    }

    /**
     * The buffered packet with this sequence number as a retained duplicate (the caller releases it), or null if
     * it is not buffered. For answering NACKs. Any thread.
     */
    public ByteBuf get(int sequenceNumber) {
        long index = indexOf(sequenceNumber);
        if (index < 0) {
            return null;
        }
        Entry entry = (Entry) SLOTS.getAcquire(slots, (int) (index & slotMask));
        return entry != null && entry.index == index ? tryRetain(entry) : null;
    }

    /** Running index of the buffered packet with this sequence number, or -1. Wrap-aware; tolerates reordering. */
    long indexOf(int sequenceNumber) {
        long headIndex = (long) HEAD.getAcquire(this);
        long oldestIndex = (long) OLDEST.getAcquire(this);
        if (headIndex == oldestIndex) {
            return -1;
        }
        Entry newest = (Entry) SLOTS.getAcquire(slots, (int) ((headIndex - 1) & slotMask));
        if (newest != null && newest.index == headIndex - 1) {
            // Packets usually arrive in order, so the distance from the newest gives the index directly.
            long guess = headIndex - 1 - SequenceNumber.distance(sequenceNumber, newest.sequence);
            if (matches(guess, sequenceNumber, oldestIndex, headIndex)) {
                return guess;
            }
        }
        for (long i = headIndex - 1; i >= oldestIndex; i--) {
            if (matches(i, sequenceNumber, oldestIndex, headIndex)) {
                return i;
            }
        }
        return -1;
    }

    private boolean matches(long index, int sequenceNumber, long oldestIndex, long headIndex) {
        if (index < oldestIndex || index >= headIndex) {
            return false;
        }
        Entry entry = (Entry) SLOTS.getAcquire(slots, (int) (index & slotMask));
        return entry != null && entry.index == index && entry.sequence == sequenceNumber;
    }

    private static ByteBuf tryRetain(Entry entry) {
        ByteBuf data = entry.data;
        try {
            // Retain first: once it succeeds the buffer cannot be deallocated under the duplicate. Duplicating
            // first (as retainedDuplicate() does) races a concurrent release and can see a deallocated array.
            data.retain();
        } catch (IllegalReferenceCountException releasedMeanwhile) {
            return null; // the producer evicted it between our load and our retain
        }
        return data.duplicate(); // shares the reference we just took: releasing it gives it back
    }

    /**
     * A reader that starts at the latest buffered keyframe, or (none yet) at the next one to arrive. Without
     * keyframe indexing it starts at the newest buffered packet. Any thread.
     */
    public Reader startAtLatestKeyframe() {
        Reader reader = new Reader();
        long headIndex = (long) HEAD.getAcquire(this);
        if (!indexKeyframes) {
            reader.nextIndex = Math.max(headIndex - 1, (long) OLDEST.getAcquire(this));
            return reader;
        }
        Keyframe keyframe = latestKeyframe();
        if (keyframe != null) {
            reader.nextIndex = keyframe.packetIndex();
        } else {
            reader.waitForKeyframeFrom(headIndex);
        }
        return reader;
    }

    /**
     * A reader that starts at the packet with this sequence number (fail-over resume). If that packet is not
     * buffered: when it is just ahead of the newest packet (not arrived yet) the reader starts at the live edge;
     * otherwise it falls back to {@link #startAtLatestKeyframe()}. Any thread.
     */
    public Reader startAt(int sequenceNumber) {
        long index = indexOf(sequenceNumber);
        if (index >= 0) {
            Reader reader = new Reader();
            reader.nextIndex = index;
            return reader;
        }
        long headIndex = (long) HEAD.getAcquire(this);
        if (headIndex > 0) {
            Entry newest = (Entry) SLOTS.getAcquire(slots, (int) ((headIndex - 1) & slotMask));
            if (newest != null && newest.index == headIndex - 1) {
                int ahead = SequenceNumber.distance(newest.sequence, sequenceNumber);
                if (ahead > 0 && ahead <= MAX_FUTURE_START_DISTANCE) {
                    Reader reader = new Reader();
                    reader.nextIndex = headIndex;
                    return reader;
                }
            }
        }
        return startAtLatestKeyframe();
    }

    /** Packets published so far (the running index of the next one). */
    public long publishedCount() {
        return (long) HEAD.getAcquire(this);
    }

    /** Packets currently buffered. */
    public int size() {
        return (int) ((long) HEAD.getAcquire(this) - (long) OLDEST.getAcquire(this));
    }

    /** Bytes currently buffered (producer thread; from others an estimate). */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    public int capacityPackets() {
        return slots.length;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Packets refused by {@link #publish} (too large, or after close). */
    public long rejectedPackets() {
        return rejectedPackets;
    }

    /** The SPS/PPS currently in force (from the builder and in-band). */
    public ParameterSets parameterSets() {
        return parameterSets.current();
    }

    /** Releases every buffered packet (producer thread). Readers then see the end; held duplicates stay valid. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long headIndex = (long) HEAD.getOpaque(this);
        long oldestIndex = (long) OLDEST.getOpaque(this);
        OLDEST.setRelease(this, headIndex);
        for (long i = oldestIndex; i < headIndex; i++) {
            int slot = (int) (i & slotMask);
            Entry entry = (Entry) SLOTS.getOpaque(slots, slot);
            if (entry != null && entry.index == i) {
                SLOTS.setRelease(slots, slot, null);
                entry.data.release();
            }
        }
        bufferedBytes = 0;
    }

    public boolean isClosed() {
        return closed;
    }

    /** One buffered packet; immutable so a reader that loaded it sees all of it. */
    private static final class Entry {
        final long index;
        final int sequence;
        final int length;
        final ByteBuf data;
        final long publishedNanos;

        Entry(long index, int sequence, ByteBuf data, long publishedNanos) {
            this.index = index;
            this.sequence = sequence;
            this.length = data.readableBytes();
            this.data = data;
            this.publishedNanos = publishedNanos;
        }
    }

    /**
     * One consumer's cursor. Not thread-safe: one thread at a time (its owner). Never blocks; {@link #poll()}
     * returns null when there is nothing new.
     */
    public final class Reader {
        private long nextIndex;
        private boolean waitingForKeyframe;
        private long waitFromIndex;
        private long skips;
        private long skippedPackets;

        private Reader() {
        }

        private void waitForKeyframeFrom(long index) {
            waitingForKeyframe = true;
            waitFromIndex = index;
            nextIndex = index;
        }

        /**
         * The next packet as a retained duplicate (the caller releases it, typically by writing it to a channel),
         * or null if none is available yet or the ring is closed.
         */
        public ByteBuf poll() {
            while (!closed) {
                if (waitingForKeyframe) {
                    Keyframe keyframe = keyframeAtOrAfter(waitFromIndex);
                    if (keyframe == null) {
                        return null;
                    }
                    skippedPackets += Math.max(0, keyframe.packetIndex() - nextIndex);
                    nextIndex = keyframe.packetIndex();
                    waitingForKeyframe = false;
                }
                long headIndex = (long) HEAD.getAcquire(PacketRingBuffer.this);
                if (nextIndex >= headIndex) {
                    return null;
                }
                long oldestIndex = (long) OLDEST.getAcquire(PacketRingBuffer.this);
                if (nextIndex >= oldestIndex) {
                    Entry entry = (Entry) SLOTS.getAcquire(slots, (int) (nextIndex & slotMask));
                    if (entry != null && entry.index == nextIndex) {
                        ByteBuf packet = tryRetain(entry);
                        if (packet != null) {
                            nextIndex++;
                            return packet;
                        }
                    }
                }
                fellBehind();
            }
            return null;
        }

        private void fellBehind() {
            skips++;
            long oldestIndex = (long) OLDEST.getAcquire(PacketRingBuffer.this);
            if (indexKeyframes) {
                waitingForKeyframe = true;
                waitFromIndex = nextIndex;
            } else {
                long target = Math.max(oldestIndex, nextIndex + 1);
                skippedPackets += target - nextIndex;
                nextIndex = target;
            }
        }

        /** Packets published but not yet read by this reader (0 while waiting at the live edge). */
        public long lag() {
            return Math.max(0, (long) HEAD.getAcquire(PacketRingBuffer.this) - nextIndex);
        }

        /** True while the reader fell behind and waits for the next keyframe. */
        public boolean isWaitingForKeyframe() {
            return waitingForKeyframe;
        }

        /** Times this reader fell behind and was moved forward. */
        public long skips() {
            return skips;
        }

        /** Packets this reader never got because it was moved forward. */
        public long skippedPackets() {
            return skippedPackets;
        }

        /** Running index of the next packet this reader will get. */
        public long nextIndex() {
            return nextIndex;
        }
    }

    /** Settings of a ring; validated in {@link #build()}. */
    public static final class Builder {
        public static final int DEFAULT_CAPACITY_PACKETS = 8192;
        /** 16 MiB: about 60 s of a 2 Mbit/s stream, 8 s of a 16 Mbit/s one. */
        public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
        /** Keyframes remembered; with a 2 s GOP, 16 cover 32 s, more than the ring holds at typical rates. */
        public static final int DEFAULT_KEYFRAME_INDEX_SIZE = 16;

        private int capacityPackets = DEFAULT_CAPACITY_PACKETS;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private int keyframeIndexSize = DEFAULT_KEYFRAME_INDEX_SIZE;
        private Duration maxAge;
        private LongSupplier clock = System::nanoTime;
        private boolean indexKeyframes = true;
        private ParameterSets parameterSets = ParameterSets.NONE;

        private Builder() {
        }

        /** Maximum packets buffered; a power of two between 16 and 2^20. */
        public Builder capacityPackets(int capacityPackets) {
            this.capacityPackets = capacityPackets;
            return this;
        }

        /** Maximum bytes of packet data buffered, between 64 KiB and 1 GiB. */
        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * Longest a packet stays (from its publish); none by default. What a relay needs is a keyframe's worth for
         * new readers plus the resume and NACK window, not the last 8,192 packets: the bound keeps the memory of a
         * low-rate stream from staying at the packet or byte limit.
         */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /** The nanosecond clock {@link #maxAge} is measured with (tests); {@link System#nanoTime()} by default. */
        Builder clock(LongSupplier nanoClock) {
            this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /** Keyframes remembered, between 1 and 1024. */
        public Builder keyframeIndexSize(int keyframeIndexSize) {
            this.keyframeIndexSize = keyframeIndexSize;
            return this;
        }

        /** True (default) for H.264 video; false for streams where any packet is a start point (audio). */
        public Builder indexKeyframes(boolean indexKeyframes) {
            this.indexKeyframes = indexKeyframes;
            return this;
        }

        /** SPS/PPS known from SDP before any packet arrives. */
        public Builder parameterSets(ParameterSets parameterSets) {
            this.parameterSets = Objects.requireNonNull(parameterSets, "parameterSets");
            return this;
        }

        public PacketRingBuffer build() {
            if (capacityPackets < 16 || capacityPackets > (1 << 20) || Integer.bitCount(capacityPackets) != 1) {
                throw new IllegalArgumentException("capacityPackets must be a power of two between 16 and 1048576 (was "
                        + capacityPackets + ")");
            }
            if (maxBytes < 64 * 1024 || maxBytes > 1024L * 1024 * 1024) {
                throw new IllegalArgumentException("maxBytes must be between 65536 and 1073741824 bytes (was "
                        + maxBytes + ")");
            }
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
                throw new IllegalArgumentException("maxAge must be positive (was " + maxAge + ")");
            }
            if (keyframeIndexSize < 1 || keyframeIndexSize > 1024) {
                throw new IllegalArgumentException("keyframeIndexSize must be between 1 and 1024 (was "
                        + keyframeIndexSize + ")");
            }
            return new PacketRingBuffer(this);
        }
    }
}
