/**
 * RTSP 1.0 (<a href="https://www.rfc-editor.org/rfc/rfc2326">RFC 2326</a>) building blocks on Netty's RTSP codec:
 * framing of {@code $}-interleaved RTP/RTCP next to RTSP messages ({@link io.omnicast.media.rtsp.RtspInterleavedDecoder},
 * {@link io.omnicast.media.rtsp.InterleavedFrameEncoder}), the pipeline layout ({@link io.omnicast.media.rtsp.RtspCodecs}),
 * header types ({@link io.omnicast.media.rtsp.RtspTransport}, {@link io.omnicast.media.rtsp.RtspSessionHeader},
 * {@link io.omnicast.media.rtsp.RtpInfo}), request validation and responses, authentication (Basic, Digest) and a
 * Netty RTSP client ({@link io.omnicast.media.rtsp.RtspClient}) that can publish and play over UDP or TCP.
 */
package io.omnicast.media.rtsp;
