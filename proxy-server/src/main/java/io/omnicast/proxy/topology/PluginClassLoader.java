package io.omnicast.proxy.topology;

import java.net.URL;
import java.net.URLClassLoader;

/**
 * Loads plugin jars child-first: a class in a plugin jar is defined from that jar even when the proxy's own
 * classpath has a class of the same name, so a plugin bundles its own helpers and versions. The SPI, the JDK
 * and logging always come from the parent so that plugin and proxy agree on them.
 */
final class PluginClassLoader extends URLClassLoader {
    private static final String[] PARENT_FIRST = {
        "java.", "javax.", "jdk.", "sun.", "io.omnicast.proxy.topology.spi.", "org.slf4j.",
    };

    static {
        registerAsParallelCapable();
    }

    PluginClassLoader(URL[] jars, ClassLoader parent) {
        super("topology-plugins", jars, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        for (String prefix : PARENT_FIRST) {
            if (name.startsWith(prefix)) {
                return super.loadClass(name, resolve);
            }
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> type = findLoadedClass(name);
            if (type == null) {
                try {
                    type = findClass(name);
                } catch (ClassNotFoundException notInJars) {
                    return super.loadClass(name, resolve);
                }
            }
            if (resolve) {
                resolveClass(type);
            }
            return type;
        }
    }
}
