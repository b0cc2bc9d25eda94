package io.omnicast.proxy.topology;

import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Builds plugin jars in tests from compiled classes plus a {@code META-INF/services} entry. */
public final class PluginJars {
    private PluginJars() {
    }

    /** Writes a jar holding {@code provider} (and its nested classes) registered as a topology plugin. */
    public static Path write(Path jar, Class<? extends TopologyAlgorithm> provider, Class<?>... extraClasses)
            throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new JarEntry("META-INF/services/" + TopologyAlgorithm.class.getName()));
            out.write((provider.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            addClass(out, provider);
            for (Class<?> nested : provider.getDeclaredClasses()) {
                addClass(out, nested);
            }
            for (Class<?> extra : extraClasses) {
                addClass(out, extra);
            }
        }
        return jar;
    }

    private static void addClass(JarOutputStream out, Class<?> type) throws IOException {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("class file " + resource + " not found");
            }
            out.putNextEntry(new JarEntry(resource));
            in.transferTo(out);
            out.closeEntry();
        }
    }
}
