package io.omnicast.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Immutable streaming-server configuration. Every key is documented in {@code server-defaults.properties};
 * {@link #fromProperties} reads those keys, {@link Builder#build()} validates and names field, value, limit and unit.
 */
public final class ServerConfig {
    /** Channel names: the {@code <channel>} of {@code rtsp://host:port/live/<channel>}. */
    public static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final String DEFAULTS = "server-defaults.properties";

    private final InetAddress bindAddress;
    private final int rtspPort;
    private final int udpRtpPort;
    private final Optional<String> streamKey;
    private final Map<String, String> channelKeys;
    private final long bufferBytes;
    private final int bufferPackets;
    private final Duration bufferAge;
    private final Duration publisherTimeout;
    private final Duration sessionTimeout;
    private final Duration describeWait;
    private final int maxReadersPerChannel;
    private final int readerWriteBufferBytes;
    private final Duration slowReaderDropAfter;
    private final Duration rtcpInterval;
    private final Optional<InetSocketAddress> proxy;
    private final String originUser;
    private final String originPassword;
    private final Optional<String> advertisedHost;
    private final int originMaxChildren;

    private ServerConfig(Builder b) {
        this.bindAddress = b.bindAddress;
        this.rtspPort = b.rtspPort;
        this.udpRtpPort = b.udpRtpPort;
        this.streamKey = b.streamKey == null || b.streamKey.isEmpty() ? Optional.empty() : Optional.of(b.streamKey);
        this.channelKeys = Map.copyOf(b.channelKeys);
        this.bufferBytes = b.bufferBytes;
        this.bufferPackets = b.bufferPackets;
        this.bufferAge = b.bufferAge;
        this.publisherTimeout = b.publisherTimeout;
        this.sessionTimeout = b.sessionTimeout;
        this.describeWait = b.describeWait;
        this.maxReadersPerChannel = b.maxReadersPerChannel;
        this.readerWriteBufferBytes = b.readerWriteBufferBytes;
        this.slowReaderDropAfter = b.slowReaderDropAfter;
        this.rtcpInterval = b.rtcpInterval;
        this.proxy = Optional.ofNullable(b.proxy);
        this.originUser = b.originUser;
        this.originPassword = b.originPassword;
        this.advertisedHost = b.advertisedHost.isEmpty() ? Optional.empty() : Optional.of(b.advertisedHost);
        this.originMaxChildren = b.originMaxChildren;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults file's values. */
    public static Builder defaults() {
        Properties p = new Properties();
        try (InputStream in = ServerConfig.class.getResourceAsStream(DEFAULTS)) {
            p.load(Objects.requireNonNull(in, DEFAULTS + " missing from the classpath"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULTS, e);
        }
        return fromProperties(p, builder());
    }

    /** The defaults overridden by the keys of {@code file}. */
    public static Builder fromFile(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return fromProperties(p, defaults());
    }

    /** Applies the keys present in {@code p} to {@code b}; unknown keys fail so typos do not pass silently. */
    public static Builder fromProperties(Properties p, Builder b) {
        for (String key : p.stringPropertyNames()) {
            String v = p.getProperty(key).trim();
            switch (key) {
                case "rtsp.port" -> b.rtspPort(intValue(key, v));
                case "udp.rtp.port" -> b.udpRtpPort(intValue(key, v));
                case "bind.address" -> b.bindAddress(v);
                case "stream.key" -> b.streamKey(v);
                case "buffer.bytes" -> b.bufferBytes(intValue(key, v));
                case "buffer.packets" -> b.bufferPackets(intValue(key, v));
                case "buffer.ms" -> b.bufferAge(Duration.ofMillis(intValue(key, v)));
                case "publisher.timeout.ms" -> b.publisherTimeout(Duration.ofMillis(intValue(key, v)));
                case "session.timeout.seconds" -> b.sessionTimeout(Duration.ofSeconds(intValue(key, v)));
                case "describe.wait.ms" -> b.describeWait(Duration.ofMillis(intValue(key, v)));
                case "channel.max.readers" -> b.maxReadersPerChannel(intValue(key, v));
                case "reader.write.buffer.bytes" -> b.readerWriteBufferBytes(intValue(key, v));
                case "reader.slow.drop.ms" -> b.slowReaderDropAfter(Duration.ofMillis(intValue(key, v)));
                case "rtcp.interval.ms" -> b.rtcpInterval(Duration.ofMillis(intValue(key, v)));
                case "proxy.address" -> b.proxy(v);
                case "origin.user" -> b.originUser(v);
                case "origin.password" -> b.originPassword(v);
                case "origin.advertised.host" -> b.advertisedHost(v);
                case "origin.max.children" -> b.originMaxChildren(intValue(key, v));
                default -> {
                    if (key.startsWith("channel.") && key.endsWith(".key")) {
                        b.channelKey(key.substring("channel.".length(), key.length() - ".key".length()), v);
                    } else {
                        throw new IllegalArgumentException("unknown configuration key '" + key + "'");
                    }
                }
            }
        }
        return b;
    }

    private static int intValue(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number (was '" + v + "')", e);
        }
    }

    public InetAddress bindAddress() {
        return bindAddress;
    }

    public int rtspPort() {
        return rtspPort;
    }

    /** The shared UDP RTP port (even); RTCP is the next port. 0 picks a free pair. */
    public int udpRtpPort() {
        return udpRtpPort;
    }

    /** The key for publishing on {@code channel}: its own key, else the server-wide key; empty means open. */
    public Optional<String> publishKey(String channel) {
        String own = channelKeys.get(channel);
        return own != null ? Optional.of(own) : streamKey;
    }

    public Optional<String> streamKey() {
        return streamKey;
    }

    public Map<String, String> channelKeys() {
        return channelKeys;
    }

    /** Bytes of packet data each track's ring buffer holds at most. */
    public long bufferBytes() {
        return bufferBytes;
    }

    public int bufferPackets() {
        return bufferPackets;
    }

    /** Longest a packet stays in a ring buffer (besides the byte and packet limits). */
    public Duration bufferAge() {
        return bufferAge;
    }

    public Duration publisherTimeout() {
        return publisherTimeout;
    }

    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    /** How long a DESCRIBE for a channel that is not live yet waits for its publisher (zero: 404 at once). */
    public Duration describeWait() {
        return describeWait;
    }

    public int maxReadersPerChannel() {
        return maxReadersPerChannel;
    }

    public int readerWriteBufferBytes() {
        return readerWriteBufferBytes;
    }

    public Duration slowReaderDropAfter() {
        return slowReaderDropAfter;
    }

    public Duration rtcpInterval() {
        return rtcpInterval;
    }

    /** The proxy this server registers its channels with as their origin; empty: not registered, readers open. */
    public Optional<InetSocketAddress> proxy() {
        return proxy;
    }

    /** The proxy account (role origin) this server logs in with. */
    public String originUser() {
        return originUser;
    }

    public String originPassword() {
        return originPassword;
    }

    /**
     * The host peers reach the RTSP port at, as the proxy hands it out: the configured one, else the bind address,
     * else (bound to the wildcard) the loopback address, which only suits a single machine.
     */
    public String advertisedHost() {
        if (advertisedHost.isPresent()) {
            return advertisedHost.get();
        }
        return bindAddress.isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress()
                : bindAddress.getHostAddress();
    }

    /** Hop-1 peers this origin takes per channel. */
    public int originMaxChildren() {
        return originMaxChildren;
    }

    /** Builder with the defaults file's values; {@link #build()} validates every field. */
    public static final class Builder {
        private InetAddress bindAddress;
        private int rtspPort = 8554;
        private int udpRtpPort = 8000;
        private String streamKey = "";
        private final Map<String, String> channelKeys = new HashMap<>();
        private long bufferBytes = 8L << 20;
        private int bufferPackets = 8192;
        private Duration bufferAge = Duration.ofSeconds(30);
        private Duration publisherTimeout = Duration.ofSeconds(5);
        private Duration sessionTimeout = Duration.ofSeconds(60);
        private Duration describeWait = Duration.ZERO;
        private int maxReadersPerChannel = 1000;
        private int readerWriteBufferBytes = 1 << 20;
        private Duration slowReaderDropAfter = Duration.ofSeconds(5);
        private Duration rtcpInterval = Duration.ofSeconds(2);
        private InetSocketAddress proxy;
        private String originUser = "origin";
        private String originPassword = "";
        private String advertisedHost = "";
        private int originMaxChildren = 8;

        private Builder() {
            try {
                bindAddress = InetAddress.getByName("0.0.0.0");
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        public Builder bindAddress(String address) {
            try {
                this.bindAddress = InetAddress.getByName(address);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bind.address is not an address (was '" + address + "')", e);
            }
            return this;
        }

        public Builder rtspPort(int port) {
            this.rtspPort = port;
            return this;
        }

        public Builder udpRtpPort(int port) {
            this.udpRtpPort = port;
            return this;
        }

        public Builder streamKey(String key) {
            this.streamKey = key == null ? "" : key;
            return this;
        }

        public Builder channelKey(String channel, String key) {
            this.channelKeys.put(channel, key);
            return this;
        }

        public Builder bufferBytes(long bytes) {
            this.bufferBytes = bytes;
            return this;
        }

        public Builder bufferPackets(int packets) {
            this.bufferPackets = packets;
            return this;
        }

        public Builder bufferAge(Duration age) {
            this.bufferAge = age;
            return this;
        }

        public Builder publisherTimeout(Duration d) {
            this.publisherTimeout = d;
            return this;
        }

        public Builder describeWait(Duration d) {
            if (d.isNegative() || d.compareTo(Duration.ofSeconds(30)) > 0) {
                throw new IllegalArgumentException("describe wait must be 0 to 30 s (was " + d + ")");
            }
            describeWait = d;
            return this;
        }

        public Builder sessionTimeout(Duration d) {
            this.sessionTimeout = d;
            return this;
        }

        public Builder maxReadersPerChannel(int n) {
            this.maxReadersPerChannel = n;
            return this;
        }

        public Builder readerWriteBufferBytes(int bytes) {
            this.readerWriteBufferBytes = bytes;
            return this;
        }

        public Builder slowReaderDropAfter(Duration d) {
            this.slowReaderDropAfter = d;
            return this;
        }

        public Builder rtcpInterval(Duration d) {
            this.rtcpInterval = d;
            return this;
        }

        /** {@code HOST:PORT} of the proxy's USCP port; empty or null: do not register. */
        public Builder proxy(String hostPort) {
            if (hostPort == null || hostPort.isBlank()) {
                this.proxy = null;
                return this;
            }
            int colon = hostPort.lastIndexOf(':');
            int port = -1;
            if (colon > 0) {
                try {
                    port = Integer.parseInt(hostPort.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("proxy.address must be HOST:PORT with a port between 1 and 65535 "
                        + "(was '" + hostPort + "')");
            }
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            this.proxy = InetSocketAddress.createUnresolved(host, port);
            return this;
        }

        public Builder originUser(String user) {
            this.originUser = user == null ? "" : user;
            return this;
        }

        public Builder originPassword(String password) {
            this.originPassword = password == null ? "" : password;
            return this;
        }

        /** The host in the RTSP URL the proxy gives peers; empty: derived from the bind address. */
        public Builder advertisedHost(String host) {
            this.advertisedHost = host == null ? "" : host.trim();
            return this;
        }

        public Builder originMaxChildren(int n) {
            this.originMaxChildren = n;
            return this;
        }

        public ServerConfig build() {
            range("rtspPort", rtspPort, 0, 65535, "");
            range("udpRtpPort", udpRtpPort, 0, 65534, "");
            if (udpRtpPort % 2 != 0) {
                throw new IllegalArgumentException("udpRtpPort must be even, RTCP uses the next port (was "
                        + udpRtpPort + ")");
            }
            if (rtspPort != 0 && (rtspPort == udpRtpPort || rtspPort == udpRtpPort + 1)) {
                throw new IllegalArgumentException("rtspPort must differ from the UDP ports " + udpRtpPort + "-"
                        + (udpRtpPort + 1) + " (was " + rtspPort + ")");
            }
            if (bufferBytes < 64 * 1024 || bufferBytes > 1L << 30) {
                throw new IllegalArgumentException("bufferBytes must be between 65536 and 1073741824 bytes (was "
                        + bufferBytes + ")");
            }
            range("bufferPackets", bufferPackets, 256, 1 << 20, " packets");
            if (Integer.bitCount(bufferPackets) != 1) {
                throw new IllegalArgumentException("bufferPackets must be a power of two (was " + bufferPackets + ")");
            }
            duration("bufferAge", bufferAge, Duration.ofSeconds(1), Duration.ofMinutes(10));
            duration("publisherTimeout", publisherTimeout, Duration.ofMillis(100), Duration.ofMinutes(10));
            duration("sessionTimeout", sessionTimeout, Duration.ofSeconds(1), Duration.ofHours(24));
            range("maxReadersPerChannel", maxReadersPerChannel, 1, 100_000, " readers");
            range("readerWriteBufferBytes", readerWriteBufferBytes, 16 * 1024, 64 << 20, " bytes");
            duration("slowReaderDropAfter", slowReaderDropAfter, Duration.ofMillis(100), Duration.ofMinutes(10));
            duration("rtcpInterval", rtcpInterval, Duration.ofMillis(100), Duration.ofMinutes(1));
            range("originMaxChildren", originMaxChildren, 0, 10_000, " peers");
            if (proxy != null && originUser.isEmpty()) {
                throw new IllegalArgumentException("originUser must be set when proxy is set (was empty)");
            }
            if (proxy != null && originPassword.isEmpty()) {
                throw new IllegalArgumentException("originPassword must be set when proxy is set (was empty)");
            }
            for (Map.Entry<String, String> e : channelKeys.entrySet()) {
                if (!CHANNEL_NAME.matcher(e.getKey()).matches()) {
                    throw new IllegalArgumentException("channel name in channel." + e.getKey()
                            + ".key must match " + CHANNEL_NAME.pattern());
                }
                if (e.getValue().isEmpty()) {
                    throw new IllegalArgumentException("channel." + e.getKey() + ".key must not be empty");
                }
            }
            return new ServerConfig(this);
        }

        private static void range(String field, int value, int min, int max, String unit) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + unit
                        + " (was " + value + ")");
            }
        }

        private static void duration(String field, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, field);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be between " + min.toMillis() + " and "
                        + max.toMillis() + " ms (was " + value.toMillis() + " ms)");
            }
        }
    }
}
