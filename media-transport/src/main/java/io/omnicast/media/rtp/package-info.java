/**
 * RTP, <a href="https://www.rfc-editor.org/rfc/rfc3550">RFC 3550</a>: {@link io.omnicast.media.rtp.RtpPacket}, a
 * zero-copy validated view of a packet in a {@code ByteBuf}; {@link io.omnicast.media.rtp.RtpPacketWriter};
 * the wrap-aware {@link io.omnicast.media.rtp.SequenceNumber} and {@link io.omnicast.media.rtp.RtpTimestamp};
 * and {@link io.omnicast.media.rtp.ExtendedSequenceTracker} for receivers. Bad input fails with
 * {@link io.omnicast.media.rtp.RtpFormatException}.
 */
package io.omnicast.media.rtp;
