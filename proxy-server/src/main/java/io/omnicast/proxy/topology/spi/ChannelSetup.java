package io.omnicast.proxy.topology.spi;

/**
 * What a plugin learns when a channel appears.
 *
 * @param channel the channel name
 * @param seed a seed for any randomness, so that runs can be repeated ({@code topology.seed})
 */
public record ChannelSetup(String channel, long seed) {
}
