/**
 * Per-stream packet buffering: {@link io.omnicast.media.buffer.PacketRingBuffer}, one producer and many
 * lock-free readers over the last seconds of a stream, with a {@link io.omnicast.media.buffer.Keyframe} index for
 * instant start, sequence lookup for fail-over resume and NACK answers.
 */
package io.omnicast.media.buffer;
