/**
 * The topology plugin SPI: everything a placement algorithm sees and returns, and nothing else.
 *
 * <p>A plugin implements {@link io.omnicast.proxy.topology.spi.TopologyAlgorithm} (a factory, found with
 * {@link java.util.ServiceLoader} through one line in
 * {@code META-INF/services/io.omnicast.proxy.topology.spi.TopologyAlgorithm}) and returns one
 * {@link io.omnicast.proxy.topology.spi.ChannelTopology} per channel. The proxy calls a channel's topology only
 * from the one thread that owns that channel's tree, so a plugin needs no locks; it sees the tree only through
 * the read-only {@link io.omnicast.proxy.topology.spi.TreeView} and {@link io.omnicast.proxy.topology.spi.TreeNode}
 * and must not keep references to them beyond a call. Decisions come back as
 * {@link io.omnicast.proxy.topology.spi.Placement} and {@link io.omnicast.proxy.topology.spi.FailureVerdict}.
 * Requests are objects so that they can grow without breaking plugins; optional parts are default methods.
 */
package io.omnicast.proxy.topology.spi;
