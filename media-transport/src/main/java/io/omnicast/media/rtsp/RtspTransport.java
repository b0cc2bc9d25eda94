package io.omnicast.media.rtsp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One transport specification of the {@code Transport} header
 * (<a href="https://www.rfc-editor.org/rfc/rfc2326#section-12.39">RFC 2326 section 12.39</a>), e.g.
 * {@code RTP/AVP;unicast;client_port=5000-5001} or {@code RTP/AVP/TCP;unicast;interleaved=0-1;mode=record}.
 * Immutable. Unknown parameters are kept as they were so a reply can echo them; {@link #parseList} reads the
 * comma-separated alternatives a client may offer.
 */
public final class RtspTransport {
    /** How RTP travels. */
    public enum Lower { UDP, TCP }

    /** A pair of ports or interleaved channels, {@code rtp-rtcp}. */
    public record Pair(int rtp, int rtcp) {
        public Pair {
            if (rtp < 0 || rtcp < 0) {
                throw new IllegalArgumentException("negative port or channel in " + rtp + "-" + rtcp);
            }
        }

        @Override
        public String toString() {
            return rtp + "-" + rtcp;
        }
    }

    private final String profile;
    private final Lower lower;
    private final boolean multicast;
    private final Pair clientPorts;
    private final Pair serverPorts;
    private final Pair interleaved;
    private final String mode;
    private final String ssrc;
    private final String source;
    private final List<String> otherParameters;

    private RtspTransport(Builder b) {
        this.profile = b.profile;
        this.lower = b.lower;
        this.multicast = b.multicast;
        this.clientPorts = b.clientPorts;
        this.serverPorts = b.serverPorts;
        this.interleaved = b.interleaved;
        this.mode = b.mode;
        this.ssrc = b.ssrc;
        this.source = b.source;
        this.otherParameters = List.copyOf(b.otherParameters);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A UDP unicast transport with the client's RTP/RTCP ports. */
    public static RtspTransport udp(int clientRtpPort, int clientRtcpPort) {
        return builder().lower(Lower.UDP).clientPorts(new Pair(clientRtpPort, clientRtcpPort)).build();
    }

    /** A TCP interleaved transport on channels {@code rtp} and {@code rtcp}. */
    public static RtspTransport interleaved(int rtpChannel, int rtcpChannel) {
        return builder().lower(Lower.TCP).interleaved(new Pair(rtpChannel, rtcpChannel)).build();
    }

    /**
     * Parses every comma-separated alternative; fails with {@link IllegalArgumentException} naming the bad part.
     */
    public static List<RtspTransport> parseList(String header) {
        Objects.requireNonNull(header, "Transport header");
        List<RtspTransport> result = new ArrayList<>();
        for (String spec : header.split(",")) {
            if (!spec.isBlank()) {
                result.add(parse(spec));
            }
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("empty Transport header");
        }
        return result;
    }

    /** Parses one transport specification. */
    public static RtspTransport parse(String spec) {
        String[] parts = spec.trim().split(";");
        String protocol = parts[0].trim();
        String[] layers = protocol.split("/");
        if (layers.length < 2 || layers.length > 3 || !layers[0].equalsIgnoreCase("RTP")) {
            throw new IllegalArgumentException("unsupported transport protocol '" + protocol + "'");
        }
        Builder b = builder().profile(layers[1].toUpperCase(Locale.ROOT));
        if (layers.length == 3) {
            String l = layers[2].toUpperCase(Locale.ROOT);
            if (!l.equals("UDP") && !l.equals("TCP")) {
                throw new IllegalArgumentException("unsupported lower transport '" + layers[2] + "'");
            }
            b.lower(Lower.valueOf(l));
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = (eq < 0 ? p : p.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : p.substring(eq + 1).trim();
            switch (name) {
                case "unicast" -> b.multicast(false);
                case "multicast" -> b.multicast(true);
                case "client_port" -> b.clientPorts(pair(name, value, 65535));
                case "server_port" -> b.serverPorts(pair(name, value, 65535));
                case "interleaved" -> b.interleaved(pair(name, value, 255));
                case "mode" -> b.mode(value == null ? null : unquote(value).toLowerCase(Locale.ROOT));
                case "ssrc" -> b.ssrc(value);
                case "source" -> b.source(value);
                default -> b.otherParameters.add(p);
            }
        }
        return b.build();
    }

    private static Pair pair(String name, String value, int max) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        try {
            int dash = value.indexOf('-');
            int first = Integer.parseInt(dash < 0 ? value : value.substring(0, dash));
            int second = dash < 0 ? first + 1 : Integer.parseInt(value.substring(dash + 1));
            if (first < 0 || first > max || second < 0 || second > max) {
                throw new IllegalArgumentException(name + " must be between 0 and " + max + " (was " + value + ")");
            }
            return new Pair(first, second);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is not a number or range: '" + value + "'", e);
        }
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    public String profile() {
        return profile;
    }

    public Lower lower() {
        return lower;
    }

    public boolean isTcp() {
        return lower == Lower.TCP;
    }

    public boolean isMulticast() {
        return multicast;
    }

    public Pair clientPorts() {
        return clientPorts;
    }

    public Pair serverPorts() {
        return serverPorts;
    }

    public Pair interleaved() {
        return interleaved;
    }

    /** {@code play} (the default) or {@code record}. */
    public String mode() {
        return mode == null ? "play" : mode;
    }

    public boolean isRecord() {
        return "record".equals(mode) || "receive".equals(mode);
    }

    public OptionalInt ssrc() {
        if (ssrc == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of((int) Long.parseLong(ssrc, 16));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    public String source() {
        return source;
    }

    public List<String> otherParameters() {
        return otherParameters;
    }

    /** A copy to change one part, e.g. the reply adds {@code server_port} and {@code ssrc}. */
    public Builder toBuilder() {
        Builder b = builder().profile(profile).lower(lower).multicast(multicast).clientPorts(clientPorts)
                .serverPorts(serverPorts).interleaved(interleaved).mode(mode).ssrc(ssrc).source(source);
        b.otherParameters.addAll(otherParameters);
        return b;
    }

    /** The header value, e.g. {@code RTP/AVP/TCP;unicast;interleaved=0-1}. */
    public String format() {
        StringBuilder s = new StringBuilder("RTP/").append(profile);
        if (lower == Lower.TCP) {
            s.append("/TCP");
        }
        s.append(multicast ? ";multicast" : ";unicast");
        if (source != null) {
            s.append(";source=").append(source);
        }
        if (clientPorts != null) {
            s.append(";client_port=").append(clientPorts);
        }
        if (serverPorts != null) {
            s.append(";server_port=").append(serverPorts);
        }
        if (interleaved != null) {
            s.append(";interleaved=").append(interleaved);
        }
        if (ssrc != null) {
            s.append(";ssrc=").append(ssrc);
        }
        if (mode != null) {
            s.append(";mode=").append(mode);
        }
        for (String p : otherParameters) {
            s.append(';').append(p);
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RtspTransport t && t.format().equals(format());
    }

    @Override
    public int hashCode() {
        return format().hashCode();
    }

    /** Builder; {@link #build()} checks that UDP has no interleaved channels and TCP no ports. */
    public static final class Builder {
        private String profile = "AVP";
        private Lower lower = Lower.UDP;
        private boolean multicast;
        private Pair clientPorts;
        private Pair serverPorts;
        private Pair interleaved;
        private String mode;
        private String ssrc;
        private String source;
        private final List<String> otherParameters = new ArrayList<>();

        private Builder() {
        }

        public Builder profile(String profile) {
            this.profile = Objects.requireNonNull(profile, "profile");
            return this;
        }

        public Builder lower(Lower lower) {
            this.lower = Objects.requireNonNull(lower, "lower");
            return this;
        }

        public Builder multicast(boolean multicast) {
            this.multicast = multicast;
            return this;
        }

        public Builder clientPorts(Pair ports) {
            this.clientPorts = ports;
            return this;
        }

        public Builder serverPorts(Pair ports) {
            this.serverPorts = ports;
            return this;
        }

        public Builder interleaved(Pair channels) {
            this.interleaved = channels;
            return this;
        }

        public Builder mode(String mode) {
            this.mode = mode;
            return this;
        }

        /** SSRC as 8 hex digits. */
        public Builder ssrc(int ssrc) {
            this.ssrc = String.format(Locale.ROOT, "%08X", ssrc);
            return this;
        }

        Builder ssrc(String ssrc) {
            this.ssrc = ssrc;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public RtspTransport build() {
            if (!profile.equals("AVP") && !profile.equals("AVPF") && !profile.equals("SAVP")
                    && !profile.equals("SAVPF")) {
                throw new IllegalArgumentException("unsupported RTP profile '" + profile + "'");
            }
            if (lower == Lower.UDP && interleaved != null) {
                throw new IllegalArgumentException("interleaved channels need RTP/AVP/TCP (was " + interleaved + ")");
            }
            return new RtspTransport(this);
        }
    }
}
