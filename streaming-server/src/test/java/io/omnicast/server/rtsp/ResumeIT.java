package io.omnicast.server.rtsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.rtsp.RtspHeaderNames;
import io.netty.handler.codec.rtsp.RtspMethods;
import io.omnicast.media.rtsp.RtpInfo;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspException;
import io.omnicast.media.rtsp.RtspResponse;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import io.omnicast.server.channel.ChannelStats;
import io.omnicast.server.testing.FreePorts;
import io.omnicast.server.testing.SyntheticPublisher;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A child failing over sends {@code X-OmniCast-Resume-Seq} on PLAY: it starts at that packet while the ring still
 * holds it, else at the latest keyframe, and RTP-Info says which. The synthetic video sequence starts at 65000 and
 * wraps during the test; the ring holds 256 packets, so the oldest ones are gone.
 */
class ResumeIT {
    private static final int FRAMES = 460; // 552 video packets: seq 65000 .. 65535, 0 .. 15
    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private StreamingServer server;
    private String url;
    private SyntheticPublisher publisher;

    @BeforeEach
    void start() throws Exception {
        server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(FreePorts.tcp())
                .udpRtpPort(FreePorts.udpPair()).bufferPackets(256).build());
        url = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/resume";
        publisher = SyntheticPublisher.start(url, true, 10, group, RtspClient.Options.defaults());
        for (int i = 0; i < FRAMES; i++) {
            publisher.sendFrame();
        }
        int expected = publisher.sentVideo().size() + FRAMES;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.stats().stream().mapToLong(ChannelStats::packetsReceived).sum() < expected) {
            assertTrue(System.nanoTime() < deadline, "the server did not receive all " + expected + " packets");
            Thread.sleep(10);
        }
    }

    @AfterEach
    void stop() {
        publisher.close();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class FirstVideo implements RtspClient.MediaListener {
        final LinkedBlockingQueue<byte[]> video = new LinkedBlockingQueue<>();

        @Override
        public void onRtp(int track, ByteBuf packet) {
            if (track == 0) {
                byte[] b = new byte[packet.readableBytes()];
                packet.getBytes(packet.readerIndex(), b);
                video.add(b);
            }
        }
    }

    private static int seq(byte[] packet) {
        return ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
    }

    private static int latestKeyframeStart(List<byte[]> sent) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if ((sent.get(i)[12] & 0x1F) == 7) {
                return i; // the SPS that opens the latest GOP
            }
        }
        throw new AssertionError("no keyframe sent");
    }

    /** Plays video with the resume header; returns the RTP-Info seq and checks the first packet equals it. */
    private void resumeAndExpect(String resumeHeader, byte[] expectedFirst) throws Exception {
        FirstVideo media = new FirstVideo();
        try (RtspClient c = RtspClient.connect(url, RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS)) {
            c.mediaListener(media);
            RtspResponse describe = c.describe().get(5, TimeUnit.SECONDS);
            c.setupTcp(RtspClient.resolveControl(describe.header("Content-Base"), "trackID=0"), 0, false)
                    .get(5, TimeUnit.SECONDS);
            RtspResponse play = c.request(RtspMethods.PLAY, c.url(), Map.of(RtspHeaderNames.RANGE, "npt=0.000-",
                    "X-OmniCast-Resume-Seq", resumeHeader), null, null).get(5, TimeUnit.SECONDS);
            RtpInfo.Entry entry = RtpInfo.parse(play.header("RTP-Info")).entries().get(0);
            assertEquals(seq(expectedFirst), entry.seq().getAsInt(), "RTP-Info names where the reader starts");
            byte[] first = media.video.poll(10, TimeUnit.SECONDS);
            assertArrayEquals(expectedFirst, first, "first video packet (seq " + (first == null ? "none"
                    : seq(first)) + ")");
        }
    }

    @Test
    void resumesAtTheRequestedSequenceWhileBufferedAcrossTheWrap() throws Exception {
        List<byte[]> sent = publisher.sentVideo();
        byte[] wanted = sent.get(530);
        byte[] keyframe = sent.get(latestKeyframeStart(sent));
        assertEquals(65530, seq(wanted), "before the wrap");
        assertTrue(seq(keyframe) < 100, "the latest keyframe is after the wrap (seq " + seq(keyframe) + ")");
        resumeAndExpect("65530", wanted);
    }

    @Test
    void resumesAtTheLiveEdgeWhenTheRequestedPacketIsTheNextToArrive() throws Exception {
        List<byte[]> sent = publisher.sentVideo();
        int next = (seq(sent.get(sent.size() - 1)) + 1) & 0xFFFF;
        FirstVideo media = new FirstVideo();
        try (RtspClient c = RtspClient.connect(url, RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS)) {
            c.mediaListener(media);
            RtspResponse describe = c.describe().get(5, TimeUnit.SECONDS);
            c.setupTcp(RtspClient.resolveControl(describe.header("Content-Base"), "trackID=0"), 0, false)
                    .get(5, TimeUnit.SECONDS);
            RtspResponse play = c.request(RtspMethods.PLAY, c.url(), Map.of(RtspHeaderNames.RANGE, "npt=0.000-",
                    "X-OmniCast-Resume-Seq", Integer.toString(next)), null, null).get(5, TimeUnit.SECONDS);
            assertEquals(next, RtpInfo.parse(play.header("RTP-Info")).entries().get(0).seq().getAsInt(),
                    "RTP-Info names the next packet, not the latest keyframe");
            publisher.sendFrame();
            byte[] first = media.video.poll(10, TimeUnit.SECONDS);
            List<byte[]> now = publisher.sentVideo();
            assertArrayEquals(now.get(sent.size()), first, "the first packet is the one sent after PLAY");
        }
    }

    @Test
    void startsAtTheLatestKeyframeWhenTheRequestedPacketIsNoLongerBuffered() throws Exception {
        List<byte[]> sent = publisher.sentVideo();
        assertEquals(65010, seq(sent.get(10)));
        resumeAndExpect("65010", sent.get(latestKeyframeStart(sent)));
    }

    @Test
    void refusesAResumeHeaderThatIsNotASequenceNumber() throws Exception {
        try (RtspClient c = RtspClient.connect(url, RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS)) {
            RtspResponse describe = c.describe().get(5, TimeUnit.SECONDS);
            c.setupTcp(RtspClient.resolveControl(describe.header("Content-Base"), "trackID=0"), 0, false)
                    .get(5, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> c.request(RtspMethods.PLAY, c.url(),
                    Map.of("X-OmniCast-Resume-Seq", "70000"), null, null).get(5, TimeUnit.SECONDS));
            assertEquals(400, ((RtspException) e.getCause()).code());
            assertTrue(e.getCause().getMessage().contains("X-OmniCast-Resume-Seq"), e.getCause().getMessage());
        }
    }
}
