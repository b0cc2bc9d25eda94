package io.omnicast.bench.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeerStatsTest {
    /** Regression: the peer added resumeSeq/firstSeq to each recovery and the demo then printed "none recorded". */
    @Test
    void readsRecoveriesWhateverOtherFieldsTheyCarry() {
        PeerStats stats = PeerStats.of("{\"nodeId\":\"n-4\",\"stalls\":0,\"recoveries\":["
                + "{\"cause\":\"rtcp-bye\",\"from\":\"n-3\",\"to\":\"n-2\",\"gapMs\":31,\"resumeSeq\":812,"
                + "\"firstSeq\":812,\"packetsLostAfterRepair\":0},"
                + "{\"cause\":\"connection-closed\",\"from\":\"n-2\",\"to\":null,\"gapMs\":-1,\"resumeSeq\":-1,"
                + "\"firstSeq\":-1,\"packetsLostAfterRepair\":2}],\"recoveriesTotal\":2}");
        List<PeerStats.Recovery> recoveries = stats.recoveries();
        assertEquals(2, recoveries.size());
        assertEquals(new PeerStats.Recovery("rtcp-bye", "n-3", "n-2", 31, 0), recoveries.get(0));
        assertEquals("connection-closed", recoveries.get(1).cause());
        assertNull(recoveries.get(1).to());
        assertEquals(-1, recoveries.get(1).gapMs());
        assertEquals(2, recoveries.get(1).packetsLostAfterRepair());
    }
}
