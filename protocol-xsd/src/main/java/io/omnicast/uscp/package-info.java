/**
 * USCP, the User Session Control Protocol between OmniCast nodes and the proxy: the validating XML
 * {@link io.omnicast.uscp.UscpCodec}, typed {@link io.omnicast.uscp.UscpException}s, and message helpers.
 * The message classes themselves ({@code io.omnicast.uscp.v1}) are generated from {@code uscp-1.xsd} at build
 * time; {@code io.omnicast.uscp.netty} frames them on a TCP stream.
 */
package io.omnicast.uscp;
