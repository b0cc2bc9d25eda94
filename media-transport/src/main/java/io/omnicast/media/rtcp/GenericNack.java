package io.omnicast.media.rtcp;

import io.omnicast.media.rtp.SequenceNumber;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Generic NACK (PT=205 RTPFB, FMT=1), <a href="https://www.rfc-editor.org/rfc/rfc4585#section-6.2.1">RFC 4585
 * section 6.2.1</a>: a receiver asks for lost packets again. Each item names a lost packet (PID) and a bitmask of
 * the 16 following ones (BLP, bit i set = PID+i+1 lost).
 *
 * <pre>
 * |V=2|P| FMT=1 |   PT=205      |          length               |
 * |                  SSRC of packet sender                        |
 * |                  SSRC of media source                         |
 * |            PID                |             BLP               |  (one or more)
 * </pre>
 */
public record GenericNack(long senderSsrc, long mediaSsrc, List<Item> items) implements RtcpPacket {
    /** Items per packet are bounded so that one NACK fits in any datagram: 256 items cover 4352 packets. */
    public static final int MAX_ITEMS = 256;

    public GenericNack {
        RtcpCodec.checkUnsigned32("senderSsrc", senderSsrc);
        RtcpCodec.checkUnsigned32("mediaSsrc", mediaSsrc);
        items = List.copyOf(items);
        if (items.isEmpty() || items.size() > MAX_ITEMS) {
            throw new IllegalArgumentException("a generic NACK needs between 1 and " + MAX_ITEMS + " items (was "
                    + items.size() + ")");
        }
    }

    /**
     * Builds the fewest items covering {@code lost}. The numbers must span less than half the sequence space
     * (32768), which any real loss list does; duplicates are ignored.
     *
     * @throws IllegalArgumentException if {@code lost} is empty or needs more than {@link #MAX_ITEMS} items
     */
    public static GenericNack fromLostSequences(long senderSsrc, long mediaSsrc, Collection<Integer> lost) {
        if (lost.isEmpty()) {
            throw new IllegalArgumentException("no lost sequence numbers to NACK");
        }
        int reference = lost.iterator().next();
        List<Integer> ordered = new ArrayList<>(lost);
        // Wrap-aware order: by signed distance from one member, valid because the span is under 32768.
        ordered.sort(Comparator.comparingInt(sequence -> SequenceNumber.distance(reference, sequence)));
        List<Item> items = new ArrayList<>();
        int pid = -1;
        int blp = 0;
        for (int sequence : ordered) {
            new SequenceNumber(sequence);
            if (pid >= 0) {
                int distance = SequenceNumber.distance(pid, sequence);
                if (distance == 0) {
                    continue;
                }
                if (distance <= 16) {
                    blp |= 1 << (distance - 1);
                    continue;
                }
                items.add(new Item(pid, blp));
            }
            pid = sequence;
            blp = 0;
        }
        items.add(new Item(pid, blp));
        return new GenericNack(senderSsrc, mediaSsrc, items);
    }

    /** Every sequence number this NACK asks for, in wire order. */
    public List<Integer> lostSequences() {
        List<Integer> result = new ArrayList<>();
        for (Item item : items) {
            result.add(item.pid());
            for (int bit = 0; bit < 16; bit++) {
                if ((item.bitmask() & (1 << bit)) != 0) {
                    result.add(SequenceNumber.add(item.pid(), bit + 1));
                }
            }
        }
        return result;
    }

    @Override
    public int packetType() {
        return RtcpPacketTypes.TRANSPORT_FEEDBACK;
    }

    /** One FCI entry: PID and BLP, both 16 bits. */
    public record Item(int pid, int bitmask) {
        public Item {
            new SequenceNumber(pid);
            if (bitmask < 0 || bitmask > 0xFFFF) {
                throw new IllegalArgumentException("BLP must be a 16-bit mask (was " + bitmask + ")");
            }
        }
    }
}
