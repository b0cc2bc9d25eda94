package io.omnicast.peer.player;

/**
 * What the player reports each second.
 *
 * @param firstDecodedNanos when the first picture came out of the decoder ({@link System#nanoTime()}), or -1
 * @param firstShownNanos   when the first picture was due and shown (one playout delay later), or -1
 * @param decoderDrops      encoded frames dropped because the decoder fell too far behind
 */
public record PlayerStats(double fps, long framesShown, long framesDecoded, long decodeErrors, long stalls,
        long stallMs, long bufferMs, long firstDecodedNanos, long firstShownNanos, int width, int height,
        long decoderDrops) {
}
