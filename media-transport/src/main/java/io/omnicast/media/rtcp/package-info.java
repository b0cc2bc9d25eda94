/**
 * RTCP, <a href="https://www.rfc-editor.org/rfc/rfc3550#section-6">RFC 3550 section 6</a> and the generic NACK of
 * <a href="https://www.rfc-editor.org/rfc/rfc4585">RFC 4585</a>: packet records ({@link
 * io.omnicast.media.rtcp.SenderReport}, {@link io.omnicast.media.rtcp.ReceiverReport}, {@link
 * io.omnicast.media.rtcp.SourceDescription}, {@link io.omnicast.media.rtcp.Goodbye}, {@link
 * io.omnicast.media.rtcp.GenericNack}), the compound codec {@link io.omnicast.media.rtcp.RtcpCodec} and its Netty
 * handlers, and the statistics receivers and senders keep to build their reports.
 */
package io.omnicast.media.rtcp;
