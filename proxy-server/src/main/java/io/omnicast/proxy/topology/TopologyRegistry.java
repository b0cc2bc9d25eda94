package io.omnicast.proxy.topology;

import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds topology plugins with {@link ServiceLoader}: on the classpath, and in the jars of a plugin directory
 * through an explicit child-first {@link PluginClassLoader}. Logs each plugin's id, version and jar; rejects duplicate ids.
 */
public final class TopologyRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(TopologyRegistry.class);
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9\\-]{0,63}");

    /** A plugin found, with where it came from. */
    public record PluginInfo(String id, String version, String description, String source,
            TopologyAlgorithm algorithm) {
    }

    private final Map<String, PluginInfo> plugins;

    private TopologyRegistry(Map<String, PluginInfo> plugins) {
        this.plugins = Collections.unmodifiableMap(plugins);
    }

    /** Plugins on the classpath of {@code parent} plus, when {@code pluginDir} is not null, its jars. */
    public static TopologyRegistry load(ClassLoader parent, Path pluginDir) {
        ClassLoader loader = parent;
        if (pluginDir != null) {
            loader = new PluginClassLoader(jarUrls(pluginDir), parent);
        }
        Map<String, PluginInfo> found = new LinkedHashMap<>();
        try {
            for (TopologyAlgorithm algorithm : ServiceLoader.load(TopologyAlgorithm.class, loader)) {
                String id = algorithm.id();
                String source = sourceOf(algorithm.getClass());
                if (id == null || !ID.matcher(id).matches()) {
                    throw new IllegalStateException("topology plugin " + algorithm.getClass().getName() + " from "
                            + source + " has an invalid id '" + id + "' (lower-case letters, digits and dashes, "
                            + "at most 64 characters)");
                }
                PluginInfo previous = found.get(id);
                if (previous != null) {
                    throw new IllegalStateException("duplicate topology plugin id '" + id + "': "
                            + previous.algorithm().getClass().getName() + " from " + previous.source() + " and "
                            + algorithm.getClass().getName() + " from " + source
                            + "; remove one of the jars or change its id");
                }
                PluginInfo info = new PluginInfo(id, algorithm.version(), algorithm.description(), source, algorithm);
                found.put(id, info);
                LOG.info("topology plugin '{}' version {} from {}", id, info.version(), source);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load topology plugins"
                    + (pluginDir == null ? "" : " (plugin directory " + pluginDir + ")") + ": " + e.getMessage(), e);
        }
        return new TopologyRegistry(found);
    }

    private static URL[] jarUrls(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("plugin directory " + dir + " does not exist or is not a directory");
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("bad plugin jar path in " + dir + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugin directory " + dir, e);
        }
        LOG.info("plugin directory {}: {} jar(s)", dir, urls.size());
        return urls.toArray(URL[]::new);
    }

    private static String sourceOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? "(unknown)" : source.getLocation().toString();
    }

    public Map<String, PluginInfo> plugins() {
        return plugins;
    }

    /** The plugin with {@code id}, or a clear failure listing the ids there are. */
    public TopologyAlgorithm require(String id) {
        PluginInfo info = plugins.get(id);
        if (info == null) {
            throw new IllegalArgumentException("no topology plugin with id '" + id + "' (available: "
                    + plugins.keySet() + ")");
        }
        return info.algorithm();
    }
}
