package io.omnicast.media.rtp;

/**
 * Extends 16-bit sequence numbers of one source to 32 bits by counting wrap cycles, and decides whether a source
 * is valid, following <a href="https://www.rfc-editor.org/rfc/rfc3550#appendix-A.1">RFC 3550 appendix A.1</a>:
 * a new source is on probation until {@code minSequential} packets arrived in sequence; a jump of more than
 * {@link #MAX_DROPOUT} ahead (or more than {@link #MAX_MISORDER} behind) is ignored unless the next packet confirms
 * it, which then restarts the count (the sender restarted).
 *
 * <p>One per source; not thread-safe.
 */
public final class ExtendedSequenceTracker {
    /** Largest forward jump still taken as loss rather than a restart (RFC 3550 A.1). */
    public static final int MAX_DROPOUT = 3000;
    /** Largest backward step still taken as reordering (RFC 3550 A.1). */
    public static final int MAX_MISORDER = 100;
    /** Packets in sequence needed before a new source counts (RFC 3550 A.1). */
    public static final int DEFAULT_MIN_SEQUENTIAL = 2;

    private final int minSequential;
    private boolean started;
    private int maxSeq;
    private long cycles;
    private long baseSeq;
    private int badSeq;
    private int probation;
    private long received;
    private long expectedPrior;
    private long receivedPrior;

    public ExtendedSequenceTracker() {
        this(DEFAULT_MIN_SEQUENTIAL);
    }

    /** @param minSequential packets in sequence before the source is valid; 1 accepts the first packet at once */
    public ExtendedSequenceTracker(int minSequential) {
        if (minSequential < 1 || minSequential > 100) {
            throw new IllegalArgumentException("minSequential must be between 1 and 100 (was " + minSequential + ")");
        }
        this.minSequential = minSequential;
    }

    /**
     * Accounts one received packet.
     *
     * @return true if the packet counts (source valid and the packet is in sequence, late or duplicate); false
     * while on probation or for a suspicious jump that is waiting for confirmation
     */
    public boolean update(int sequenceNumber) {
        int seq = new SequenceNumber(sequenceNumber).value();
        if (!started) {
            started = true;
            restart(seq);
            maxSeq = SequenceNumber.add(seq, -1);
            probation = minSequential;
        }
        int forward = (seq - maxSeq) & SequenceNumber.MAX_VALUE;
        if (probation > 0) {
            if (seq == SequenceNumber.next(maxSeq)) {
                probation--;
                maxSeq = seq;
                if (probation == 0) {
                    restart(seq);
                    received++;
                    return true;
                }
            } else {
                probation = minSequential - 1;
                maxSeq = seq;
            }
            return false;
        }
        if (forward < MAX_DROPOUT) {
            // In order, with an acceptable gap. A smaller raw value here means the 16-bit counter wrapped.
            if (seq < maxSeq) {
                cycles += SequenceNumber.MODULUS;
            }
            maxSeq = seq;
        } else if (forward <= SequenceNumber.MODULUS - MAX_MISORDER) {
            // A very large jump: accept only if the next packet continues from it (the sender restarted).
            if (seq == badSeq) {
                restart(seq);
            } else {
                badSeq = SequenceNumber.next(seq);
                return false;
            }
        }
        // Otherwise a duplicate or a reordered packet: counted, does not move the highest number.
        received++;
        return true;
    }

    private void restart(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        badSeq = SequenceNumber.MODULUS + 1; // matches no 16-bit value
        cycles = 0;
        received = 0;
        receivedPrior = 0;
        expectedPrior = 0;
    }

    /** True once the source left probation. */
    public boolean isValid() {
        return started && probation == 0;
    }

    /** Highest sequence number seen, extended with the wrap count (the RR "extended highest sequence"). */
    public long extendedHighestSequence() {
        return cycles + maxSeq;
    }

    /** Highest 16-bit sequence number seen. */
    public int highestSequence() {
        return maxSeq;
    }

    /** Packets counted since the source became valid (duplicates included, as in RFC 3550). */
    public long received() {
        return received;
    }

    /** Packets expected since the source became valid. */
    public long expected() {
        return isValid() ? extendedHighestSequence() - baseSeq + 1 : 0;
    }

    /** Cumulative lost packets; negative when duplicates outnumber losses (RFC 3550 section 6.4.1). */
    public long cumulativeLost() {
        return expected() - received;
    }

    /**
     * Loss since the previous call as an 8-bit fixed-point fraction (0..255), and starts the next interval
     * (RFC 3550 A.3). 0 when nothing was expected or duplicates outnumbered losses.
     */
    public int takeFractionLost() {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        if (expectedInterval <= 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) Math.min(255, (lostInterval << 8) / expectedInterval);
    }
}
