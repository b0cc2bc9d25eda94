package io.omnicast.proxy.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The proxy's configuration, immutable, built by {@link Builder} and validated in {@link Builder#build()}. Every
 * key and its default is in {@code proxy-defaults.properties}; {@link #fromProperties} reads that shape.
 */
public final class ProxyConfig {
    /** The classpath resource holding the defaults, next to this package's parent. */
    public static final String DEFAULTS_RESOURCE = "/io/omnicast/proxy/proxy-defaults.properties";

    private final int uscpPort;
    private final int httpPort;
    private final String bindAddress;
    private final Path dbPath;
    private final String topology;
    private final Path pluginDir;
    private final long topologySeed;
    private final int placementBackups;
    private final Duration beatInterval;
    private final int beatMissedLimit;
    private final Duration ticketLifetime;
    private final Duration probeTimeout;
    private final int pbkdf2Iterations;
    private final int passwordMinLength;
    private final Duration credentialCacheTtl;
    private final int loginFailureLimit;
    private final Duration loginFailureWindow;
    private final Duration loginLockoutMax;
    private final String minClientVersion;
    private final int channelThreads;
    private final int authThreads;
    private final int warmupRounds;

    private ProxyConfig(Builder b) {
        uscpPort = b.uscpPort;
        httpPort = b.httpPort;
        bindAddress = b.bindAddress;
        dbPath = b.dbPath;
        topology = b.topology;
        pluginDir = b.pluginDir;
        topologySeed = b.topologySeed;
        placementBackups = b.placementBackups;
        beatInterval = b.beatInterval;
        beatMissedLimit = b.beatMissedLimit;
        ticketLifetime = b.ticketLifetime;
        probeTimeout = b.probeTimeout;
        pbkdf2Iterations = b.pbkdf2Iterations;
        passwordMinLength = b.passwordMinLength;
        credentialCacheTtl = b.credentialCacheTtl;
        loginFailureLimit = b.loginFailureLimit;
        loginFailureWindow = b.loginFailureWindow;
        loginLockoutMax = b.loginLockoutMax;
        minClientVersion = b.minClientVersion;
        channelThreads = b.channelThreads;
        authThreads = b.authThreads;
        warmupRounds = b.warmupRounds;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The built-in defaults (the defaults file). */
    public static Properties defaults() {
        Properties properties = new Properties();
        try (InputStream in = ProxyConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULTS_RESOURCE, e);
        }
        return properties;
    }

    /** A builder preset from {@code properties} layered over the defaults; unknown keys are refused. */
    public static Builder fromProperties(Properties properties) {
        Properties all = defaults();
        for (String key : properties.stringPropertyNames()) {
            if (!all.containsKey(key)) {
                throw new IllegalArgumentException("unknown configuration key '" + key + "' (known keys: "
                        + new java.util.TreeSet<>(all.stringPropertyNames()) + ")");
            }
            all.setProperty(key, properties.getProperty(key));
        }
        Builder b = new Builder();
        b.uscpPort(intKey(all, "uscp.port"));
        b.httpPort(intKey(all, "http.port"));
        b.bindAddress(all.getProperty("bind.address").trim());
        b.dbPath(Path.of(all.getProperty("db.path").trim()));
        b.topology(all.getProperty("topology").trim());
        String pluginDir = all.getProperty("plugin.dir").trim();
        b.pluginDir(pluginDir.isEmpty() ? null : Path.of(pluginDir));
        b.topologySeed(longKey(all, "topology.seed"));
        b.placementBackups(intKey(all, "placement.backups"));
        b.beatInterval(Duration.ofMillis(longKey(all, "beat.interval.ms")));
        b.beatMissedLimit(intKey(all, "beat.missed.limit"));
        b.ticketLifetime(Duration.ofSeconds(longKey(all, "ticket.lifetime.seconds")));
        b.probeTimeout(Duration.ofMillis(longKey(all, "probe.timeout.ms")));
        b.pbkdf2Iterations(intKey(all, "password.pbkdf2.iterations"));
        b.passwordMinLength(intKey(all, "password.min.length"));
        b.credentialCacheTtl(Duration.ofSeconds(longKey(all, "auth.cache.ttl.seconds")));
        b.loginFailureLimit(intKey(all, "auth.failures.limit"));
        b.loginFailureWindow(Duration.ofSeconds(longKey(all, "auth.failures.window.seconds")));
        b.loginLockoutMax(Duration.ofSeconds(longKey(all, "auth.lockout.max.seconds")));
        b.minClientVersion(all.getProperty("client.min.version").trim());
        b.channelThreads(intKey(all, "channel.threads"));
        b.authThreads(intKey(all, "auth.threads"));
        b.warmupRounds(intKey(all, "warmup.rounds"));
        return b;
    }

    private static int intKey(Properties p, String key) {
        return Math.toIntExact(longKey(p, key));
    }

    private static long longKey(Properties p, String key) {
        String value = p.getProperty(key).trim();
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number (was '" + value + "')", e);
        }
    }

    public int uscpPort() {
        return uscpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public String bindAddress() {
        return bindAddress;
    }

    public Path dbPath() {
        return dbPath;
    }

    public String topology() {
        return topology;
    }

    /** Directory of extra plugin jars, or null for the classpath only. */
    public Path pluginDir() {
        return pluginDir;
    }

    public long topologySeed() {
        return topologySeed;
    }

    public int placementBackups() {
        return placementBackups;
    }

    public Duration beatInterval() {
        return beatInterval;
    }

    public int beatMissedLimit() {
        return beatMissedLimit;
    }

    /** How long without a beat before a session is treated as gone. */
    public Duration livenessTimeout() {
        return beatInterval.multipliedBy(beatMissedLimit);
    }

    public Duration ticketLifetime() {
        return ticketLifetime;
    }

    public Duration probeTimeout() {
        return probeTimeout;
    }

    public int pbkdf2Iterations() {
        return pbkdf2Iterations;
    }

    public int passwordMinLength() {
        return passwordMinLength;
    }

    public Duration credentialCacheTtl() {
        return credentialCacheTtl;
    }

    public int loginFailureLimit() {
        return loginFailureLimit;
    }

    public Duration loginFailureWindow() {
        return loginFailureWindow;
    }

    public Duration loginLockoutMax() {
        return loginLockoutMax;
    }

    public String minClientVersion() {
        return minClientVersion;
    }

    public int channelThreads() {
        return channelThreads;
    }

    public int authThreads() {
        return authThreads;
    }

    /** Rounds of traffic the proxy command runs against a private proxy before it serves (0: no warm-up). */
    public int warmupRounds() {
        return warmupRounds;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.uscpPort = uscpPort;
        b.httpPort = httpPort;
        b.bindAddress = bindAddress;
        b.dbPath = dbPath;
        b.topology = topology;
        b.pluginDir = pluginDir;
        b.topologySeed = topologySeed;
        b.placementBackups = placementBackups;
        b.beatInterval = beatInterval;
        b.beatMissedLimit = beatMissedLimit;
        b.ticketLifetime = ticketLifetime;
        b.probeTimeout = probeTimeout;
        b.pbkdf2Iterations = pbkdf2Iterations;
        b.passwordMinLength = passwordMinLength;
        b.credentialCacheTtl = credentialCacheTtl;
        b.loginFailureLimit = loginFailureLimit;
        b.loginFailureWindow = loginFailureWindow;
        b.loginLockoutMax = loginLockoutMax;
        b.minClientVersion = minClientVersion;
        b.channelThreads = channelThreads;
        b.authThreads = authThreads;
        b.warmupRounds = warmupRounds;
        return b;
    }

    /** Collects settings; {@link #build()} checks every one and names the field, value, limit and unit. */
    public static final class Builder {
        private int uscpPort = 7070;
        private int httpPort = 8080;
        private String bindAddress = "0.0.0.0";
        private Path dbPath = Path.of("./data/proxy");
        private String topology = "hop-count";
        private Path pluginDir;
        private long topologySeed = 1;
        private int placementBackups = 2;
        private Duration beatInterval = Duration.ofSeconds(1);
        private int beatMissedLimit = 3;
        private Duration ticketLifetime = Duration.ofMinutes(5);
        private Duration probeTimeout = Duration.ofMillis(500);
        private int pbkdf2Iterations = 210_000;
        private int passwordMinLength = 10;
        private Duration credentialCacheTtl = Duration.ofMinutes(10);
        private int loginFailureLimit = 5;
        private Duration loginFailureWindow = Duration.ofMinutes(1);
        private Duration loginLockoutMax = Duration.ofMinutes(1);
        private String minClientVersion = "0.1.0";
        private int channelThreads = 2;
        private int authThreads = 2;
        private int warmupRounds = 0;

        private Builder() {
        }

        public Builder uscpPort(int v) {
            uscpPort = v;
            return this;
        }

        public Builder httpPort(int v) {
            httpPort = v;
            return this;
        }

        public Builder bindAddress(String v) {
            bindAddress = v;
            return this;
        }

        public Builder dbPath(Path v) {
            dbPath = v;
            return this;
        }

        public Builder topology(String v) {
            topology = v;
            return this;
        }

        public Builder pluginDir(Path v) {
            pluginDir = v;
            return this;
        }

        public Builder topologySeed(long v) {
            topologySeed = v;
            return this;
        }

        public Builder placementBackups(int v) {
            placementBackups = v;
            return this;
        }

        public Builder beatInterval(Duration v) {
            beatInterval = v;
            return this;
        }

        public Builder beatMissedLimit(int v) {
            beatMissedLimit = v;
            return this;
        }

        public Builder ticketLifetime(Duration v) {
            ticketLifetime = v;
            return this;
        }

        public Builder probeTimeout(Duration v) {
            probeTimeout = v;
            return this;
        }

        public Builder pbkdf2Iterations(int v) {
            pbkdf2Iterations = v;
            return this;
        }

        public Builder passwordMinLength(int v) {
            passwordMinLength = v;
            return this;
        }

        public Builder credentialCacheTtl(Duration v) {
            credentialCacheTtl = v;
            return this;
        }

        public Builder loginFailureLimit(int v) {
            loginFailureLimit = v;
            return this;
        }

        public Builder loginFailureWindow(Duration v) {
            loginFailureWindow = v;
            return this;
        }

        public Builder loginLockoutMax(Duration v) {
            loginLockoutMax = v;
            return this;
        }

        public Builder minClientVersion(String v) {
            minClientVersion = v;
            return this;
        }

        public Builder channelThreads(int v) {
            channelThreads = v;
            return this;
        }

        public Builder authThreads(int v) {
            authThreads = v;
            return this;
        }

        public Builder warmupRounds(int v) {
            warmupRounds = v;
            return this;
        }

        public ProxyConfig build() {
            range("uscpPort", uscpPort, 0, 65535, "");
            range("httpPort", httpPort, 0, 65535, "");
            notBlank("bindAddress", bindAddress);
            if (dbPath == null) {
                throw new IllegalArgumentException("dbPath must be set");
            }
            notBlank("topology", topology);
            range("placementBackups", placementBackups, 0, 2, "");
            duration("beatInterval", beatInterval, Duration.ofMillis(100), Duration.ofSeconds(60));
            range("beatMissedLimit", beatMissedLimit, 1, 100, "");
            duration("ticketLifetime", ticketLifetime, Duration.ofSeconds(10), Duration.ofDays(1));
            duration("probeTimeout", probeTimeout, Duration.ofMillis(10), Duration.ofSeconds(10));
            range("pbkdf2Iterations", pbkdf2Iterations, 10_000, 10_000_000, " iterations");
            range("passwordMinLength", passwordMinLength, 8, 128, " characters");
            duration("credentialCacheTtl", credentialCacheTtl, Duration.ZERO, Duration.ofHours(24));
            range("loginFailureLimit", loginFailureLimit, 1, 1000, " failures");
            duration("loginFailureWindow", loginFailureWindow, Duration.ofSeconds(1), Duration.ofHours(24));
            duration("loginLockoutMax", loginLockoutMax, Duration.ofMillis(100), Duration.ofHours(24));
            if (minClientVersion == null || !minClientVersion.matches("[0-9]+(\\.[0-9]+){0,2}")) {
                throw new IllegalArgumentException("minClientVersion must look like 1, 1.2 or 1.2.3 (was '"
                        + minClientVersion + "')");
            }
            range("channelThreads", channelThreads, 1, 256, " threads");
            range("authThreads", authThreads, 1, 256, " threads");
            range("warmupRounds", warmupRounds, 0, 10_000, " rounds");
            return new ProxyConfig(this);
        }

        private static void range(String field, long value, long min, long max, String unit) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + unit
                        + " (was " + value + unit + ")");
            }
        }

        private static void duration(String field, Duration value, Duration min, Duration max) {
            if (value == null) {
                throw new IllegalArgumentException(field + " must be set");
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be between " + min.toMillis() + " ms and "
                        + max.toMillis() + " ms (was " + value.toMillis() + " ms)");
            }
        }

        private static void notBlank(String field, String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(field + " must not be empty (was '" + value + "')");
            }
        }
    }
}
