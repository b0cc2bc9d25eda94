package io.omnicast.server.it;

import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import io.omnicast.server.channel.ChannelStats;
import io.omnicast.server.testing.FreePorts;
import io.omnicast.server.testing.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A streaming server on its own ports plus ffmpeg processes that are always killed at the end. */
final class LiveFixture implements AutoCloseable {
    static final String KEY = "it-key";
    /** Small and cheap where the issue does not ask for 720p: the 2-core machine runs many decoders at once. */
    static final String[] SMALL_TEST_PATTERN = {"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi",
        "-i", "sine=frequency=440", "-c:v", "libx264", "-profile:v", "high", "-bf", "2", "-g", "60", "-preset",
        "ultrafast", "-x264-params", "8x8dct=1", "-c:a", "aac"};

    final StreamingServer server;
    final Processes processes;

    LiveFixture() throws Exception {
        server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(FreePorts.tcp())
                .udpRtpPort(FreePorts.udpPair()).streamKey(KEY).build());
        processes = new Processes();
    }

    String url(String channel) {
        return "rtsp://127.0.0.1:" + server.rtspPort() + "/live/" + channel;
    }

    String publishUrl(String channel) {
        return url(channel) + "?key=" + KEY;
    }

    /** Starts {@code ffmpeg -re <input/encode args> -t seconds -rtsp_transport T -f rtsp URL?key=KEY}. */
    Processes.Run publish(String channel, String transport, int seconds, String... inputAndCodec) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-re"));
        cmd.addAll(List.of(inputAndCodec));
        cmd.addAll(List.of("-t", String.valueOf(seconds), "-rtsp_transport", transport, "-f", "rtsp",
                publishUrl(channel)));
        return processes.start(cmd.toArray(String[]::new));
    }

    /** Waits until the channel is live and has received {@code packets} packets (so a keyframe is buffered). */
    void awaitLive(String channel, long packets, Processes.Run publisher) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            long received = server.stats().stream().filter(s -> s.channel().equals(channel))
                    .mapToLong(ChannelStats::packetsReceived).sum();
            if (received >= packets) {
                return;
            }
            if (!publisher.process().isAlive()) {
                throw new AssertionError("publisher exited early: " + publisher.stderrText());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("channel " + channel + " did not go live; publisher said: " + publisher.stderrText());
    }

    /** {@code ffmpeg -rtsp_transport T -i URL -t seconds -f null -}, started (not awaited). */
    Processes.Run read(String channel, String transport, int seconds) throws Exception {
        return processes.start("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-stats", "-rtsp_transport",
                transport, "-i", url(channel), "-t", String.valueOf(seconds), "-f", "null", "-");
    }

    /**
     * The error lines of an ffmpeg stderr (run with {@code -loglevel error}) except the progress lines and the null
     * muxer's complaint about equal audio timestamps, which is about timestamps handed to the muxer, not decoding.
     */
    static List<String> errors(Processes.Run run) {
        List<String> errors = new ArrayList<>();
        for (String line : run.stderrText().split("[\r\n]+")) {
            for (String part : line.split("(?=\\[[a-z0-9_]+ @ 0x)")) {
                String l = part.trim();
                if (!l.isEmpty() && !l.startsWith("frame=") && !l.contains("non monotonically increasing dts")) {
                    errors.add(l);
                }
            }
        }
        return errors;
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    @Override
    public void close() {
        processes.close();
        server.close();
    }
}
