/**
 * The encoder bridge: brings any encoder or camera output (test pattern, file, V4L2, RTP+SDP, MPEG-TS/UDP, RTMP, RTSP pull) into the streaming server.
 */
package io.omnicast.bridge;
