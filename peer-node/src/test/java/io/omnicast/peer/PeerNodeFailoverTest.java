package io.omnicast.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.proxy.ScriptedProxy;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fail-over of one peer between two parents that carry the very same packets (as a relay and its own parent do):
 * two in-process streaming servers fed by one synthetic 30 fps source, a scripted proxy, and a count-only peer.
 */
class PeerNodeFailoverTest {
    private static final int GOP_FRAMES = 30;

    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private StreamingServer first;
    private StreamingServer second;
    private final List<RtspClient> publishers = new ArrayList<>();
    private final RtpPacketWriter writer = new RtpPacketWriter(0x0BADCAFEL, 96, 65_300); // wraps during the test
    private ScheduledFuture<?> sending;
    private io.netty.channel.EventLoop sourceLoop;
    private ScriptedProxy proxy;
    private PeerNode peer;
    private volatile int frame;

    private static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=twin\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1;profile-level-id=42e01e\r\na=control:streamid=0\r\n";

    @BeforeEach
    void startTwoParentsWithOneStream() throws Exception {
        first = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(0).udpRtpPort(0).build());
        second = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(0).udpRtpPort(0).build());
        for (StreamingServer server : List.of(first, second)) {
            RtspClient c = RtspClient.connect(url(server), RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS);
            c.announce(SDP).get(5, TimeUnit.SECONDS);
            c.setupTcp(c.url() + "/streamid=0", 0, true).get(5, TimeUnit.SECONDS);
            c.record().get(5, TimeUnit.SECONDS);
            publishers.add(c);
        }
        sourceLoop = group.next();
        sending = sourceLoop.scheduleAtFixedRate(this::sendFrame, 0, 33_333, TimeUnit.MICROSECONDS);
        proxy = new ScriptedProxy(group, 0);
        ScriptedProxy.parentUrl(url(first));
    }

    @AfterEach
    void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
        sending.cancel(false);
        publishers.forEach(RtspClient::close);
        proxy.close();
        if (first != null) {
            first.close();
        }
        second.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static String url(StreamingServer server) {
        return "rtsp://127.0.0.1:" + server.rtspPort() + "/live/demo";
    }

    /** One frame to both parents: SPS, PPS, IDR at the start of a GOP, else one P slice. */
    private void sendFrame() {
        long ts = 3000L * frame;
        if (frame % GOP_FRAMES == 0) {
            send(ts, false, nal(0x67, 10));
            send(ts, false, nal(0x68, 4));
            send(ts, true, nal(0x65, 900));
        } else {
            send(ts, true, nal(0x41, 300));
        }
        frame++;
    }

    private void send(long ts, boolean marker, byte[] nal) {
        ByteBuf packet = writer.write(ByteBufAllocator.DEFAULT, ts, marker, Unpooled.wrappedBuffer(nal));
        for (RtspClient c : publishers) {
            if (c.channel().isActive()) {
                c.sendRtp(0, packet.retainedDuplicate());
            }
        }
        packet.release();
    }

    private static byte[] nal(int header, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) header;
        return b;
    }

    private PeerNode startPeer() throws Exception {
        return startPeer(null);
    }

    /** A count-only peer; on {@code loops} lent to it when not null, else on its own. */
    private PeerNode startPeer(NioEventLoopGroup loops) throws Exception {
        PeerConfig config = PeerConfig.builder().proxy("127.0.0.1:" + proxy.port()).user("alice")
                .password("secret-pass").channel("demo").maxChildren(0).transport(TransportMode.TCP)
                .playerMode(PeerConfig.PlayerMode.COUNT_ONLY).playoutDelay(Duration.ofMillis(500)).build();
        peer = loops == null ? new PeerNode(config) : new PeerNode(config, loops);
        peer.start();
        await(s -> "playing".equals(s.get("state")) && (double) s.get("fps") >= 29, "playing at 30 fps");
        return peer;
    }

    private Map<String, Object> await(Predicate<Map<String, Object>> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Map<String, Object> stats = peer.stats();
        while (!condition.test(stats)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + ": " + stats);
            }
            Thread.sleep(50);
            stats = peer.stats();
        }
        return stats;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> recoveries(Map<String, Object> stats) {
        return (List<Map<String, Object>>) stats.get("recoveries");
    }

    @Test
    void recoversFromADeadParentThroughTheProxyWithoutStallOrLoss() throws Exception {
        startPeer();
        ScriptedProxy.parentUrl(url(second)); // where the proxy's answer to ReConfiguration points
        first.close();
        first = null;
        Map<String, Object> stats = await(s -> "n-7".equals(s.get("parent")) && !recoveries(s).isEmpty()
                && (long) recoveries(s).get(0).get("gapMs") >= 0, "recovery at n-7");
        Thread.sleep(2500); // let the repair window pass and the playout buffer run on the new parent
        stats = peer.stats();
        Map<String, Object> recovery = recoveries(stats).get(0);
        assertEquals("origin-1", recovery.get("from"), stats.toString());
        assertEquals("n-7", recovery.get("to"), stats.toString());
        assertTrue(List.of("connection-closed", "rtcp-bye", "rtp-timeout").contains(recovery.get("cause")),
                stats.toString());
        assertEquals(0L, recovery.get("packetsLostAfterRepair"), stats.toString());
        assertEquals(0L, stats.get("packetsLost"), stats.toString());
        assertEquals(0L, stats.get("stalls"), "the gap is shorter than the playout delay: " + stats);
        assertTrue((double) stats.get("fps") >= 29, stats.toString());
    }

    @Test
    void aPauseOfThePeersOwnLoopIsNotBlamedOnTheParent() throws Exception {
        NioEventLoopGroup own = new NioEventLoopGroup(1);
        try {
            startPeer(own);
            // 600 ms in which neither the peer nor the source runs (a GC pause of a process holding both, a
            // starved CPU): far beyond the 250 ms silence limit, and the first packets after it come a little
            // after the peer's first look.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
            Runnable spin = () -> {
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            };
            io.netty.util.concurrent.Future<?> source = sourceLoop.submit(spin);
            own.next().submit(spin).get(5, TimeUnit.SECONDS);
            source.get(5, TimeUnit.SECONDS);
            // A fail-over would have started within the first watchdog checks after the pause; 30 more frames
            // (a second of stream, dozens of checks) give it every chance to show.
            long framesAfterPause = ((Number) peer.stats().get("framesDecoded")).longValue();
            Map<String, Object> stats = await(s -> ((Number) s.get("framesDecoded")).longValue()
                    >= framesAfterPause + 30, "a second of stream after the pause");
            assertEquals("origin-1", stats.get("parent"), stats.toString());
            assertTrue(recoveries(stats).isEmpty(), "no fail-over for our own pause: " + stats);
            assertEquals(0L, stats.get("packetsLost"), stats.toString());
        } finally {
            peer.close();
            peer = null;
            own.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void resumesBySequenceAtTheNewParentAfterAFailOverMidGop() throws Exception {
        startPeer();
        ScriptedProxy.parentUrl(url(second));
        while (frame % GOP_FRAMES != GOP_FRAMES / 3) {
            Thread.sleep(1); // fail mid-GOP: a start at the latest keyframe would replay a third of a GOP
        }
        first.close();
        first = null;
        Map<String, Object> stats = await(s -> !recoveries(s).isEmpty()
                && (int) recoveries(s).get(0).get("firstSeq") >= 0 && (long) recoveries(s).get(0).get("gapMs") >= 0,
                "recovery at n-7");
        Map<String, Object> recovery = recoveries(stats).get(0);
        assertEquals("n-7", recovery.get("to"), stats.toString());
        assertTrue((int) recovery.get("resumeSeq") >= 0, "X-OmniCast-Resume-Seq was sent: " + recovery);
        assertEquals(recovery.get("resumeSeq"), recovery.get("firstSeq"),
                "the new parent started at the next missing packet, not at its keyframe: " + recovery);
        Thread.sleep(2000);
        stats = peer.stats();
        // Stalls are asserted by recoversFromADeadParent...; here a hiccup of the synthetic source on a loaded
        // machine (it feeds both parents) would say nothing about where the new parent started.
        assertEquals(0L, stats.get("packetsLost"), stats.toString());
    }

    @Test
    void movesToAPushedParentMakeBeforeBreakWithoutStall() throws Exception {
        startPeer();
        ScriptedProxy.parentUrl(url(second));
        proxy.pushParent("n-9", 3);
        Map<String, Object> stats = await(s -> "n-9".equals(s.get("parent")) && (int) s.get("hopCount") == 3,
                "moved to n-9");
        Thread.sleep(2000);
        stats = peer.stats();
        // No assertion on recoveries: on a loaded 2-core machine a >100 ms scheduling hiccup of the synthetic
        // source is a real 3-frame RTP time-out and is recorded; what the push must not cause is a stall or loss.
        assertEquals(0L, stats.get("stalls"), stats.toString());
        assertEquals(0L, stats.get("packetsLost"), stats.toString());
        assertTrue((double) stats.get("fps") >= 29, stats.toString());
        assertTrue(second.stats().stream().mapToInt(c -> c.readerCount()).sum() == 1, "reading from the second");
    }

    @Test
    void sendsRtcpReceiverReportsOnASchedule() throws Exception {
        startPeer();
        Thread.sleep(2500);
        long reports = (long) peer.stats().get("rtcpReportsSent");
        assertTrue(reports >= 2, "about one receiver report a second, got " + reports);
    }
}
