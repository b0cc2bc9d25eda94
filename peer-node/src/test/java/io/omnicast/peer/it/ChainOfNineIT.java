package io.omnicast.peer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.peer.PeerNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: a chain of 9 peers (capacity 1 each, placed by the real proxy) behind a streaming server fed by
 * ffmpeg. Every peer decodes at 30 fps (at least 29 frames in every full second after start-up), and the hop-9
 * peer's local RTSP output, read by ffmpeg from 127.0.0.1, is bit-exact against the source (slice hashes).
 */
class ChainOfNineIT {
    private static final int HOPS = 9;
    private static final int SECONDS_WATCHED = 6;

    @Test
    void everyHopPlaysAtThirtyFpsAndHopNineIsBitExact() throws Exception {
        try (TreeFixture tree = new TreeFixture(1)) {
            List<PeerNode> chain = new ArrayList<>();
            for (int hop = 1; hop <= HOPS; hop++) {
                PeerNode peer = tree.peer("chain" + hop, hop < HOPS ? 1 : 0);
                chain.add(peer);
                assertEquals(hop, peer.stats().get("hopCount"), "the proxy builds a chain: " + peer.stats());
                assertEquals(false, ((Map<?, ?>) peer.stats().get("join")).get("described"),
                        "the placement carried the channel's description, which the parent's PLAY reply confirmed: "
                        + "no DESCRIBE; " + peer.stats());
            }
            Thread.sleep(1500); // start-up: the last peer's first second of display is not a full second yet
            for (int second = 0; second < SECONDS_WATCHED; second++) {
                Thread.sleep(1000);
                for (PeerNode peer : chain) {
                    Map<String, Object> s = peer.stats();
                    assertTrue((double) s.get("fps") >= 29, "second " + second + ": " + s);
                    assertEquals(0L, s.get("stalls"), s.toString());
                }
            }
            // Hop 9 takes no children but still serves a local player from 127.0.0.1.
            PeerNode last = chain.get(HOPS - 1);
            Path source = tree.dir.resolve("source.h264");
            Path hop9 = tree.dir.resolve("hop9.h264");
            Process sourceCapture = NalHashes.capture(tree.rtspUrl(), 8, source);
            Thread.sleep(1500);
            Process hopCapture = NalHashes.capture(last.relayUrl(), 4, hop9);
            List<String> hopSlices = NalHashes.await(hopCapture, hop9);
            List<String> sourceSlices = NalHashes.await(sourceCapture, source);
            assertTrue(hopSlices.size() >= 60, "hop 9 gave " + hopSlices.size() + " slices in 4 s");
            assertTrue(NalHashes.indexOf(sourceSlices, hopSlices) >= 0, "hop 9's " + hopSlices.size()
                    + " slices are not a contiguous run of the source's " + sourceSlices.size());
        }
    }
}
