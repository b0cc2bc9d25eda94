package io.omnicast.media.rtp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequenceNumberTest {
    @Test
    void zeroIsNewerThan65535() {
        assertTrue(SequenceNumber.isNewer(0, 65535));
        assertFalse(SequenceNumber.isNewer(65535, 0));
        assertEquals(1, SequenceNumber.distance(65535, 0));
        assertEquals(-1, SequenceNumber.distance(0, 65535));
        assertEquals(0, SequenceNumber.next(65535));
        assertEquals(65535, SequenceNumber.add(0, -1));
        assertEquals(10, SequenceNumber.distance(65530, 4));
        assertTrue(SequenceNumber.of(3).isNewerThan(SequenceNumber.of(65000)));
        assertEquals(SequenceNumber.of(0), SequenceNumber.of(65535).next());
    }

    @Test
    void halfTheSpaceApartIsTheLimit() {
        assertEquals(32767, SequenceNumber.distance(0, 32767));
        assertEquals(-32768, SequenceNumber.distance(0, 32768));
    }

    @Test
    void rejectsOutOfRangeValues() {
        assertThrows(IllegalArgumentException.class, () -> SequenceNumber.of(65536));
        assertThrows(IllegalArgumentException.class, () -> SequenceNumber.of(-1));
        assertThrows(IllegalArgumentException.class, () -> RtpTimestamp.of(1L << 32));
    }

    @Test
    void timestampsCompareAcrossTheWrap() {
        assertTrue(RtpTimestamp.isNewer(100, 0xFFFF_FF00L));
        assertEquals(356, RtpTimestamp.distance(0xFFFF_FF00L, 100));
        assertEquals(99, RtpTimestamp.add(0xFFFF_FFFFL, 100));
        assertEquals(-1, RtpTimestamp.compare(0xFFFF_FFFFL, 0));
        assertTrue(RtpTimestamp.of(5).isNewerThan(RtpTimestamp.of(0xFFFF_FFF0L)));
    }
}
