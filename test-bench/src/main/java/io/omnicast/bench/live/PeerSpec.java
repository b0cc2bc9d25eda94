package io.omnicast.bench.live;

import java.util.List;

/**
 * How to start one peer process.
 *
 * @param maxChildren    fixed capacity (0 = a leaf)
 * @param decode         decode with FFmpeg ({@code --headless}) or only count frames ({@code --no-decode})
 * @param playoutDelayMs the playout delay
 * @param heapMb         the process's -Xmx
 * @param extraArgs      further {@code omnicast peer} options
 */
public record PeerSpec(String user, int maxChildren, boolean decode, long playoutDelayMs, int heapMb,
        List<String> extraArgs) {
    public PeerSpec {
        if (maxChildren < 0 || playoutDelayMs < 0 || heapMb < 32) {
            throw new IllegalArgumentException("bad peer spec for " + user);
        }
        extraArgs = List.copyOf(extraArgs);
    }

    /** A decoding peer with {@code maxChildren} slots, 500 ms playout delay, -Xmx128m. */
    public static PeerSpec of(String user, int maxChildren) {
        return new PeerSpec(user, maxChildren, true, 500, 128, List.of());
    }

    public PeerSpec decoding(boolean on) {
        return new PeerSpec(user, maxChildren, on, playoutDelayMs, on ? Math.max(heapMb, 128) : heapMb, extraArgs);
    }

    public PeerSpec heapMb(int mb) {
        return new PeerSpec(user, maxChildren, decode, playoutDelayMs, mb, extraArgs);
    }

    /**
     * Starts up (player, relay, warm-up) and waits: the join begins with {@link PeerProcess#join()}, so experiments
     * can start processes ahead and measure joins without a JVM starting next to them.
     */
    public PeerSpec held() {
        List<String> args = new java.util.ArrayList<>(extraArgs);
        args.add("--hold");
        return new PeerSpec(user, maxChildren, decode, playoutDelayMs, heapMb, args);
    }
}
