package io.omnicast.media.sdp;

import io.netty.buffer.ByteBuf;
import io.omnicast.media.sdp.SdpTypes.Attribute;
import io.omnicast.media.sdp.SdpTypes.Connection;
import io.omnicast.media.sdp.SdpTypes.Origin;
import io.omnicast.media.sdp.SdpTypes.Timing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads session descriptions (<a href="https://www.rfc-editor.org/rfc/rfc8866#section-5">RFC 8866 section 5</a>).
 *
 * <pre>
 * v=  (protocol version, must be 0)      t=  (time the session is active) *
 * o=  (originator and session id)        r=  (repeat times) *
 * s=  (session name)                     z=  k=  a= *
 * i=  u=  e= *  p= *  c=  b= *           m=  (media: i= c= * b= * k= a= *) *
 * </pre>
 *
 * Lines end with CRLF or LF (RFC 8866 asks parsers to accept both). v=, o= and s= must come first in that order;
 * a line type this parser does not know is an error, as section 5 requires. Input above {@link #maxBytes()} or
 * with more than {@link #maxLines()} lines is refused before any further work. Thread-safe.
 */
public final class SdpParser {
    /** Real descriptions are a few hundred bytes; 64 KiB leaves room for many tracks and long sprop values. */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_LINES = 1024;

    private static final SdpParser DEFAULT = new SdpParser(DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES);

    private final int maxBytes;
    private final int maxLines;

    public SdpParser(int maxBytes, int maxLines) {
        if (maxBytes < 64 || maxBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("maxBytes must be between 64 and 16777216 bytes (was " + maxBytes + ")");
        }
        if (maxLines < 3 || maxLines > 100_000) {
            throw new IllegalArgumentException("maxLines must be between 3 and 100000 (was " + maxLines + ")");
        }
        this.maxBytes = maxBytes;
        this.maxLines = maxLines;
    }

    /** Parses with the default limits. */
    public static SessionDescription parse(String text) {
        return DEFAULT.parseText(text);
    }

    public int maxBytes() {
        return maxBytes;
    }

    public int maxLines() {
        return maxLines;
    }

    /** Parses the readable bytes as UTF-8 (indexes untouched). */
    public SessionDescription parseBuffer(ByteBuf buffer) {
        if (buffer.readableBytes() > maxBytes) {
            throw new SdpFormatException("SDP is " + buffer.readableBytes() + " bytes, the limit is " + maxBytes);
        }
        return parseText(buffer.toString(StandardCharsets.UTF_8));
    }

    public SessionDescription parseText(String text) {
        // A char is at least one UTF-8 byte, so this bounds the work before encoding.
        if (text.length() > maxBytes || text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new SdpFormatException("SDP is more than " + maxBytes + " bytes, the limit is " + maxBytes);
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.size() > maxLines) {
            throw new SdpFormatException("SDP has " + lines.size() + " lines, the limit is " + maxLines);
        }
        return new Reader(lines).read();
    }

    /** One parse; holds the cursor and the fields collected so far. */
    private static final class Reader {
        private final List<String> lines;
        private int index;

        Reader(List<String> lines) {
            this.lines = lines;
        }

        private char type() {
            return lines.get(index).charAt(0);
        }

        private String value() {
            return lines.get(index).substring(2);
        }

        private int lineNumber() {
            return index + 1;
        }

        private void checkLine() {
            String line = lines.get(index);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
                lines.set(index, line);
            }
            // CR may only appear as part of the line ending; a stray one would survive into values and break
            // writing them back (found by DecoderFuzzTest).
            if (line.indexOf('\r') >= 0 || line.indexOf('\0') >= 0) {
                throw new SdpFormatException("line " + lineNumber() + ": stray CR or NUL inside the line");
            }
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw new SdpFormatException("line " + lineNumber() + ": expected '<letter>=<value>', got '"
                        + abbreviate(line) + "'");
            }
        }

        private String expect(char wanted, String what) {
            if (index >= lines.size()) {
                throw new SdpFormatException("SDP ends before the " + what + " line (" + wanted + "=)");
            }
            checkLine();
            if (type() != wanted) {
                throw new SdpFormatException("line " + lineNumber() + ": expected " + wanted + "= (" + what
                        + "), got " + type() + "=");
            }
            String value = value();
            index++;
            return value;
        }

        SessionDescription read() {
            String versionText = expect('v', "protocol version");
            if (!versionText.equals("0")) {
                throw new SdpFormatException("line 1: SDP version must be 0 (was '" + abbreviate(versionText) + "')");
            }
            Origin origin = Origin.parse(expect('o', "origin"), 2);
            String sessionName = expect('s', "session name");
            String information = null;
            String uri = null;
            List<String> emails = new ArrayList<>();
            List<String> phones = new ArrayList<>();
            Connection connection = null;
            List<String> bandwidths = new ArrayList<>();
            List<Timing> timings = new ArrayList<>();
            String timeZones = null;
            String key = null;
            List<Attribute> attributes = new ArrayList<>();
            List<MediaDescription> media = new ArrayList<>();
            while (index < lines.size()) {
                checkLine();
                char type = type();
                if (type == 'm') {
                    break;
                }
                String value = value();
                switch (type) {
                    case 'i' -> information = once(information, value, 'i');
                    case 'u' -> uri = once(uri, value, 'u');
                    case 'e' -> emails.add(value);
                    case 'p' -> phones.add(value);
                    case 'c' -> connection = Connection.parse(once(connection == null ? null : "", value, 'c'), lineNumber());
                    case 'b' -> bandwidths.add(value);
                    case 't' -> {
                        String[] parts = value.split(" ");
                        if (parts.length != 2) {
                            throw new SdpFormatException("line " + lineNumber() + ": t= needs start and stop: " + value);
                        }
                        timings.add(new Timing(parts[0], parts[1], List.of()));
                    }
                    case 'r' -> {
                        if (timings.isEmpty()) {
                            throw new SdpFormatException("line " + lineNumber() + ": r= before any t=");
                        }
                        Timing last = timings.remove(timings.size() - 1);
                        List<String> repeats = new ArrayList<>(last.repeats());
                        repeats.add(value);
                        timings.add(new Timing(last.start(), last.stop(), repeats));
                    }
                    case 'z' -> timeZones = once(timeZones, value, 'z');
                    case 'k' -> key = once(key, value, 'k');
                    case 'a' -> attributes.add(attribute(value));
                    default -> throw new SdpFormatException("line " + lineNumber() + ": unknown or misplaced line type "
                            + type + "= at session level");
                }
                index++;
            }
            while (index < lines.size()) {
                media.add(readMedia());
            }
            return new SessionDescription(0, origin, sessionName, information, uri, emails, phones, connection,
                    bandwidths, timings, timeZones, key, attributes, media);
        }

        private MediaDescription readMedia() {
            int mediaLine = lineNumber();
            String[] parts = expect('m', "media").split(" ");
            if (parts.length < 4) {
                throw new SdpFormatException("line " + mediaLine + ": m= needs media, port, protocol and at least one format");
            }
            String[] portParts = parts[1].split("/", -1);
            int port;
            int portCount = 0;
            try {
                port = Integer.parseInt(portParts[0]);
                if (portParts.length == 2) {
                    portCount = Integer.parseInt(portParts[1]);
                } else if (portParts.length > 2) {
                    throw new NumberFormatException(parts[1]);
                }
            } catch (NumberFormatException e) {
                throw new SdpFormatException("line " + mediaLine + ": m= port is not a number: " + parts[1], e);
            }
            if (port < 0 || port > 65535 || portCount < 0 || portCount > 65535) {
                throw new SdpFormatException("line " + mediaLine + ": m= port must be between 0 and 65535 (was "
                        + parts[1] + ")");
            }
            String information = null;
            List<Connection> connections = new ArrayList<>();
            List<String> bandwidths = new ArrayList<>();
            String key = null;
            List<Attribute> attributes = new ArrayList<>();
            while (index < lines.size()) {
                checkLine();
                char type = type();
                if (type == 'm') {
                    break;
                }
                String value = value();
                switch (type) {
                    case 'i' -> information = once(information, value, 'i');
                    case 'c' -> connections.add(Connection.parse(value, lineNumber()));
                    case 'b' -> bandwidths.add(value);
                    case 'k' -> key = once(key, value, 'k');
                    case 'a' -> attributes.add(attribute(value));
                    default -> throw new SdpFormatException("line " + lineNumber() + ": unknown or misplaced line type "
                            + type + "= in a media section");
                }
                index++;
            }
            return new MediaDescription(parts[0], port, portCount, parts[2],
                    Arrays.asList(parts).subList(3, parts.length), information, connections, bandwidths, key, attributes);
        }

        private String once(String previous, String value, char type) {
            if (previous != null) {
                throw new SdpFormatException("line " + lineNumber() + ": " + type + "= may appear only once here");
            }
            return value;
        }

        private Attribute attribute(String value) {
            int colon = value.indexOf(':');
            String name = colon < 0 ? value : value.substring(0, colon);
            if (name.isEmpty()) {
                throw new SdpFormatException("line " + lineNumber() + ": attribute without a name");
            }
            return new Attribute(name, colon < 0 ? null : value.substring(colon + 1));
        }

        private static String abbreviate(String text) {
            return text.length() <= 40 ? text : text.substring(0, 40) + "...";
        }
    }
}
