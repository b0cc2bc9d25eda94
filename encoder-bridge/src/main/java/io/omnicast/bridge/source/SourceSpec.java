package io.omnicast.bridge.source;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code --input}: which kind of source, the URL or path FFmpeg opens, the demuxer to force and the
 * options it needs. Parsing checks the syntax only; whether the file or device exists is found out on open.
 *
 * <pre>
 * testsrc[:WIDTHxHEIGHT[@FPS]]       built-in pattern (default 1280x720@30)
 * file:PATH                          a media file, paced in real time
 * v4l2:/dev/videoN                   a V4L2 camera
 * rtp:SDPFILE                        RTP/UDP described by an SDP file
 * udp://HOST:PORT                    MPEG-TS over UDP (HOST 0.0.0.0 to listen on every interface)
 * rtmp://HOST:PORT/APP/KEY           listen for an RTMP encoder (OBS)
 * rtsp://HOST[:PORT]/PATH            pull from an IP camera or RTSP server
 * </pre>
 */
public record SourceSpec(Kind kind, String url, String format, Map<String, String> options, int width, int height,
        int frameRate) {
    public enum Kind {
        TESTSRC(false), FILE(false), V4L2(true), RTP(true), UDP(true), RTMP(true), RTSP(true);

        private final boolean network;

        Kind(boolean network) {
            this.network = network;
        }

        /** True for live inputs that can come back after a loss, so the bridge reopens them. */
        public boolean reconnectable() {
            return network;
        }
    }

    public static final int DEFAULT_TEST_WIDTH = 1280;
    public static final int DEFAULT_TEST_HEIGHT = 720;
    public static final int DEFAULT_TEST_FPS = 30;
    private static final Pattern TESTSRC = Pattern.compile("testsrc(?::(\\d{2,5})x(\\d{2,5})(?:@(\\d{1,3}))?)?");
    /** How long FFmpeg may look at a live input before it must say what the tracks are. */
    private static final String LIVE_ANALYZE_MICROS = "2000000";

    public SourceSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        options = Map.copyOf(options);
    }

    public static SourceSpec parse(String input) {
        if (input == null || input.isBlank()) {
            throw new IllegalArgumentException("input must not be empty (e.g. testsrc, file:movie.mp4, "
                    + "udp://0.0.0.0:5000, rtmp://0.0.0.0:1935/live/KEY)");
        }
        String value = input.trim();
        String lower = value.toLowerCase(Locale.ROOT);
        Map<String, String> options = new LinkedHashMap<>();
        if (lower.startsWith("testsrc")) {
            Matcher m = TESTSRC.matcher(lower);
            if (!m.matches()) {
                throw new IllegalArgumentException("input testsrc takes an optional size and rate, "
                        + "testsrc:WIDTHxHEIGHT@FPS (was '" + value + "')");
            }
            int width = m.group(1) == null ? DEFAULT_TEST_WIDTH : Integer.parseInt(m.group(1));
            int height = m.group(2) == null ? DEFAULT_TEST_HEIGHT : Integer.parseInt(m.group(2));
            int fps = m.group(3) == null ? DEFAULT_TEST_FPS : Integer.parseInt(m.group(3));
            if (width < 64 || height < 64 || width > 3840 || height > 2160 || width % 2 != 0 || height % 2 != 0) {
                throw new IllegalArgumentException("testsrc size must be even and between 64x64 and 3840x2160 (was "
                        + width + "x" + height + ")");
            }
            if (fps < 1 || fps > 120) {
                throw new IllegalArgumentException("testsrc frame rate must be between 1 and 120 fps (was " + fps + ")");
            }
            return new SourceSpec(Kind.TESTSRC, "testsrc", null, options, width, height, fps);
        }
        if (lower.startsWith("file:")) {
            return new SourceSpec(Kind.FILE, requirePath(value.substring(5), "file:PATH"), null, options, 0, 0, 0);
        }
        if (lower.startsWith("v4l2:")) {
            return new SourceSpec(Kind.V4L2, requirePath(value.substring(5), "v4l2:/dev/videoN"), "video4linux2",
                    options, 0, 0, 0);
        }
        if (lower.startsWith("rtp:")) {
            options.put("protocol_whitelist", "file,udp,rtp,crypto,data");
            options.put("analyzeduration", LIVE_ANALYZE_MICROS);
            return new SourceSpec(Kind.RTP, requirePath(value.substring(4), "rtp:SDPFILE"), "sdp", options, 0, 0, 0);
        }
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("input is not a valid URL: '" + value + "' (" + e.getMessage() + ")", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "udp" -> {
                requirePort(uri, value);
                options.put("analyzeduration", LIVE_ANALYZE_MICROS);
                // fifo_size is in 188-byte TS packets: ~10 s of 8 Mbit/s, so a busy machine does not drop input.
                String separator = uri.getRawQuery() == null ? "?" : "&";
                return new SourceSpec(Kind.UDP, value + separator + "fifo_size=50000&overrun_nonfatal=1", "mpegts",
                        options, 0, 0, 0);
            }
            case "rtmp" -> {
                requirePort(uri, value);
                if (uri.getPath() == null || uri.getPath().split("/").length < 3) {
                    throw new IllegalArgumentException("rtmp input needs an application and a stream key, "
                            + "rtmp://0.0.0.0:1935/live/KEY (was '" + value + "')");
                }
                options.put("listen", "1");
                options.put("analyzeduration", LIVE_ANALYZE_MICROS);
                return new SourceSpec(Kind.RTMP, value, "flv", options, 0, 0, 0);
            }
            case "rtsp" -> {
                if (uri.getHost() == null) {
                    throw new IllegalArgumentException("rtsp input needs a host, rtsp://camera/stream (was '" + value
                            + "')");
                }
                options.put("rtsp_transport", "tcp");
                options.put("analyzeduration", LIVE_ANALYZE_MICROS);
                return new SourceSpec(Kind.RTSP, value, null, options, 0, 0, 0);
            }
            default -> throw new IllegalArgumentException("unknown input '" + value + "': use testsrc, file:PATH, "
                    + "v4l2:/dev/videoN, rtp:SDPFILE, udp://0.0.0.0:PORT, rtmp://0.0.0.0:1935/live/KEY or "
                    + "rtsp://camera/path");
        }
    }

    private static String requirePath(String path, String form) {
        if (path.isBlank()) {
            throw new IllegalArgumentException("input " + form + " needs a path");
        }
        return path;
    }

    private static void requirePort(URI uri, String value) {
        if (uri.getHost() == null || uri.getPort() < 1) {
            throw new IllegalArgumentException("input needs a host and a port (was '" + value + "')");
        }
    }

    /** Short form for the status line. */
    public String label() {
        return switch (kind) {
            case TESTSRC -> "testsrc " + width + "x" + height + "@" + frameRate;
            case FILE -> "file:" + url;
            case V4L2 -> "v4l2:" + url;
            case RTP -> "rtp:" + url;
            case UDP -> url.substring(0, url.indexOf('?') < 0 ? url.length() : url.indexOf('?'));
            default -> url;
        };
    }
}
