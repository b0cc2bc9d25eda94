package io.omnicast.media.rtsp;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A request URL split into what a server needs: the path without a track suffix, the query parameters, the track
 * control suffix ({@code trackID=N} or {@code streamid=N}) and the credentials in the authority.
 *
 * <p>Why the odd parsing: ffmpeg builds SETUP URLs by appending the SDP's {@code a=control} to the ANNOUNCE URL
 * verbatim, so {@code rtsp://h/live/demo?key=K} becomes {@code rtsp://h/live/demo?key=K/streamid=0}. The track
 * suffix is therefore taken from the last '/' of the whole URL, query or not.
 */
public record RtspUrl(String host, int port, String path, Map<String, String> query, Optional<String> control,
        Optional<String> userInfo) {
    private static final java.util.regex.Pattern TRACK_CONTROL =
            java.util.regex.Pattern.compile("(?:trackID=|streamid=|track)[0-9]{1,5}");

    public RtspUrl {
        query = Map.copyOf(query);
    }

    /** Parses an absolute {@code rtsp://} URL or {@code *}; fails with {@link IllegalArgumentException}. */
    public static RtspUrl parse(String uri) {
        String rest = uri.trim();
        Optional<String> control = Optional.empty();
        int slash = rest.lastIndexOf('/');
        if (slash > 0) {
            String last = rest.substring(slash + 1);
            if (isTrackControl(last)) {
                control = Optional.of(last);
                rest = rest.substring(0, slash);
            }
        }
        URI parsed;
        try {
            parsed = new URI(rest);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed RTSP URL '" + uri + "': " + e.getReason(), e);
        }
        String scheme = parsed.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("rtsp") || scheme.equalsIgnoreCase("rtsps"))) {
            throw new IllegalArgumentException("not an rtsp:// URL: '" + uri + "'");
        }
        Map<String, String> query = new LinkedHashMap<>();
        String rawQuery = parsed.getRawQuery();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                query.putIfAbsent(name, value);
            }
        }
        String path = parsed.getPath() == null || parsed.getPath().isEmpty() ? "/" : parsed.getPath();
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new RtspUrl(parsed.getHost(), parsed.getPort(), path, query, control,
                Optional.ofNullable(parsed.getRawUserInfo()));
    }

    /** True for a track suffix we or a common client put in {@code a=control}. */
    public static boolean isTrackControl(String segment) {
        return TRACK_CONTROL.matcher(segment).matches();
    }

    /** The number of a {@code trackID=N}/{@code streamid=N}/{@code trackN} suffix. */
    public OptionalInt trackNumber() {
        if (control.isEmpty()) {
            return OptionalInt.empty();
        }
        String c = control.get();
        String digits = c.substring(c.indexOf('=') >= 0 ? c.indexOf('=') + 1 : "track".length());
        try {
            return OptionalInt.of(Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
