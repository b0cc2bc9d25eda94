package io.omnicast.media.sdp;

import io.omnicast.media.sdp.SdpTypes.Attribute;
import io.omnicast.media.sdp.SdpTypes.Connection;
import io.omnicast.media.sdp.SdpTypes.Timing;

/**
 * Writes a {@link SessionDescription} in the order RFC 8866 section 5 prescribes, every line ending with CRLF.
 * What {@link SdpParser} read from a well-ordered description (ffmpeg's, GStreamer's) is written back byte for
 * byte. Thread-safe.
 */
public final class SdpWriter {
    private SdpWriter() {
    }

    public static String write(SessionDescription session) {
        StringBuilder out = new StringBuilder(512);
        line(out, 'v', Integer.toString(session.version()));
        line(out, 'o', session.origin().toString());
        line(out, 's', session.sessionName());
        optional(out, 'i', session.information());
        optional(out, 'u', session.uri());
        session.emails().forEach(email -> line(out, 'e', email));
        session.phones().forEach(phone -> line(out, 'p', phone));
        if (session.connection() != null) {
            line(out, 'c', session.connection().toString());
        }
        session.bandwidths().forEach(bandwidth -> line(out, 'b', bandwidth));
        for (Timing timing : session.timings()) {
            line(out, 't', timing.start() + " " + timing.stop());
            timing.repeats().forEach(repeat -> line(out, 'r', repeat));
        }
        optional(out, 'z', session.timeZones());
        optional(out, 'k', session.key());
        session.attributes().forEach(attribute -> line(out, 'a', attribute.toString()));
        for (MediaDescription media : session.media()) {
            line(out, 'm', media.media() + " " + media.port() + (media.portCount() > 0 ? "/" + media.portCount() : "")
                    + " " + media.protocol() + " " + String.join(" ", media.formats()));
            optional(out, 'i', media.information());
            for (Connection connection : media.connections()) {
                line(out, 'c', connection.toString());
            }
            media.bandwidths().forEach(bandwidth -> line(out, 'b', bandwidth));
            optional(out, 'k', media.key());
            for (Attribute attribute : media.attributes()) {
                line(out, 'a', attribute.toString());
            }
        }
        return out.toString();
    }

    private static void optional(StringBuilder out, char type, String value) {
        if (value != null) {
            line(out, type, value);
        }
    }

    private static void line(StringBuilder out, char type, String value) {
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(type + "= value must not contain CR or LF: '" + value + "'");
        }
        out.append(type).append('=').append(value).append("\r\n");
    }
}
