/**
 * SDP, <a href="https://www.rfc-editor.org/rfc/rfc8866">RFC 8866</a>: {@link io.omnicast.media.sdp.SdpParser} (with
 * size limits) and {@link io.omnicast.media.sdp.SdpWriter} over the immutable
 * {@link io.omnicast.media.sdp.SessionDescription}, plus typed readers for H.264
 * ({@link io.omnicast.media.sdp.H264TrackFormat}) and AAC mpeg4-generic ({@link io.omnicast.media.sdp.AacTrackFormat})
 * tracks. Bad input fails with {@link io.omnicast.media.sdp.SdpFormatException}.
 */
package io.omnicast.media.sdp;
