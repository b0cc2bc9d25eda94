package io.omnicast.peer.player;

/** What the player reports each second. */
public record PlayerStats(double fps, long framesShown, long framesDecoded, long decodeErrors, long stalls,
        long stallMs, long bufferMs, long firstFrameNanos, int width, int height) {
}
