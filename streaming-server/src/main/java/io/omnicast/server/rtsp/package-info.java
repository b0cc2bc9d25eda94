/**
 * The RTSP protocol side of the server: the listener ({@link io.omnicast.server.rtsp.RtspServer}), one
 * {@link io.omnicast.server.rtsp.RtspConnection} per TCP connection, sessions, and the shared UDP media ports.
 * It talks to channels only through {@link io.omnicast.server.channel.Publisher} and
 * {@link io.omnicast.server.channel.Reader}.
 */
package io.omnicast.server.rtsp;
