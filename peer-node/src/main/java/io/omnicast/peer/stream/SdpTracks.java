package io.omnicast.peer.stream;

import io.omnicast.media.h264.ParameterSets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The few SDP facts the peer needs from a DESCRIBE reply (RFC 8866): each media section's type, control URL,
 * clock rate and, for H.264, {@code sprop-parameter-sets}. A small reader of our own because media-transport's
 * SDP package had not landed when the peer was written; it reads, never rewrites, the description (the relay
 * serves the parent's SDP unchanged).
 */
public record SdpTracks(List<Track> tracks) {
    /** One m= section. */
    public record Track(int index, String media, String control, String encoding, int clockRate,
            ParameterSets parameterSets) {
        public boolean isH264() {
            return "H264".equalsIgnoreCase(encoding);
        }
    }

    public static final int MAX_SDP_CHARS = 64 * 1024;

    public static SdpTracks parse(String sdp) {
        if (sdp == null || sdp.length() > MAX_SDP_CHARS) {
            throw new IllegalArgumentException("SDP missing or longer than " + MAX_SDP_CHARS + " characters");
        }
        List<Track> tracks = new ArrayList<>();
        String media = null;
        String control = null;
        String encoding = null;
        int clock = 90_000;
        ParameterSets sets = ParameterSets.NONE;
        for (String raw : sdp.split("\r?\n")) {
            String line = raw.trim();
            if (line.startsWith("m=")) {
                if (media != null) {
                    tracks.add(new Track(tracks.size(), media, control, encoding, clock, sets));
                }
                media = line.substring(2).split(" ")[0].toLowerCase(Locale.ROOT);
                control = null;
                encoding = null;
                clock = 90_000;
                sets = ParameterSets.NONE;
            } else if (media != null && line.startsWith("a=control:")) {
                control = line.substring("a=control:".length()).trim();
            } else if (media != null && line.startsWith("a=rtpmap:")) {
                String[] parts = line.substring("a=rtpmap:".length()).trim().split("\\s+", 2);
                if (parts.length == 2) {
                    String[] format = parts[1].split("/");
                    encoding = format[0];
                    if (format.length > 1) {
                        clock = Integer.parseInt(format[1].trim());
                    }
                }
            } else if (media != null && line.startsWith("a=fmtp:")) {
                for (String parameter : line.substring(line.indexOf(' ') + 1).split(";")) {
                    String p = parameter.trim();
                    if (p.toLowerCase(Locale.ROOT).startsWith("sprop-parameter-sets=")) {
                        sets = ParameterSets.fromSprop(p.substring("sprop-parameter-sets=".length()));
                    }
                }
            }
        }
        if (media != null) {
            tracks.add(new Track(tracks.size(), media, control, encoding, clock, sets));
        }
        return new SdpTracks(List.copyOf(tracks));
    }

    /** The first H.264 video track, or -1. */
    public int videoTrack() {
        for (Track track : tracks) {
            if ("video".equals(track.media()) && track.isH264()) {
                return track.index();
            }
        }
        return -1;
    }
}
