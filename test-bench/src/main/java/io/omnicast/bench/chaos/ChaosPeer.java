package io.omnicast.bench.chaos;

import io.omnicast.bench.demo.PeerStats;
import io.omnicast.bench.live.PeerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a chaos run knows about one planned session: its process, when it was launched, first seen playing and
 * ended (and how), its last stats (kept after the process is gone), and every recovery it reported.
 *
 * <p>The peer lists only its last 100 recoveries but counts all of them ({@code recoveriesTotal}), so entry
 * {@code i} of a list of {@code n} is recovery number {@code total - n + i} of that peer: that number is the key
 * that deduplicates the entries seen again in every poll, and the latest copy of an entry wins (its gap is filled
 * in when the new parent's first packet arrives, and its packets lost after repair grow for one repair window).
 *
 * <p>The poller threads and the scenario's thread share these objects; every method is synchronized.
 */
final class ChaosPeer {
    final ChurnPlan.Session plan;
    private PeerProcess process;
    private long launchedNanos = -1;
    private long readyNanos = -1;
    private long joinedNanos = -1;
    private long playingNanos = -1;
    private long endNanos = -1;
    private String endKind;
    private PeerStats last;
    private String nodeId;
    private int maxHop = -1;
    private final Map<Long, PeerStats.Recovery> recoveries = new TreeMap<>();
    private final Map<Long, Long> recoverySeenNanos = new TreeMap<>();

    ChaosPeer(ChurnPlan.Session plan) {
        this.plan = plan;
    }

    synchronized void launched(PeerProcess process, long nanos) {
        this.process = process;
        this.launchedNanos = nanos;
    }

    synchronized PeerProcess process() {
        return process;
    }

    synchronized boolean launched() {
        return process != null;
    }

    synchronized long launchedNanos() {
        return launchedNanos;
    }

    synchronized long readyNanos() {
        return readyNanos;
    }

    synchronized long joinedNanos() {
        return joinedNanos;
    }

    synchronized void joined(long nanos) {
        joinedNanos = nanos;
    }

    synchronized long playingNanos() {
        return playingNanos;
    }

    synchronized boolean playing() {
        return playingNanos >= 0 && endNanos < 0;
    }

    synchronized boolean ended() {
        return endNanos >= 0;
    }

    synchronized long endNanos() {
        return endNanos;
    }

    synchronized String endKind() {
        return endKind;
    }

    /** Marks the end (first call wins): {@code kind} is sigterm, sigkill, exited(code), no-play or end-of-run. */
    synchronized boolean end(String kind, long nanos) {
        if (endNanos >= 0) {
            return false;
        }
        endNanos = nanos;
        endKind = kind;
        return true;
    }

    synchronized PeerStats last() {
        return last;
    }

    synchronized String nodeId() {
        return nodeId;
    }

    synchronized int maxHop() {
        return maxHop;
    }

    /**
     * Takes in one poll's stats; true when this poll is the first that found the peer playing.
     */
    synchronized boolean accept(PeerStats s, long nanos) {
        last = s;
        String id = s.text("nodeId");
        if (id != null) {
            nodeId = id;
        }
        maxHop = Math.max(maxHop, (int) s.number("hopCount", -1));
        if (readyNanos < 0 && !"starting".equals(s.text("state"))) {
            readyNanos = nanos; // held and waiting for its join line, or already joining
        }
        List<PeerStats.Recovery> list = s.recoveries();
        long total = (long) s.number("recoveriesTotal", list.size());
        long first = Math.max(0, total - list.size());
        for (int i = 0; i < list.size(); i++) {
            recoveries.put(first + i, list.get(i));
            recoverySeenNanos.putIfAbsent(first + i, nanos);
        }
        boolean nowPlaying = "playing".equals(s.text("state")) && s.number("framesDecoded", 0) > 0;
        if (nowPlaying && playingNanos < 0 && endNanos < 0) {
            playingNanos = nanos;
            return true;
        }
        return false;
    }

    /** Seconds played: from first seen playing to the end (or {@code nowNanos} while it runs); 0 if it never played. */
    synchronized double playedSeconds(long nowNanos) {
        if (playingNanos < 0) {
            return 0;
        }
        long end = endNanos >= 0 ? endNanos : nowNanos;
        return Math.max(0, end - playingNanos) / 1e9;
    }

    /** One recovery this peer reported, numbered per peer, with when the bench first saw it. */
    record SeenRecovery(long ordinal, long seenNanos, PeerStats.Recovery recovery) {
    }

    synchronized List<SeenRecovery> recoveries() {
        List<SeenRecovery> list = new ArrayList<>(recoveries.size());
        recoveries.forEach((ordinal, r) -> list.add(new SeenRecovery(ordinal, recoverySeenNanos.get(ordinal), r)));
        return list;
    }
}
