/**
 * The H.264 RTP payload format, <a href="https://www.rfc-editor.org/rfc/rfc6184">RFC 6184</a>:
 * {@link io.omnicast.media.h264.H264Depacketizer} (packets to {@link io.omnicast.media.h264.AccessUnit}s),
 * {@link io.omnicast.media.h264.H264Packetizer} (access units to packets),
 * {@link io.omnicast.media.h264.ParameterSets} / {@link io.omnicast.media.h264.ParameterSetTracker} (SPS/PPS from
 * SDP and in-band), {@link io.omnicast.media.h264.KeyframeDetector} (IDR on a single packet) and
 * {@link io.omnicast.media.h264.AnnexB} (start-code byte streams).
 */
package io.omnicast.media.h264;
