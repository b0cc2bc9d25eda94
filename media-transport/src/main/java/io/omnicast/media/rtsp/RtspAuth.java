package io.omnicast.media.rtsp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * RTSP authentication as RTSP clients speak it: Basic (RFC 7617) and Digest with MD5 and no qop (RFC 2069 style,
 * what ffmpeg, GStreamer and live555 send). Server side: {@link #challenges} and {@link #verify}; client side:
 * {@link #authorization}.
 */
public final class RtspAuth {
    private static final SecureRandom RANDOM = new SecureRandom();

    private RtspAuth() {
    }

    /** Credentials the client presented. */
    public record Credentials(String username, String password) {
    }

    /** A fresh nonce for one connection's Digest challenges. */
    public static String newNonce() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The {@code WWW-Authenticate} values a 401 carries: Digest first (clients pick the first they know), Basic. */
    public static String[] challenges(String realm, String nonce) {
        return new String[] {"Digest realm=\"" + realm + "\", nonce=\"" + nonce + "\"", "Basic realm=\"" + realm + "\""};
    }

    /**
     * True when {@code authorization} proves knowledge of {@code password} (any user name): Basic with that password,
     * or Digest over {@code method} and the URI the client put in the header with the server's {@code nonce}.
     */
    public static boolean verify(String authorization, String method, String realm, String nonce, String password) {
        if (authorization == null) {
            return false;
        }
        String a = authorization.trim();
        if (a.regionMatches(true, 0, "Basic ", 0, 6)) {
            return basicCredentials(a).map(c -> constantTimeEquals(c.password(), password)).orElse(false);
        }
        if (a.regionMatches(true, 0, "Digest ", 0, 7)) {
            Map<String, String> p = parseParameters(a.substring(7));
            String user = p.get("username");
            String uri = p.get("uri");
            String response = p.get("response");
            if (user == null || uri == null || response == null || !nonce.equals(p.get("nonce"))
                    || !realm.equals(p.get("realm"))) {
                return false;
            }
            String expected = digestResponse(user, realm, password, method, uri, nonce);
            return constantTimeEquals(expected, response.toLowerCase(Locale.ROOT));
        }
        return false;
    }

    /** The user and password of a {@code Basic} header, if it is one and decodes. */
    public static Optional<Credentials> basicCredentials(String authorization) {
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? Optional.empty()
                    : Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The {@code Authorization} value a client sends after a 401 with {@code challenge}; Digest when the challenge
     * is Digest, else Basic.
     */
    public static String authorization(String challenge, Credentials credentials, String method, String uri) {
        if (challenge != null && challenge.regionMatches(true, 0, "Digest ", 0, 7)) {
            Map<String, String> p = parseParameters(challenge.substring(7));
            String realm = p.getOrDefault("realm", "");
            String nonce = p.getOrDefault("nonce", "");
            String response = digestResponse(credentials.username(), realm, credentials.password(), method, uri,
                    nonce);
            return "Digest username=\"" + credentials.username() + "\", realm=\"" + realm + "\", nonce=\"" + nonce
                    + "\", uri=\"" + uri + "\", response=\"" + response + "\"";
        }
        return "Basic " + Base64.getEncoder().encodeToString(
                (credentials.username() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8));
    }

    static String digestResponse(String user, String realm, String password, String method, String uri,
            String nonce) {
        String ha1 = md5Hex(user + ":" + realm + ":" + password);
        String ha2 = md5Hex(method + ":" + uri);
        return md5Hex(ha1 + ":" + nonce + ":" + ha2);
    }

    /** {@code name="value", name=value} pairs of an auth header. */
    static Map<String, String> parseParameters(String s) {
        Map<String, String> result = new HashMap<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && (s.charAt(i) == ',' || s.charAt(i) == ' ')) {
                i++;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = s.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            String value;
            if (i < s.length() && s.charAt(i) == '"') {
                int close = s.indexOf('"', i + 1);
                if (close < 0) {
                    close = s.length();
                }
                value = s.substring(i + 1, close);
                i = close + 1;
            } else {
                int comma = s.indexOf(',', i);
                if (comma < 0) {
                    comma = s.length();
                }
                value = s.substring(i, comma).trim();
                i = comma;
            }
            result.putIfAbsent(name, value);
        }
        return result;
    }

    private static String md5Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java runtime", e);
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
