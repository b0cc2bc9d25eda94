package io.omnicast.media.rtsp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code RTP-Info} header of a PLAY reply (<a href="https://www.rfc-editor.org/rfc/rfc2326#section-12.33">RFC
 * 2326 section 12.33</a>): per stream, its URL, the sequence number of the first packet the reader will get and
 * that packet's RTP timestamp. {@code url=rtsp://h/live/demo/trackID=0;seq=1234;rtptime=90000,url=...}
 */
public record RtpInfo(List<Entry> entries) {
    /** One stream; seq is 16 bits, rtptime 32 bits unsigned. */
    public record Entry(String url, OptionalInt seq, OptionalLong rtpTime) {
        public Entry {
            Objects.requireNonNull(url, "url");
            if (seq.isPresent() && (seq.getAsInt() < 0 || seq.getAsInt() > 0xFFFF)) {
                throw new IllegalArgumentException("seq must be between 0 and 65535 (was " + seq.getAsInt() + ")");
            }
            if (rtpTime.isPresent() && (rtpTime.getAsLong() < 0 || rtpTime.getAsLong() > 0xFFFF_FFFFL)) {
                throw new IllegalArgumentException("rtptime must be between 0 and 4294967295 (was "
                        + rtpTime.getAsLong() + ")");
            }
        }

        public static Entry of(String url, int seq, long rtpTime) {
            return new Entry(url, OptionalInt.of(seq), OptionalLong.of(rtpTime));
        }
    }

    public RtpInfo {
        entries = List.copyOf(entries);
    }

    public String format() {
        StringBuilder s = new StringBuilder();
        for (Entry e : entries) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append("url=").append(e.url());
            e.seq().ifPresent(v -> s.append(";seq=").append(v));
            e.rtpTime().ifPresent(v -> s.append(";rtptime=").append(v));
        }
        return s.toString();
    }

    /**
     * Parses the header. URLs may contain ';' or ',' in theory; in practice servers do not put them there, and the
     * split follows what ffmpeg and GStreamer do: split entries at ',' followed by {@code url=}.
     */
    public static RtpInfo parse(String value) {
        List<Entry> entries = new ArrayList<>();
        for (String part : value.split(",\\s*(?=url=)")) {
            String url = null;
            OptionalInt seq = OptionalInt.empty();
            OptionalLong rtpTime = OptionalLong.empty();
            for (String p : part.split(";")) {
                String t = p.trim();
                try {
                    if (t.startsWith("url=")) {
                        url = t.substring(4);
                    } else if (t.startsWith("seq=")) {
                        seq = OptionalInt.of(Integer.parseInt(t.substring(4)));
                    } else if (t.startsWith("rtptime=")) {
                        rtpTime = OptionalLong.of(Long.parseLong(t.substring(8)));
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("RTP-Info has a bad number in '" + t + "'", e);
                }
            }
            if (url == null) {
                throw new IllegalArgumentException("RTP-Info entry without url: '" + part + "'");
            }
            entries.add(new Entry(url, seq, rtpTime));
        }
        return new RtpInfo(entries);
    }

    @Override
    public String toString() {
        return format();
    }
}
