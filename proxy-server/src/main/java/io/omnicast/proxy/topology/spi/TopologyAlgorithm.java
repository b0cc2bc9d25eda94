package io.omnicast.proxy.topology.spi;

/**
 * A topology plugin: a factory of per-channel {@link ChannelTopology} instances, registered for
 * {@link java.util.ServiceLoader} and selected by {@link #id()} ({@code --topology ID}).
 *
 * <p>Implementations need a public no-argument constructor. Ids must be unique across the classpath and the
 * plugin directory; the proxy refuses to start when two plugins share one.
 */
public interface TopologyAlgorithm {
    /** The id users select the plugin by, e.g. {@code hop-count}: lower-case letters, digits and dashes. */
    String id();

    /** The plugin's version, logged at start-up. */
    default String version() {
        String version = getClass().getPackage() == null ? null : getClass().getPackage().getImplementationVersion();
        return version == null ? "unversioned" : version;
    }

    /** One line saying what the plugin optimises, shown in logs and the HTTP API. */
    default String description() {
        return "";
    }

    /**
     * Creates the decision function for one channel. Called on the channel's owning thread when the channel
     * appears; every later call on the returned object comes from that same thread.
     */
    ChannelTopology forChannel(ChannelSetup setup);
}
