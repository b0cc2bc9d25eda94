package io.omnicast.bridge;

import io.omnicast.bridge.publish.PublishState;
import java.util.Locale;

/**
 * A snapshot of the bridge for the status line and for tests.
 *
 * @param inputState opening, live, stalled, reconnecting, ended
 * @param fps        video frames per second sent over the last interval
 * @param kbps       kbit/s of RTP sent over the last interval
 */
public record BridgeStatus(String input, String inputState, double fps, double kbps, long framesSent,
        long framesDropped, PublishState server, long sessions, String problem) {
    /** One line, fit for a terminal: {@code input | state | fps | bitrate | frames | server}. */
    public String line() {
        return String.format(Locale.ROOT, "%s [%s] %5.1f fps %7.0f kbit/s  %d frames sent%s  server: %s%s",
                input, inputState, fps, kbps, framesSent, framesDropped > 0 ? " (" + framesDropped + " dropped)" : "",
                server.name().toLowerCase(Locale.ROOT), sessions > 1 ? " (session " + sessions + ")" : "");
    }
}
