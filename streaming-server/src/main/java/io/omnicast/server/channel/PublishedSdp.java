package io.omnicast.server.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The publisher's session description reduced to what the server relays: its tracks, and the SDP readers get
 * (the publisher's media sections with our own {@code a=control} values).
 *
 * <p>Adapter note: media-transport's SDP package had not landed when this was written; this class reads only the
 * lines the relay needs ({@code m=}, {@code a=rtpmap}, {@code a=control}) and keeps every other line verbatim, so
 * it can switch to the shared parser without changing callers.
 */
public final class PublishedSdp {
    /** Bigger SDPs are refused (the RTSP codec already caps the body; this caps the tracks). */
    public static final int MAX_TRACKS = 8;

    private final List<MediaTrack> tracks;
    private final List<String> sessionLines;

    private PublishedSdp(List<String> sessionLines, List<MediaTrack> tracks) {
        this.sessionLines = List.copyOf(sessionLines);
        this.tracks = List.copyOf(tracks);
    }

    /** Parses an announced SDP; fails with {@link IllegalArgumentException} saying what is wrong. */
    public static PublishedSdp parse(String sdp) {
        String[] lines = sdp.split("\r?\n");
        if (lines.length == 0 || !lines[0].trim().equals("v=0")) {
            throw new IllegalArgumentException("SDP must start with v=0");
        }
        List<String> session = new ArrayList<>();
        List<MediaTrack> tracks = new ArrayList<>();
        List<String> current = null;
        for (String raw : lines) {
            String line = raw.trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new IllegalArgumentException("SDP line is not <type>=<value>: '" + shorten(line) + "'");
            }
            if (line.startsWith("m=")) {
                if (current != null) {
                    tracks.add(track(tracks.size(), current));
                }
                if (tracks.size() >= MAX_TRACKS) {
                    throw new IllegalArgumentException("SDP has more than " + MAX_TRACKS + " media sections");
                }
                current = new ArrayList<>();
                current.add(line);
            } else if (current != null) {
                current.add(line);
            } else if (!line.startsWith("a=control:")) {
                session.add(line);
            }
        }
        if (current != null) {
            tracks.add(track(tracks.size(), current));
        }
        if (tracks.isEmpty()) {
            throw new IllegalArgumentException("SDP has no media section (m=)");
        }
        return new PublishedSdp(session, tracks);
    }

    private static MediaTrack track(int index, List<String> lines) {
        String[] m = lines.get(0).substring(2).split(" ");
        if (m.length < 4) {
            throw new IllegalArgumentException("malformed media line '" + shorten(lines.get(0)) + "'");
        }
        if (!m[2].toUpperCase(Locale.ROOT).startsWith("RTP/AVP")) {
            throw new IllegalArgumentException("media " + index + " uses unsupported protocol '" + m[2] + "'");
        }
        int payloadType;
        try {
            payloadType = Integer.parseInt(m[3]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("media " + index + " has a non-numeric payload type '" + m[3] + "'", e);
        }
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("media " + index + " payload type must be 0..127 (was " + payloadType
                    + ")");
        }
        String encoding = null;
        int clockRate = 0;
        String control = null;
        List<String> kept = new ArrayList<>();
        kept.add("m=" + m[0] + " 0 " + m[2] + " " + m[3]);
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("a=control:")) {
                control = line.substring("a=control:".length()).trim();
                continue;
            }
            if (line.startsWith("a=rtpmap:" + payloadType + " ")) {
                String[] enc = line.substring(line.indexOf(' ') + 1).trim().split("/");
                encoding = enc[0];
                try {
                    clockRate = enc.length > 1 ? Integer.parseInt(enc[1]) : 0;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("media " + index + " has a bad clock rate in '"
                            + shorten(line) + "'", e);
                }
            }
            kept.add(line);
        }
        if (encoding == null) {
            encoding = staticEncoding(payloadType);
            clockRate = payloadType == 14 ? 90000 : 8000;
            if (encoding == null) {
                throw new IllegalArgumentException("media " + index + " has no a=rtpmap for payload type "
                        + payloadType);
            }
        }
        if (clockRate <= 0 || clockRate > 1_000_000) {
            throw new IllegalArgumentException("media " + index + " clock rate must be 1..1000000 Hz (was "
                    + clockRate + ")");
        }
        return new MediaTrack(index, m[0], payloadType, encoding, clockRate, control, kept);
    }

    private static String staticEncoding(int payloadType) {
        return switch (payloadType) {
            case 0 -> "PCMU";
            case 8 -> "PCMA";
            case 14 -> "MPA";
            default -> null;
        };
    }

    public List<MediaTrack> tracks() {
        return tracks;
    }

    /**
     * The track a publisher's SETUP URL names: by its {@code a=control} (absolute or relative) or by a
     * {@code trackID=N}/{@code streamid=N} suffix; -1 if none matches.
     */
    public int trackForSetupUrl(String url, String suffix) {
        for (MediaTrack t : tracks) {
            String c = t.control();
            if (c != null && !c.isEmpty() && (url.equals(c) || url.endsWith("/" + c) || c.equals(suffix))) {
                return t.index();
            }
        }
        return tracks.size() == 1 && suffix == null ? 0 : -1;
    }

    /** The SDP readers get: the publisher's description, our controls, no connection address of the publisher. */
    public String describeToReaders() {
        StringBuilder s = new StringBuilder();
        boolean connectionWritten = false;
        for (String line : sessionLines) {
            if (line.startsWith("c=")) {
                continue;
            }
            if (!connectionWritten && (line.startsWith("t=") || line.startsWith("a="))) {
                s.append("c=IN IP4 0.0.0.0\r\n"); // SDP order: c= comes before t= and the attributes
                connectionWritten = true;
            }
            s.append(line).append("\r\n");
        }
        if (!connectionWritten) {
            s.append("c=IN IP4 0.0.0.0\r\n");
        }
        s.append("a=control:*\r\n");
        for (MediaTrack t : tracks) {
            for (String line : t.sdpLines()) {
                if (!line.startsWith("c=")) {
                    s.append(line).append("\r\n");
                }
            }
            s.append("a=control:trackID=").append(t.index()).append("\r\n");
        }
        return s.toString();
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
