package io.omnicast.bench.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every parameter of a simulation, validated. Built from {@code key = value} settings, the same keys in a
 * scenario file ({@link ScenarioFile}) and on the command line, so a report's parameter table is a scenario file
 * that reruns the experiment exactly. {@link #DEFAULTS} lists every key with its default and meaning.
 */
public final class SimConfig {
    /** Every key, its default, and what it means (also the documentation of the scenario format). */
    public static final List<Key> KEYS = List.of(
            new Key("topology", "hop-count", "plugin id(s) to compare, comma separated"),
            new Key("peers", "10000", "peer sessions to simulate (arrivals)"),
            new Key("arrival", "poisson", "arrival process: poisson | flash"),
            new Key("rate", "50", "mean arrivals per second (flash: the base rate)"),
            new Key("flash-factor", "20", "flash: peak rate as a multiple of the base rate"),
            new Key("flash-start-s", "120", "flash: when the crowd arrives, seconds of simulated time"),
            new Key("flash-decay-s", "60", "flash: time constant of the decay back to the base rate, s"),
            new Key("session", "weibull", "session length model: weibull | pareto"),
            new Key("session-params", "shape=0.6,scale-s=600",
                    "weibull: shape=K,scale-s=S; pareto: alpha=A,min-s=M"),
            new Key("capacity-mix", "paper-2007", "access classes: paper-2007 | broadband | a mix file"),
            new Key("stream-kbps", "364", "stream bitrate, video + audio (paper: 300 + 64)"),
            new Key("origins", "1", "streaming servers (tree roots)"),
            new Key("origin-uplink-kbps", "100000", "uplink of each origin; its children follow the 1.05 x 1.25 rule"),
            new Key("nat-share", "0.3", "share of peers whose relay endpoint is unreachable (they stay leaves)"),
            new Key("link-delay-ms", "5:50",
                    "one-way access delay per peer, MIN:MAX uniform (or one value); a link's delay is the sum of "
                            + "both ends' access delays"),
            new Key("server-delay-ms", "1", "one-way access delay of the proxy and the origins"),
            new Key("detection-delay-ms", "1000",
                    "abrupt death: time until the proxy acts (RTP timeout, then ReConfiguration); graceful: the Logout's "
                            + "travel time"),
            new Key("abrupt-share", "0.2", "share of departures that are abrupt deaths instead of Logout"),
            new Key("placement-ms", "1", "the proxy's processing per placement (modelled, not measured)"),
            new Key("rtsp-round-trips", "3", "RTSP round trips to start a stream from a parent (DESCRIBE, SETUP, PLAY)"),
            new Key("keyframe-kbit", "80", "size of the keyframe a new child starts with"),
            new Key("relay-forward-ms", "1", "time a relay takes to forward a packet (end-to-end lag per hop)"),
            new Key("join-retry-ms", "2000", "a refused join (no parent available) is retried after this"),
            new Key("max-backups", "2", "backup parents the proxy asks plugins for (0..2)"),
            new Key("sample-interval-s", "60", "tree snapshots (depth, load, origin) every this many simulated s"),
            new Key("raw-csv", "true", "write per-session, per-departure and per-orphan CSV rows (false: summaries only)"),
            new Key("seed", "1", "seed of every random draw; the same seed gives identical results"));

    /** A setting's key, default and meaning. */
    public record Key(String name, String defaultValue, String meaning) {
    }

    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> defaults = new LinkedHashMap<>();
        KEYS.forEach(k -> defaults.put(k.name(), k.defaultValue()));
        DEFAULTS = Collections.unmodifiableMap(defaults);
    }

    private final Map<String, String> settings;
    private final List<String> topologies;
    private final int peers;
    private final ArrivalProcess arrivals;
    private final SessionLengths sessions;
    private final CapacityMix capacityMix;
    private final double streamKbps;
    private final int origins;
    private final long originUplinkKbps;
    private final double natShare;
    private final double linkDelayMinMs;
    private final double linkDelayMaxMs;
    private final double serverDelayMs;
    private final double detectionDelayMs;
    private final double abruptShare;
    private final double placementMs;
    private final int rtspRoundTrips;
    private final double keyframeKbit;
    private final double relayForwardMs;
    private final double joinRetryMs;
    private final int maxBackups;
    private final double sampleIntervalSeconds;
    private final boolean rawCsv;
    private final long seed;

    private SimConfig(Map<String, String> settings) {
        this.settings = settings;
        topologies = Arrays.stream(settings.get("topology").split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .toList();
        if (topologies.isEmpty() || topologies.size() != Set.copyOf(topologies).size()) {
            throw new IllegalArgumentException("topology must list one or more distinct plugin ids (was '"
                    + settings.get("topology") + "')");
        }
        peers = intIn("peers", 1, 100_000_000);
        double rate = doubleIn("rate", 1e-6, 1e9, "arrivals/s");
        arrivals = switch (settings.get("arrival")) {
            case "poisson" -> new ArrivalProcess.Poisson(rate);
            case "flash" -> new ArrivalProcess.FlashCrowd(rate, doubleIn("flash-factor", 1, 1e6, "x"),
                    doubleIn("flash-start-s", 0, 1e9, "s"), doubleIn("flash-decay-s", 1e-3, 1e9, "s"));
            default -> throw new IllegalArgumentException("arrival must be poisson or flash (was '"
                    + settings.get("arrival") + "')");
        };
        sessions = SessionLengths.parse(settings.get("session"), settings.get("session-params"));
        capacityMix = CapacityMix.named(settings.get("capacity-mix"));
        streamKbps = doubleIn("stream-kbps", 1, 1e7, "kbit/s");
        origins = intIn("origins", 1, 64);
        originUplinkKbps = (long) doubleIn("origin-uplink-kbps", 1, 1e9, "kbit/s");
        natShare = doubleIn("nat-share", 0, 1, "");
        String[] delay = settings.get("link-delay-ms").split(":");
        if (delay.length > 2) {
            throw new IllegalArgumentException("link-delay-ms must be MIN:MAX or one value in ms (was '"
                    + settings.get("link-delay-ms") + "')");
        }
        linkDelayMinMs = parseDouble("link-delay-ms", delay[0]);
        linkDelayMaxMs = delay.length == 2 ? parseDouble("link-delay-ms", delay[1]) : linkDelayMinMs;
        if (linkDelayMinMs < 0 || linkDelayMaxMs < linkDelayMinMs || linkDelayMaxMs > 10_000) {
            throw new IllegalArgumentException("link-delay-ms must satisfy 0 <= MIN <= MAX <= 10000 ms (was '"
                    + settings.get("link-delay-ms") + "')");
        }
        serverDelayMs = doubleIn("server-delay-ms", 0, 10_000, "ms");
        detectionDelayMs = doubleIn("detection-delay-ms", 0, 600_000, "ms");
        abruptShare = doubleIn("abrupt-share", 0, 1, "");
        placementMs = doubleIn("placement-ms", 0, 60_000, "ms");
        rtspRoundTrips = intIn("rtsp-round-trips", 0, 20);
        keyframeKbit = doubleIn("keyframe-kbit", 0, 1e6, "kbit");
        relayForwardMs = doubleIn("relay-forward-ms", 0, 10_000, "ms");
        joinRetryMs = doubleIn("join-retry-ms", 1, 3_600_000, "ms");
        maxBackups = intIn("max-backups", 0, 2);
        sampleIntervalSeconds = doubleIn("sample-interval-s", 0.001, 1e9, "s");
        String raw = settings.get("raw-csv");
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new IllegalArgumentException("raw-csv must be true or false (was '" + raw + "')");
        }
        rawCsv = Boolean.parseBoolean(raw);
        try {
            seed = Long.parseLong(settings.get("seed"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seed must be a whole number (was '" + settings.get("seed") + "')", e);
        }
    }

    /** The defaults overridden by {@code overrides} (later maps win); unknown keys are refused. */
    @SafeVarargs
    public static SimConfig of(Map<String, String>... overrides) {
        Map<String, String> merged = new LinkedHashMap<>(DEFAULTS);
        for (Map<String, String> layer : overrides) {
            for (Map.Entry<String, String> e : layer.entrySet()) {
                if (!DEFAULTS.containsKey(e.getKey())) {
                    throw new IllegalArgumentException("unknown simulation setting '" + e.getKey() + "' (known: "
                            + String.join(", ", DEFAULTS.keySet()) + ")");
                }
                merged.put(e.getKey(), e.getValue().strip());
            }
        }
        return new SimConfig(Collections.unmodifiableMap(merged));
    }

    /** This configuration with one setting changed. */
    public SimConfig withSetting(String key, String value) {
        return of(settings, Map.of(key, value));
    }

    private double parseDouble(String key, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number (was '" + text + "')", e);
        }
    }

    private double doubleIn(String key, double min, double max, String unit) {
        double value = parseDouble(key, settings.get(key));
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(key + " must be between " + plain(min) + " and " + plain(max)
                    + (unit.isEmpty() ? "" : " " + unit) + " (was " + settings.get(key) + ")");
        }
        return value;
    }

    private int intIn(String key, int min, int max) {
        int value;
        try {
            value = Integer.parseInt(settings.get(key).replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number (was '" + settings.get(key) + "')", e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be between " + min + " and " + max + " (was " + value
                    + ")");
        }
        return value;
    }

    private static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Parses a {@code name=value,name=value} list of numbers; {@code key} names the setting in errors. */
    static Map<String, Double> parseParams(String key, String text) {
        Map<String, Double> values = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return values;
        }
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(key + " must be a name=value,... list (was '" + text + "')");
            }
            String name = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            try {
                if (values.put(name, Double.parseDouble(value)) != null) {
                    throw new IllegalArgumentException(key + ": " + name + " is given twice");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": " + name + " must be a number (was '" + value + "')", e);
            }
        }
        return values;
    }

    static void onlyKeys(String key, Map<String, Double> values, String... allowed) {
        List<String> unknown = new ArrayList<>(values.keySet());
        unknown.removeAll(List.of(allowed));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(key + ": unknown parameter(s) " + unknown + " (allowed: "
                    + String.join(", ", allowed) + ")");
        }
    }

    /** Every setting, defaults included, in {@link #KEYS} order. */
    public Map<String, String> settings() {
        return settings;
    }

    /** The settings as a scenario file that reruns this experiment. */
    public String toScenarioText() {
        StringBuilder text = new StringBuilder("# written by omnicast bench simulate; rerun with --scenario FILE\n");
        settings.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        return text.toString();
    }

    public List<String> topologies() {
        return topologies;
    }

    public int peers() {
        return peers;
    }

    public ArrivalProcess arrivals() {
        return arrivals;
    }

    public SessionLengths sessions() {
        return sessions;
    }

    public CapacityMix capacityMix() {
        return capacityMix;
    }

    public double streamKbps() {
        return streamKbps;
    }

    public int origins() {
        return origins;
    }

    public long originUplinkKbps() {
        return originUplinkKbps;
    }

    public int originMaxChildren() {
        return CapacityMix.maxChildren(originUplinkKbps, streamKbps);
    }

    public double natShare() {
        return natShare;
    }

    public double linkDelayMinMs() {
        return linkDelayMinMs;
    }

    public double linkDelayMaxMs() {
        return linkDelayMaxMs;
    }

    public double serverDelayMs() {
        return serverDelayMs;
    }

    public double detectionDelayMs() {
        return detectionDelayMs;
    }

    public double abruptShare() {
        return abruptShare;
    }

    public double placementMs() {
        return placementMs;
    }

    public int rtspRoundTrips() {
        return rtspRoundTrips;
    }

    public double keyframeKbit() {
        return keyframeKbit;
    }

    public double relayForwardMs() {
        return relayForwardMs;
    }

    public double joinRetryMs() {
        return joinRetryMs;
    }

    public int maxBackups() {
        return maxBackups;
    }

    public double sampleIntervalSeconds() {
        return sampleIntervalSeconds;
    }

    public boolean rawCsv() {
        return rawCsv;
    }

    public long seed() {
        return seed;
    }

    /** The expected concurrent audience in steady state (Little's law: rate x mean session). */
    public double expectedConcurrentPeers() {
        return arrivals.rateAt(0) * sessions.meanSeconds();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "SimConfig%s", settings);
    }

    /** Resolves a mix file named relative to a scenario file's directory. */
    static String resolveRelative(String value, Path baseDir) {
        if (baseDir == null || CapacityMix.isBuiltIn(value) || Path.of(value).isAbsolute()) {
            return value;
        }
        return baseDir.resolve(value).toString();
    }
}
