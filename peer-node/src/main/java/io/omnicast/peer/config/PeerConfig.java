package io.omnicast.peer.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything a peer is configured with. Immutable; made by {@link Builder}, which starts from
 * {@code peer-defaults.properties} (the reference of every key) and validates in {@link Builder#build()}.
 */
public final class PeerConfig {
    /** Resource (next to this package's parent) listing every key with its default. */
    public static final String DEFAULTS_RESOURCE = "/io/omnicast/peer/peer-defaults.properties";
    public static final int MAX_CHILDREN_LIMIT = 1024;
    public static final long MAX_UPLINK_KBPS = 100_000_000L;
    public static final Duration MIN_PLAYOUT_DELAY = Duration.ofMillis(50);
    public static final Duration MAX_PLAYOUT_DELAY = Duration.ofSeconds(10);

    private final String proxyHost;
    private final int proxyPort;
    private final String user;
    private final String password;
    private final String channel;
    private final boolean subscribe;
    private final InetAddress bindAddress;
    private final int relayPort;
    private final OptionalInt maxChildren;
    private final OptionalLong uplinkKbps;
    private final boolean capacityFollowsLoad;
    private final PlayerMode playerMode;
    private final int statsPort;
    private final TransportMode transport;
    private final Duration playoutDelay;
    private final Duration ringBufferDuration;
    private final Duration udpFallbackTimeout;
    private final int rtpTimeoutFrames;
    private final Duration reconnectMinBackoff;
    private final Duration reconnectMaxBackoff;
    private final Duration beatInterval;

    private PeerConfig(Builder b) {
        proxyHost = b.proxyHost;
        proxyPort = b.proxyPort;
        user = b.user;
        password = b.password;
        channel = b.channel;
        subscribe = b.subscribe;
        bindAddress = b.resolvedBind;
        relayPort = b.relayPort;
        maxChildren = b.maxChildren < 0 ? OptionalInt.empty() : OptionalInt.of(b.maxChildren);
        uplinkKbps = b.uplinkKbps <= 0 ? OptionalLong.empty() : OptionalLong.of(b.uplinkKbps);
        capacityFollowsLoad = b.capacityFollowsLoad;
        playerMode = b.playerMode;
        statsPort = b.statsPort;
        transport = b.transport;
        playoutDelay = b.playoutDelay;
        ringBufferDuration = b.ringBufferDuration;
        udpFallbackTimeout = b.udpFallbackTimeout;
        rtpTimeoutFrames = b.rtpTimeoutFrames;
        reconnectMinBackoff = b.reconnectMinBackoff;
        reconnectMaxBackoff = b.reconnectMaxBackoff;
        beatInterval = b.beatInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String proxyHost() {
        return proxyHost;
    }

    public int proxyPort() {
        return proxyPort;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String channel() {
        return channel;
    }

    /** Create the account with Subscription instead of logging in. */
    public boolean subscribe() {
        return subscribe;
    }

    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** 0 = pick a free port. */
    public int relayPort() {
        return relayPort;
    }

    /** A fixed child limit, or empty to let the performance calculator decide. */
    public OptionalInt maxChildren() {
        return maxChildren;
    }

    /** Configured upload capacity, or empty to measure it. */
    public OptionalLong uplinkKbps() {
        return uplinkKbps;
    }

    /** Whether the capacity reported to the proxy drops while the machine is loaded. */
    public boolean capacityFollowsLoad() {
        return capacityFollowsLoad;
    }

    public PlayerMode playerMode() {
        return playerMode;
    }

    /** 0 = no stats endpoint. */
    public int statsPort() {
        return statsPort;
    }

    public TransportMode transport() {
        return transport;
    }

    public Duration playoutDelay() {
        return playoutDelay;
    }

    public Duration ringBufferDuration() {
        return ringBufferDuration;
    }

    public Duration udpFallbackTimeout() {
        return udpFallbackTimeout;
    }

    public int rtpTimeoutFrames() {
        return rtpTimeoutFrames;
    }

    public Duration reconnectMinBackoff() {
        return reconnectMinBackoff;
    }

    public Duration reconnectMaxBackoff() {
        return reconnectMaxBackoff;
    }

    /** Beat interval used until the proxy's Session says otherwise. */
    public Duration beatInterval() {
        return beatInterval;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.proxyHost = proxyHost;
        b.proxyPort = proxyPort;
        b.user = user;
        b.password = password;
        b.channel = channel;
        b.subscribe = subscribe;
        b.bind = bindAddress.getHostAddress();
        b.relayPort = relayPort;
        b.maxChildren = maxChildren.orElse(-1);
        b.uplinkKbps = uplinkKbps.orElse(0);
        b.capacityFollowsLoad = capacityFollowsLoad;
        b.playerMode = playerMode;
        b.statsPort = statsPort;
        b.transport = transport;
        b.playoutDelay = playoutDelay;
        b.ringBufferDuration = ringBufferDuration;
        b.udpFallbackTimeout = udpFallbackTimeout;
        b.rtpTimeoutFrames = rtpTimeoutFrames;
        b.reconnectMinBackoff = reconnectMinBackoff;
        b.reconnectMaxBackoff = reconnectMaxBackoff;
        b.beatInterval = beatInterval;
        return b;
    }

    @Override
    public String toString() {
        return "PeerConfig[proxy=" + proxyHost + ":" + proxyPort + ", user=" + user + ", channel=" + channel
                + ", bind=" + bindAddress.getHostAddress() + ", relayPort=" + relayPort + ", maxChildren="
                + maxChildren + ", uplinkKbps=" + uplinkKbps + ", player=" + playerMode + ", transport=" + transport
                + ", playoutDelay=" + playoutDelay.toMillis() + "ms]";
    }

    /** What the player does with decoded pictures. */
    public enum PlayerMode {
        /** Decode and count, show nothing. */
        HEADLESS,
        /** Decode and show in a Swing window. */
        WINDOW,
        /** Do not decode: count frames from RTP timestamps and markers (scale tests). */
        COUNT_ONLY
    }

    /** Builder seeded with the defaults file; {@link #build()} validates every field. */
    public static final class Builder {
        private static final Pattern HOST_PORT = Pattern.compile("^\\[?([^\\]]+?)\\]?:(\\d{1,5})$");
        private static final Pattern RATE = Pattern.compile("^(\\d+(?:\\.\\d+)?)\\s*(k|m|g)?(bit|bps|b)?(/s)?$");

        private String proxyHost;
        private int proxyPort;
        private String user;
        private String password;
        private String channel;
        private boolean subscribe;
        private String bind;
        private InetAddress resolvedBind;
        private int relayPort;
        private int maxChildren;
        private long uplinkKbps;
        private boolean capacityFollowsLoad;
        private PlayerMode playerMode;
        private int statsPort;
        private TransportMode transport;
        private Duration playoutDelay;
        private Duration ringBufferDuration;
        private Duration udpFallbackTimeout;
        private int rtpTimeoutFrames;
        private Duration reconnectMinBackoff;
        private Duration reconnectMaxBackoff;
        private Duration beatInterval;

        private Builder() {
            Properties d = defaults();
            proxy(d.getProperty("proxy.address"));
            bind = d.getProperty("bind.address");
            relayPort = Integer.parseInt(d.getProperty("relay.port"));
            maxChildren = Integer.parseInt(d.getProperty("max.children"));
            uplinkKbps = Long.parseLong(d.getProperty("uplink.kbps"));
            capacityFollowsLoad = Boolean.parseBoolean(d.getProperty("capacity.follows.load"));
            playoutDelay = Duration.ofMillis(Long.parseLong(d.getProperty("playout.delay.ms")));
            transport = TransportMode.valueOf(d.getProperty("transport").toUpperCase(Locale.ROOT));
            statsPort = Integer.parseInt(d.getProperty("stats.port"));
            playerMode = PlayerMode.valueOf(d.getProperty("player.mode").toUpperCase(Locale.ROOT).replace('-', '_'));
            ringBufferDuration = Duration.ofMillis(Long.parseLong(d.getProperty("ring.buffer.ms")));
            udpFallbackTimeout = Duration.ofMillis(Long.parseLong(d.getProperty("udp.fallback.ms")));
            rtpTimeoutFrames = Integer.parseInt(d.getProperty("rtp.timeout.frames"));
            reconnectMinBackoff = Duration.ofMillis(Long.parseLong(d.getProperty("proxy.reconnect.min.ms")));
            reconnectMaxBackoff = Duration.ofMillis(Long.parseLong(d.getProperty("proxy.reconnect.max.ms")));
            beatInterval = Duration.ofMillis(Long.parseLong(d.getProperty("beat.interval.ms")));
        }

        /** The defaults file as properties. */
        public static Properties defaults() {
            Properties properties = new Properties();
            try (InputStream in = PeerConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
                }
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + DEFAULTS_RESOURCE, e);
            }
            return properties;
        }

        /** {@code HOST:PORT} (IPv6 in brackets). */
        public Builder proxy(String hostPort) {
            Matcher m = HOST_PORT.matcher(Objects.requireNonNull(hostPort, "proxy").trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("proxy must be HOST:PORT (was '" + hostPort + "')");
            }
            proxyHost = m.group(1);
            proxyPort = Integer.parseInt(m.group(2));
            return this;
        }

        public Builder user(String value) {
            user = value;
            return this;
        }

        public Builder password(String value) {
            password = value;
            return this;
        }

        public Builder channel(String value) {
            channel = value;
            return this;
        }

        public Builder subscribe(boolean value) {
            subscribe = value;
            return this;
        }

        public Builder bind(String address) {
            bind = address;
            return this;
        }

        public Builder relayPort(int value) {
            relayPort = value;
            return this;
        }

        /** -1 lets the performance calculator decide. */
        public Builder maxChildren(int value) {
            maxChildren = value;
            return this;
        }

        public Builder uplinkKbps(long value) {
            uplinkKbps = value;
            return this;
        }

        /** A rate like {@code 20mbit}, {@code 500kbit}, {@code 1.5mbit} or a plain number of kbit/s. */
        public Builder uplink(String rate) {
            uplinkKbps = parseRateKbps(rate);
            return this;
        }

        public Builder capacityFollowsLoad(boolean value) {
            capacityFollowsLoad = value;
            return this;
        }

        public Builder playerMode(PlayerMode value) {
            playerMode = value;
            return this;
        }

        public Builder statsPort(int value) {
            statsPort = value;
            return this;
        }

        public Builder transport(TransportMode value) {
            transport = value;
            return this;
        }

        public Builder playoutDelay(Duration value) {
            playoutDelay = value;
            return this;
        }

        public Builder ringBufferDuration(Duration value) {
            ringBufferDuration = value;
            return this;
        }

        public Builder udpFallbackTimeout(Duration value) {
            udpFallbackTimeout = value;
            return this;
        }

        public Builder rtpTimeoutFrames(int value) {
            rtpTimeoutFrames = value;
            return this;
        }

        public Builder reconnectBackoff(Duration min, Duration max) {
            reconnectMinBackoff = min;
            reconnectMaxBackoff = max;
            return this;
        }

        public Builder beatInterval(Duration value) {
            beatInterval = value;
            return this;
        }

        /** Parses {@code 20mbit}, {@code 20Mbit/s}, {@code 800kbit}, {@code 1g}, or a bare number of kbit/s. */
        public static long parseRateKbps(String rate) {
            Matcher m = RATE.matcher(Objects.requireNonNull(rate, "uplink").trim().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException("uplink must be a rate like 20mbit, 800kbit or 1.5gbit (was '"
                        + rate + "')");
            }
            double value = Double.parseDouble(m.group(1));
            String prefix = m.group(2);
            double kbps = prefix == null ? value
                    : switch (prefix) {
                        case "k" -> value;
                        case "m" -> value * 1_000;
                        default -> value * 1_000_000;
                    };
            return Math.round(kbps);
        }

        public PeerConfig build() {
            require(proxyHost != null && !proxyHost.isBlank(), "proxy host must not be empty");
            requireRange("proxyPort", proxyPort, 1, 65535, "");
            require(user != null && user.matches("[A-Za-z0-9][A-Za-z0-9._\\-]{2,31}"),
                    "user must be 3 to 32 letters, digits, '.', '_' or '-' (was '" + user + "')");
            require(password != null && !password.isEmpty() && password.length() <= 128,
                    "password must be 1 to 128 characters");
            require(channel != null && channel.matches("[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}"),
                    "channel must be 1 to 64 letters, digits, '.', '_' or '-' (was '" + channel + "')");
            try {
                resolvedBind = InetAddress.getByName(Objects.requireNonNull(bind, "bind"));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bind must be a local address (was '" + bind + "')", e);
            }
            requireRange("relayPort", relayPort, 0, 65535, "");
            requireRange("maxChildren", maxChildren, -1, MAX_CHILDREN_LIMIT, " (-1 = decided by the calculator)");
            require(uplinkKbps >= 0 && uplinkKbps <= MAX_UPLINK_KBPS,
                    "uplinkKbps must be between 0 and " + MAX_UPLINK_KBPS + " kbit/s (was " + uplinkKbps + ")");
            requireRange("statsPort", statsPort, 0, 65535, "");
            Objects.requireNonNull(playerMode, "playerMode");
            Objects.requireNonNull(transport, "transport");
            requireDuration("playoutDelay", playoutDelay, MIN_PLAYOUT_DELAY, MAX_PLAYOUT_DELAY);
            requireDuration("ringBufferDuration", ringBufferDuration, Duration.ofSeconds(1), Duration.ofSeconds(60));
            require(ringBufferDuration.compareTo(playoutDelay) > 0, "ringBufferDuration must be longer than "
                    + "playoutDelay (" + ringBufferDuration.toMillis() + " ms <= " + playoutDelay.toMillis() + " ms)");
            requireDuration("udpFallbackTimeout", udpFallbackTimeout, Duration.ofMillis(100), Duration.ofSeconds(30));
            requireRange("rtpTimeoutFrames", rtpTimeoutFrames, 2, 300, " frame intervals");
            requireDuration("reconnectMinBackoff", reconnectMinBackoff, Duration.ofMillis(10), Duration.ofMinutes(1));
            requireDuration("reconnectMaxBackoff", reconnectMaxBackoff, reconnectMinBackoff, Duration.ofMinutes(10));
            requireDuration("beatInterval", beatInterval, Duration.ofMillis(100), Duration.ofMinutes(1));
            return new PeerConfig(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }

        private static void requireRange(String name, long value, long min, long max, String unit) {
            require(value >= min && value <= max,
                    name + " must be between " + min + " and " + max + unit + " (was " + value + ")");
        }

        private static void requireDuration(String name, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, name);
            require(value.compareTo(min) >= 0 && value.compareTo(max) <= 0, name + " must be between "
                    + min.toMillis() + " ms and " + max.toMillis() + " ms (was " + value.toMillis() + " ms)");
        }
    }

}
