package io.omnicast.peer.player;

import java.awt.image.BufferedImage;
import java.util.Optional;

/**
 * One picture out of the decoder: its size, the RTP timestamp of the access unit that completed it, and the
 * pixels as an RGB image when the decoder was asked for them (window mode); headless decoding skips the colour
 * conversion.
 */
public record DecodedFrame(int width, int height, long rtpTimestamp, Optional<BufferedImage> image) {
}
