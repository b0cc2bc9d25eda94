package io.omnicast.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.media.h264.H264Packetizer;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.player.H264Decoder;
import io.omnicast.peer.player.TestStreams;
import io.omnicast.peer.proxy.ScriptedProxy;
import io.omnicast.server.LocalPublisher;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child joining a relay mid-GOP decodes its first picture at once: the relay's ring starts at the keyframe its
 * own parent sent right behind the PLAY reply, and the child gets the relay's latest keyframe. Real H.264 (the
 * Debian ffmpeg's libx264, 1 s GOP) is published at 30 fps into an in-process streaming server; both peers decode.
 *
 * <p>Regression: the packets that followed the PLAY reply in the same read were dropped (the link was not yet
 * the peer's current one), so a peer and then its relay started at the next GOP; a child waited ~700 ms from its
 * first packet to its first picture.
 */
class RelayJoinTest {
    private static final int GOP_FRAMES = 30;

    @TempDir
    Path dir;
    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final AtomicInteger frame = new AtomicInteger();
    private StreamingServer origin;
    private LocalPublisher source;
    private ScheduledFuture<?> sending;

    @BeforeEach
    void startOrigin() throws Exception {
        // Load FFmpeg's natives before the peers start: the figure is about where the stream starts, not about
        // the first library load of this JVM (hundreds of ms on a loaded machine).
        new H264Decoder(false).close();
        List<List<byte[]>> units = TestStreams.accessUnits(TestStreams.encode(dir, 320, 240, 120, GOP_FRAMES));
        origin = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(0).udpRtpPort(0)
                .build());
        source = origin.publishLocal("demo", "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=join\r\nt=0 0\r\n"
                + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 packetization-mode=1;profile-level-id=42c01e\r\na=control:streamid=0\r\n");
        RtpPacketWriter writer = new RtpPacketWriter(0x5EED5EEDL, 96, 1000);
        H264Packetizer packetizer = new H264Packetizer();
        sending = group.next().scheduleAtFixedRate(() -> {
            int n = frame.getAndIncrement();
            List<ByteBuf> nals = new ArrayList<>();
            for (byte[] nal : units.get(n % units.size())) {
                nals.add(Unpooled.wrappedBuffer(nal));
            }
            List<ByteBuf> packets = new ArrayList<>();
            packetizer.packetize(nals, 3000L * n, writer, ByteBufAllocator.DEFAULT, packets);
            packets.forEach(p -> source.offer(0, p));
        }, 0, 33_333, TimeUnit.MICROSECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        ScriptedProxy.joinParentId("origin-1");
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        sending.cancel(false);
        origin.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private PeerNode peer(String user, String parentId, String parentUrl, int maxChildren) throws Exception {
        ScriptedProxy proxy = new ScriptedProxy(group, 0);
        toClose.add(proxy);
        ScriptedProxy.parentUrl(parentUrl);
        ScriptedProxy.joinParentId(parentId);
        PeerNode peer = new PeerNode(PeerConfig.builder().proxy("127.0.0.1:" + proxy.port()).user(user)
                .password("secret-pass").channel("demo").bind("127.0.0.1").relayPort(0).maxChildren(maxChildren)
                .capacityFollowsLoad(false).transport(TransportMode.TCP).playerMode(PeerConfig.PlayerMode.HEADLESS)
                .playoutDelay(Duration.ofMillis(500)).build());
        toClose.add(peer);
        peer.start();
        await(peer, s -> (long) s.get("framesDecoded") > 0, user + " decoding");
        return peer;
    }

    @SuppressWarnings("unchecked")
    private static long join(PeerNode peer, String figure) {
        return (long) ((Map<String, Object>) peer.stats().get("join")).get(figure);
    }

    private static void await(PeerNode peer, Predicate<Map<String, Object>> condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.test(peer.stats())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + ": " + peer.stats());
            }
            Thread.sleep(5);
        }
    }

    @Test
    void childJoiningARelayMidGopDecodesItsFirstFrameWellUnderOneGop() throws Exception {
        PeerNode relay = peer("relay", "origin-1", "rtsp://127.0.0.1:" + origin.rtspPort() + "/live/demo", 1);
        long gopMs = GOP_FRAMES * 1000L / 30;
        long bound = gopMs * 40 / 100;
        assertTrue(join(relay, "decodeMs") < bound, "the relay joined the origin mid-GOP and decoded at once: "
                + relay.stats());
        Thread.sleep(1500); // the relay's ring now holds a full GOP and more
        while (frame.get() % GOP_FRAMES != 3) {
            Thread.sleep(1); // join just after a keyframe: the next one is ~900 ms away
        }
        PeerNode child = peer("child", "n-1", relay.relayUrl(), 0);
        assertTrue(join(child, "decodeMs") < bound, "first packet to first decoded frame at the relay's child "
                + "under 40% of the " + gopMs + " ms GOP: " + child.stats());
    }

    @Test
    @SuppressWarnings("unchecked")
    void childMovesMakeBeforeBreakWhenItsRelayAnnouncesItsDeparture() throws Exception {
        String originUrl = "rtsp://127.0.0.1:" + origin.rtspPort() + "/live/demo";
        PeerNode relay = peer("relay", "origin-1", originUrl, 1);
        PeerNode child = peer("child", "n-1", relay.relayUrl(), 0);
        await(child, s -> (double) s.get("fps") >= 25, "child playing");
        ScriptedProxy.parentUrl(originUrl); // the child's ReConfiguration is answered with the origin ("n-7")
        relay.close(); // RTCP BYE to the child first, Logout, then it serves until the child has moved
        await(child, s -> ((List<Map<String, Object>>) s.get("recoveries")).stream()
                .anyMatch(r -> (long) r.get("gapMs") >= 0), "the child's recovery");
        Map<String, Object> recovery = ((List<Map<String, Object>>) child.stats().get("recoveries")).get(0);
        assertEquals("rtcp-bye", recovery.get("cause"), recovery.toString());
        assertEquals("n-7", recovery.get("to"), recovery.toString());
        assertEquals(recovery.get("resumeSeq"), recovery.get("firstSeq"), recovery.toString());
        // The relay kept sending while the child opened the origin: the gap is about a frame interval, far
        // below the 500 ms playout delay (bound generous for a loaded machine).
        assertTrue((long) recovery.get("gapMs") < 250, recovery.toString());
        Thread.sleep(1500);
        Map<String, Object> stats = child.stats();
        assertEquals(0L, stats.get("stalls"), stats.toString());
        assertEquals(0L, stats.get("packetsLost"), stats.toString());
    }
}
