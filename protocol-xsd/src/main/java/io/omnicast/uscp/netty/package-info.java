/**
 * Netty handlers that carry USCP over TCP. A pipeline reads
 * {@link io.omnicast.uscp.netty.UscpFrameDecoder} then {@link io.omnicast.uscp.netty.UscpMessageDecoder}, and
 * writes through {@link io.omnicast.uscp.netty.UscpMessageEncoder}.
 */
package io.omnicast.uscp.netty;
