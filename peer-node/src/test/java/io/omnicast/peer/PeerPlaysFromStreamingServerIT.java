package io.omnicast.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.proxy.ScriptedProxy;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A peer joins through a (scripted) proxy, pulls from a real streaming server that the Debian ffmpeg publishes a
 * 30 fps test pattern to, and decodes at 30 fps without stalls; a local ffmpeg then reads the peer's relay
 * from 127.0.0.1 without a ticket.
 */
class PeerPlaysFromStreamingServerIT {
    @Test
    void decodesAtThirtyFpsAndServesALocalPlayerWithoutTicket() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        StreamingServer server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(0)
                .udpRtpPort(0).build());
        Process ffmpeg = new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc=size=320x180:rate=30", "-c:v", "libx264", "-preset", "ultrafast",
                "-tune", "zerolatency", "-g", "30", "-pix_fmt", "yuv420p", "-f", "rtsp", "-rtsp_transport", "tcp",
                "rtsp://127.0.0.1:" + server.rtspPort() + "/live/demo").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ScriptedProxy proxy = new ScriptedProxy(group, 0);
        ScriptedProxy.parentUrl("rtsp://127.0.0.1:" + server.rtspPort() + "/live/demo");
        PeerNode peer = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (server.channel("demo").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            peer = new PeerNode(PeerConfig.builder().proxy("127.0.0.1:" + proxy.port()).user("alice")
                    .password("secret-pass").channel("demo").maxChildren(2).transport(TransportMode.TCP)
                    .playoutDelay(Duration.ofMillis(500)).build());
            peer.start();
            // The first picture ends Tconnection; the CLI says "playing" at that moment.
            peer.firstFrame().toCompletableFuture().get(20, TimeUnit.SECONDS);
            @SuppressWarnings("unchecked")
            long firstFrameMs = (long) ((Map<String, Object>) peer.stats().get("join")).get("firstFrameMs");
            assertTrue(firstFrameMs >= 0, "the first frame is timed once it completes: " + firstFrameMs);
            Thread.sleep(6000);
            Map<String, Object> stats = peer.stats();
            assertEquals("playing", stats.get("state"), stats.toString());
            assertTrue((double) stats.get("fps") >= 29, stats.toString());
            assertEquals(0L, stats.get("stalls"), stats.toString());
            assertTrue((long) stats.get("framesDecoded") > 100, stats.toString());

            Process player = new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error",
                    "-rtsp_transport", "tcp", "-i", peer.relayUrl(), "-frames:v", "30", "-f", "null", "-")
                    .redirectErrorStream(true).start();
            String out = new String(player.getInputStream().readAllBytes());
            assertTrue(player.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, player.exitValue(), out);
        } finally {
            if (peer != null) {
                peer.close();
            }
            ffmpeg.destroy();
            proxy.close();
            server.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
