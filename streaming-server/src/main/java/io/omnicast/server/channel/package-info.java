/**
 * Channels: one {@link io.omnicast.server.channel.LiveChannel} owns each channel's state (tracks, ring buffers,
 * readers) on one event loop; protocol code talks to it through {@link io.omnicast.server.channel.Publisher} and
 * {@link io.omnicast.server.channel.Reader}, so fan-out does not care which protocol a reader speaks.
 */
package io.omnicast.server.channel;
