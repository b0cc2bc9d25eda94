package io.omnicast.bridge.publish;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to publish.
 *
 * @param url          {@code rtsp://HOST:PORT/live/CHANNEL}, without user info or query
 * @param streamKey    the channel's stream key, sent as the password of RTSP Digest/Basic authentication
 * @param tcp          RTP interleaved on the RTSP connection (true) or over UDP (false)
 * @param retryInitial first back-off after a failure; doubles up to {@code retryMax}
 */
public record PublishTarget(String url, String streamKey, boolean tcp, Duration retryInitial, Duration retryMax,
        Duration requestTimeout) {
    /** The user name sent with the stream key; the server checks only the key. */
    public static final String USER = "omnicast-bridge";

    public PublishTarget {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(streamKey, "streamKey");
        Objects.requireNonNull(retryInitial, "retryInitial");
        Objects.requireNonNull(retryMax, "retryMax");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** The channel name: the last path segment. */
    public String channel() {
        String path = URI.create(url).getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
