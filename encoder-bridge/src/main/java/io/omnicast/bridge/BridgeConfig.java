package io.omnicast.bridge;

import io.omnicast.bridge.source.AudioInputSpec;
import io.omnicast.bridge.source.SourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bridge's configuration: immutable, built by {@link Builder}, validated in {@link Builder#build()} with
 * messages that name the field, the value and the limit. Defaults come from {@code bridge-defaults.properties},
 * which documents every key.
 */
public final class BridgeConfig {
    public static final String DEFAULTS_RESOURCE = "bridge-defaults.properties";
    public static final Set<String> PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
            "slow", "slower", "veryslow", "placebo");
    private static final Pattern CHANNEL = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public enum Transport { UDP, TCP }

    public enum StatusMode { AUTO, ON, OFF }

    private final SourceSpec input;
    private final String inputText;
    private final String publishUrl;
    private final String streamKey;
    private final boolean transcode;
    private final int bitrateKbps;
    private final int gopFrames;
    private final String preset;
    private final Transport transport;
    private final boolean loop;
    private final Duration openTimeout;
    private final Duration stallTimeout;
    private final Duration inputRetryMax;
    private final Duration publishRetryInitial;
    private final Duration publishRetryMax;
    private final Duration requestTimeout;
    private final StatusMode status;
    private final AudioInputSpec audioInput;

    private BridgeConfig(Builder b, SourceSpec input, AudioInputSpec audioInput) {
        this.audioInput = audioInput;
        this.input = input;
        this.inputText = b.input;
        this.publishUrl = b.publishUrl;
        this.streamKey = b.streamKey;
        this.transcode = b.transcode;
        this.bitrateKbps = b.bitrateKbps;
        this.gopFrames = b.gopFrames;
        this.preset = b.preset;
        this.transport = b.transport;
        this.loop = b.loop;
        this.openTimeout = b.openTimeout;
        this.stallTimeout = b.stallTimeout;
        this.inputRetryMax = b.inputRetryMax;
        this.publishRetryInitial = b.publishRetryInitial;
        this.publishRetryMax = b.publishRetryMax;
        this.requestTimeout = b.requestTimeout;
        this.status = b.status;
    }

    /** A builder holding the documented defaults. */
    public static Builder defaults() {
        Properties p = new Properties();
        try (InputStream in = BridgeConfig.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULTS_RESOURCE, e);
        }
        return fromProperties(p);
    }

    /** A builder from properties with the keys of {@code bridge-defaults.properties}; absent keys fail. */
    public static Builder fromProperties(Properties p) {
        Builder b = new Builder();
        b.input(required(p, "input"));
        b.publishUrl(required(p, "publish.url"));
        b.streamKey(required(p, "stream.key"));
        b.transcode(bool(p, "encode.transcode"));
        b.bitrateKbps(integer(p, "encode.bitrate.kbps"));
        b.gopFrames(integer(p, "encode.gop.frames"));
        b.preset(required(p, "encode.preset"));
        b.transport(enumValue(Transport.class, p, "transport"));
        b.loop(bool(p, "input.loop"));
        b.openTimeout(Duration.ofMillis(integer(p, "input.open.timeout.ms")));
        b.stallTimeout(Duration.ofMillis(integer(p, "input.stall.timeout.ms")));
        b.inputRetryMax(Duration.ofMillis(integer(p, "input.retry.max.ms")));
        b.publishRetryInitial(Duration.ofMillis(integer(p, "publish.retry.initial.ms")));
        b.publishRetryMax(Duration.ofMillis(integer(p, "publish.retry.max.ms")));
        b.requestTimeout(Duration.ofMillis(integer(p, "publish.request.timeout.ms")));
        b.status(enumValue(StatusMode.class, p, "status"));
        b.audioInput(required(p, "input.audio"));
        return b;
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("configuration key " + key + " is missing");
        }
        return value.trim();
    }

    private static int integer(Properties p, String key) {
        String value = required(p, key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number (was '" + value + "')", e);
        }
    }

    private static boolean bool(Properties p, String key) {
        String value = required(p, key).toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false (was '" + value + "')");
        }
        return Boolean.parseBoolean(value);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, Properties p, String key) {
        String value = required(p, key);
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be one of " + java.util.Arrays.toString(
                    type.getEnumConstants()).toLowerCase(Locale.ROOT) + " (was '" + value + "')", e);
        }
    }

    public SourceSpec input() {
        return input;
    }

    public String publishUrl() {
        return publishUrl;
    }

    public String streamKey() {
        return streamKey;
    }

    public boolean transcode() {
        return transcode;
    }

    public int bitrateKbps() {
        return bitrateKbps;
    }

    public int gopFrames() {
        return gopFrames;
    }

    public String preset() {
        return preset;
    }

    public Transport transport() {
        return transport;
    }

    public boolean loop() {
        return loop;
    }

    public Duration openTimeout() {
        return openTimeout;
    }

    public Duration stallTimeout() {
        return stallTimeout;
    }

    public Duration inputRetryMax() {
        return inputRetryMax;
    }

    public Duration publishRetryInitial() {
        return publishRetryInitial;
    }

    public Duration publishRetryMax() {
        return publishRetryMax;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public StatusMode status() {
        return status;
    }

    /** Where the audio comes from when not from the input itself ({@code --audio-input}). */
    public AudioInputSpec audioInput() {
        return audioInput;
    }

    public Builder toBuilder() {
        return new Builder().input(inputText).publishUrl(publishUrl).streamKey(streamKey).transcode(transcode)
                .bitrateKbps(bitrateKbps).gopFrames(gopFrames).preset(preset).transport(transport).loop(loop)
                .openTimeout(openTimeout).stallTimeout(stallTimeout).inputRetryMax(inputRetryMax)
                .publishRetryInitial(publishRetryInitial).publishRetryMax(publishRetryMax)
                .requestTimeout(requestTimeout).status(status).audioInput(audioInput.label());
    }

    @Override
    public String toString() {
        return "BridgeConfig[input=" + input.label() + ", publish=" + publishUrl + ", transport=" + transport
                + ", transcode=" + transcode + ", bitrate=" + bitrateKbps + " kbit/s, gop=" + gopFrames
                + " frames, preset=" + preset + ", loop=" + loop + ", audioInput=" + audioInput.label() + "]";
    }

    /** Collects values; {@link #build()} validates them all. */
    public static final class Builder {
        private String input;
        private String publishUrl;
        private String streamKey;
        private boolean transcode;
        private int bitrateKbps;
        private int gopFrames;
        private String preset;
        private Transport transport;
        private boolean loop;
        private Duration openTimeout;
        private Duration stallTimeout;
        private Duration inputRetryMax;
        private Duration publishRetryInitial;
        private Duration publishRetryMax;
        private Duration requestTimeout;
        private StatusMode status;
        private String audioInput = "auto";

        private Builder() {
        }

        public Builder input(String value) {
            this.input = value;
            return this;
        }

        public Builder publishUrl(String value) {
            this.publishUrl = value;
            return this;
        }

        public Builder streamKey(String value) {
            this.streamKey = value;
            return this;
        }

        public Builder transcode(boolean value) {
            this.transcode = value;
            return this;
        }

        public Builder bitrateKbps(int value) {
            this.bitrateKbps = value;
            return this;
        }

        public Builder gopFrames(int value) {
            this.gopFrames = value;
            return this;
        }

        public Builder preset(String value) {
            this.preset = value;
            return this;
        }

        public Builder transport(Transport value) {
            this.transport = value;
            return this;
        }

        public Builder loop(boolean value) {
            this.loop = value;
            return this;
        }

        public Builder openTimeout(Duration value) {
            this.openTimeout = value;
            return this;
        }

        public Builder stallTimeout(Duration value) {
            this.stallTimeout = value;
            return this;
        }

        public Builder inputRetryMax(Duration value) {
            this.inputRetryMax = value;
            return this;
        }

        public Builder publishRetryInitial(Duration value) {
            this.publishRetryInitial = value;
            return this;
        }

        public Builder publishRetryMax(Duration value) {
            this.publishRetryMax = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        public Builder status(StatusMode value) {
            this.status = value;
            return this;
        }

        /** auto, none or FORMAT:DEVICE (alsa:default, pulse:default, lavfi:GRAPH...). */
        public Builder audioInput(String value) {
            this.audioInput = value;
            return this;
        }

        public BridgeConfig build() {
            SourceSpec spec = SourceSpec.parse(input);
            AudioInputSpec audio = AudioInputSpec.parse(audioInput);
            if (audio.mode() == AudioInputSpec.Mode.DEVICE && spec.kind() == SourceSpec.Kind.TESTSRC) {
                throw new IllegalArgumentException("audioInput " + audio.label() + " does not apply to testsrc, "
                        + "which makes its own tone (use it with v4l2:, file:, udp:, rtp:, rtmp: or rtsp: inputs)");
            }
            checkPublishUrl(publishUrl);
            if (streamKey == null || streamKey.isBlank()) {
                throw new IllegalArgumentException("streamKey must not be empty: give the channel's key with "
                        + "--stream-key");
            }
            range("bitrateKbps", bitrateKbps, 50, 100_000, "kbit/s");
            range("gopFrames", gopFrames, 1, 1000, "frames");
            Objects.requireNonNull(preset, "preset");
            if (!PRESETS.contains(preset)) {
                throw new IllegalArgumentException("preset must be one of " + new java.util.TreeSet<>(PRESETS)
                        + " (was '" + preset + "')");
            }
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(status, "status");
            if (loop && spec.kind() != SourceSpec.Kind.FILE) {
                throw new IllegalArgumentException("loop applies to file inputs only (input was '" + input + "')");
            }
            duration("openTimeout", openTimeout, 100, 600_000);
            duration("stallTimeout", stallTimeout, 100, 600_000);
            duration("inputRetryMax", inputRetryMax, 10, 600_000);
            duration("publishRetryInitial", publishRetryInitial, 10, 60_000);
            duration("publishRetryMax", publishRetryMax, 10, 600_000);
            duration("requestTimeout", requestTimeout, 100, 600_000);
            if (publishRetryMax.compareTo(publishRetryInitial) < 0) {
                throw new IllegalArgumentException("publishRetryMax must be at least publishRetryInitial ("
                        + publishRetryInitial.toMillis() + " ms; was " + publishRetryMax.toMillis() + " ms)");
            }
            return new BridgeConfig(this, spec, audio);
        }

        private static void checkPublishUrl(String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("publishUrl must not be empty (rtsp://HOST:8554/live/CHANNEL)");
            }
            URI uri;
            try {
                uri = URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("publishUrl is not a URL (was '" + url + "')", e);
            }
            if (!"rtsp".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("publishUrl must be rtsp://HOST[:PORT]/live/CHANNEL (was '" + url
                        + "')");
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null) {
                throw new IllegalArgumentException("publishUrl must carry no user info or query; give the key with "
                        + "--stream-key (was '" + url + "')");
            }
            String path = uri.getPath() == null ? "" : uri.getPath();
            String channel = path.substring(path.lastIndexOf('/') + 1);
            if (!CHANNEL.matcher(channel).matches()) {
                throw new IllegalArgumentException("publishUrl must end with a channel name of 1-64 letters, digits, "
                        + "'_', '.' or '-' (was '" + url + "')");
            }
        }

        private static void range(String field, int value, int min, int max, String unit) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + " " + unit
                        + " (was " + value + ")");
            }
        }

        private static void duration(String field, Duration value, long minMillis, long maxMillis) {
            Objects.requireNonNull(value, field);
            if (value.toMillis() < minMillis || value.toMillis() > maxMillis) {
                throw new IllegalArgumentException(field + " must be between " + minMillis + " and " + maxMillis
                        + " ms (was " + value.toMillis() + " ms)");
            }
        }
    }
}
