package io.omnicast.media.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code a=fmtp:<payload type> <name>=<value>;...} (<a href="https://www.rfc-editor.org/rfc/rfc8866#section-6.15">
 * RFC 8866 section 6.15</a>). Parameter names are compared case-insensitively (RFC 6184 and RFC 3640 say so) and
 * kept in their original order and spelling for writing back.
 */
public record Fmtp(int payloadType, Map<String, String> parameters) {
    public Fmtp {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public static Fmtp parse(String value) {
        if (value == null) {
            throw new SdpFormatException("a=fmtp without a value");
        }
        int space = value.indexOf(' ');
        String typeText = space < 0 ? value : value.substring(0, space);
        int payloadType = parsePayloadType(typeText, "fmtp");
        Map<String, String> parameters = new LinkedHashMap<>();
        if (space >= 0) {
            for (String part : value.substring(space + 1).split(";")) {
                String trimmed = part.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int equals = trimmed.indexOf('=');
                if (equals <= 0) {
                    parameters.put(trimmed, "");
                } else {
                    parameters.put(trimmed.substring(0, equals).trim(), trimmed.substring(equals + 1).trim());
                }
            }
        }
        return new Fmtp(payloadType, parameters);
    }

    static int parsePayloadType(String text, String attribute) {
        try {
            int payloadType = Integer.parseInt(text.trim());
            if (payloadType < 0 || payloadType > 127) {
                throw new SdpFormatException("a=" + attribute + " payload type must be between 0 and 127 (was "
                        + payloadType + ")");
            }
            return payloadType;
        } catch (NumberFormatException e) {
            throw new SdpFormatException("a=" + attribute + " payload type is not a number: '" + text + "'", e);
        }
    }

    /** The value of a parameter, name compared case-insensitively. */
    public Optional<String> get(String name) {
        for (Map.Entry<String, String> entry : parameters.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    /** An integer parameter, or {@code defaultValue} when absent. */
    public int getInt(String name, int defaultValue) {
        Optional<String> text = get(name);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            throw new SdpFormatException("fmtp parameter " + name.toLowerCase(Locale.ROOT) + " is not a number: '"
                    + text.get() + "'", e);
        }
    }

    /** The attribute value in ffmpeg's spelling: {@code <pt> name=value; name=value}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(payloadType);
        String separator = " ";
        for (Map.Entry<String, String> entry : parameters.entrySet()) {
            text.append(separator).append(entry.getKey()).append('=').append(entry.getValue());
            separator = "; ";
        }
        return text.toString();
    }
}
