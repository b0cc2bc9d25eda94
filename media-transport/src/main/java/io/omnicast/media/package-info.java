/**
 * The RTP stack OmniCast shares: RTP/RTCP (RFC 3550, RFC 4585), SDP (RFC 8866), RTSP 1.0 (RFC 2326)
 * building blocks on Netty's RTSP codec, the H.264 payload format (RFC 6184), and the packet ring buffer with its
 * keyframe index. It stands in for jlibrtp, which is not published on Maven Central.
 */
package io.omnicast.media;
