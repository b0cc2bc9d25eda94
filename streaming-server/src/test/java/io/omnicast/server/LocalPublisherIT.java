package io.omnicast.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.media.rtcp.Goodbye;
import io.omnicast.media.rtcp.RtcpCodec;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspResponse;
import io.omnicast.server.channel.ReaderAdmission;
import io.omnicast.server.testing.FreePorts;
import io.omnicast.server.testing.RawRtsp;
import io.omnicast.server.testing.SyntheticPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamingServer#publishLocal}: a publisher in the same JVM (a peer's relay) feeds a channel without RTSP.
 * Readers get its packets byte for byte from the latest keyframe, a departure is announced with RTCP BYE while
 * packets still flow, and every packet handed in is released.
 */
class LocalPublisherIT {
    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private final RtpPacketWriter video = new RtpPacketWriter(SyntheticPublisher.VIDEO_SSRC, 96, 65530);
    private final List<byte[]> sent = new ArrayList<>();
    private final List<ByteBuf> offered = new ArrayList<>();
    private StreamingServer server;
    private int frame;

    @BeforeEach
    void start() {
        server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(FreePorts.tcp())
                .udpRtpPort(FreePorts.udpPair()).build());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class Media implements RtspClient.MediaListener {
        final LinkedBlockingQueue<byte[]> video = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Boolean> byes = new LinkedBlockingQueue<>();

        @Override
        public void onRtp(int track, ByteBuf packet) {
            if (track == 0) {
                byte[] b = new byte[packet.readableBytes()];
                packet.getBytes(packet.readerIndex(), b);
                video.add(b);
            }
        }

        @Override
        public void onRtcp(int track, ByteBuf packet) {
            if (RtcpCodec.parse(packet).stream().anyMatch(p -> p instanceof Goodbye)) {
                byes.add(Boolean.TRUE);
            }
        }
    }

    /** One frame: SPS, PPS and IDR every 10th frame, else one P slice. */
    private void sendFrame(LocalPublisher publisher) {
        long ts = 3000L * frame;
        if (frame % 10 == 0) {
            send(publisher, ts, false, 0x67, 10);
            send(publisher, ts, false, 0x68, 4);
            send(publisher, ts, true, 0x65, 300);
        } else {
            send(publisher, ts, true, 0x41, 120);
        }
        frame++;
    }

    private void send(LocalPublisher publisher, long ts, boolean marker, int nalHeader, int size) {
        byte[] nal = new byte[size];
        nal[0] = (byte) nalHeader;
        for (int i = 1; i < size; i++) {
            nal[i] = (byte) (frame * 31 + i);
        }
        ByteBuf packet = video.write(ByteBufAllocator.DEFAULT, ts, marker, Unpooled.wrappedBuffer(nal));
        byte[] copy = new byte[packet.readableBytes()];
        packet.getBytes(packet.readerIndex(), copy);
        sent.add(copy);
        offered.add(packet);
        publisher.offer(0, packet.retain()); // one reference for the channel, ours checks the release below
    }

    private int latestKeyframeStart() {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if ((sent.get(i)[12] & 0x1F) == 7) {
                return i;
            }
        }
        throw new AssertionError("no keyframe sent");
    }

    @Test
    void readersGetTheLocalPublishersPacketsUnchangedFromTheLatestKeyframe() throws Exception {
        LocalPublisher publisher = server.publishLocal("local", SyntheticPublisher.SDP);
        assertTrue(server.channel("local").isPresent() || awaitLive("local"), "the channel is live at once");
        for (int i = 0; i < 25; i++) {
            sendFrame(publisher); // the latest keyframe is frame 20, across the sequence wrap
        }
        Media media = new Media();
        String url = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/local";
        try (RtspClient c = RtspClient.connect(url, RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS)) {
            c.mediaListener(media);
            RtspResponse describe = c.describe().get(5, TimeUnit.SECONDS);
            assertTrue(describe.body().contains("H264/90000"), describe.body());
            c.setupTcp(RtspClient.resolveControl(describe.header("Content-Base"), "trackID=0"), 0, false)
                    .get(5, TimeUnit.SECONDS);
            c.play().get(5, TimeUnit.SECONDS);
            int keyframe = latestKeyframeStart();
            for (int i = keyframe; i < sent.size(); i++) {
                byte[] got = media.video.poll(5, TimeUnit.SECONDS);
                assertNotNull(got, "buffered packet " + i + " of " + sent.size());
                assertArrayEquals(sent.get(i), got, "packet " + i);
            }
            int live = sent.size();
            sendFrame(publisher);
            assertArrayEquals(sent.get(live), media.video.poll(5, TimeUnit.SECONDS), "a live packet");

            publisher.announceDeparture("relay leaving");
            assertNotNull(media.byes.poll(5, TimeUnit.SECONDS), "RTCP BYE announces the departure");
            sendFrame(publisher);
            assertArrayEquals(sent.get(live + 1), media.video.poll(5, TimeUnit.SECONDS),
                    "packets still flow after the announcement");
            publisher.close();
            assertFalse(publisher.isOpen());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (offered.stream().anyMatch(b -> b.refCnt() > 1) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        for (ByteBuf b : offered) {
            assertEquals(1, b.refCnt(), "the channel released every packet it was offered");
            b.release();
        }
        ByteBuf late = Unpooled.buffer(12).writeZero(12);
        publisher.offer(0, late);
        assertEquals(0, late.refCnt(), "a closed publisher releases what it is offered");
    }

    /**
     * A peer's relay runs on the peer's own loop and publishes as its parent link opens, on that loop, then hands it
     * the parent's keyframe at once. Regression: the start of recording was queued behind that keyframe, which the
     * channel dropped as "not recording yet"; a child joining before the next keyframe waited up to a GOP (0.3-0.8 s
     * of its Tconnection).
     */
    @Test
    void packetsOfferedOnTheChannelsLoopRightAfterPublishingAreKept() throws Exception {
        server.close();
        NioEventLoopGroup one = new NioEventLoopGroup(1);
        try {
            server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(FreePorts.tcp())
                    .udpRtpPort(FreePorts.udpPair()).build(), ReaderAdmission.ALLOW_ALL, one);
            LocalPublisher publisher = one.submit(() -> {
                LocalPublisher p = server.publishLocal("relay", SyntheticPublisher.SDP);
                for (int i = 0; i < 6; i++) {
                    sendFrame(p); // frame 0 is the only keyframe
                }
                return p;
            }).get(5, TimeUnit.SECONDS);
            Media media = new Media();
            try (RtspClient c = play("rtsp://127.0.0.1:" + server.rtspPort() + "/live/relay", media)) {
                for (int i = 0; i < sent.size(); i++) {
                    assertArrayEquals(sent.get(i), media.video.poll(5, TimeUnit.SECONDS),
                            "packet " + i + " (from the keyframe the publisher started with)");
                }
            }
            publisher.close();
        } finally {
            server.close(); // before its lent loop stops
            server = null;
            one.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        offered.forEach(ByteBuf::release);
    }

    @Test
    void aReaderThatSaidByeNoLongerCountsAgainstTheLimit() throws Exception {
        server.close();
        server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(FreePorts.tcp())
                .udpRtpPort(FreePorts.udpPair()).maxReadersPerChannel(1).build());
        LocalPublisher publisher = server.publishLocal("full", SyntheticPublisher.SDP);
        for (int i = 0; i < 12; i++) {
            sendFrame(publisher);
        }
        String url = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/full";
        Media leaving = new Media();
        Media replacing = new Media();
        try (RtspClient first = play(url, leaving)) {
            assertThrows(java.util.concurrent.ExecutionException.class, () -> play(url, new Media()).close(),
                    "the only slot is taken (453)");
            ByteBuf bye = ByteBufAllocator.DEFAULT.buffer(64);
            RtcpCodec.write(List.of(new io.omnicast.media.rtcp.ReceiverReport(0x1234L, List.of()),
                    Goodbye.of(0x1234L, "relay leaving")), bye);
            first.sendRtcp(0, bye);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            RtspClient second = null;
            while (second == null) {
                try {
                    second = play(url, replacing);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertTrue(System.nanoTime() < deadline, "the replacement was not admitted: " + e.getMessage());
                    Thread.sleep(20);
                }
            }
            try (RtspClient admitted = second) {
                sendFrame(publisher);
                assertNotNull(replacing.video.poll(5, TimeUnit.SECONDS), "the replacement gets packets");
                assertNotNull(leaving.video.poll(5, TimeUnit.SECONDS), "the leaving reader still gets packets");
            }
        }
        publisher.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (offered.stream().anyMatch(b -> b.refCnt() > 1) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        offered.forEach(b -> assertTrue(b.release(), "the channel released every packet it was offered"));
    }

    private RtspClient play(String url, Media media) throws Exception {
        RtspClient c = RtspClient.connect(url, RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS);
        try {
            c.mediaListener(media);
            RtspResponse describe = c.describe().get(5, TimeUnit.SECONDS);
            c.setupTcp(RtspClient.resolveControl(describe.header("Content-Base"), "trackID=0"), 0, false)
                    .get(5, TimeUnit.SECONDS);
            c.play().get(5, TimeUnit.SECONDS);
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    @Test
    void aDescribeBeforeTheRelayIsLiveWaitsForItWhenConfigured() throws Exception {
        // A relay peer's child may arrive while the relay still opens its own parent: it waits, not 404.
        try (StreamingServer relay = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1")
                .rtspPort(FreePorts.tcp()).udpRtpPort(FreePorts.udpPair()).describeWait(Duration.ofSeconds(2)).build());
                RawRtsp raw = new RawRtsp(relay.rtspPort());
                RawRtsp late = new RawRtsp(relay.rtspPort())) {
            String url = "rtsp://127.0.0.1:" + relay.rtspPort() + "/live/early";
            long start = System.nanoTime();
            raw.send("DESCRIBE " + url + " RTSP/1.0\r\nCSeq: 1\r\n\r\n");
            Thread.sleep(300);
            relay.publishLocal("early", SyntheticPublisher.SDP);
            String r = raw.response();
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(r.startsWith("RTSP/1.0 200 OK"), r);
            assertTrue(r.contains("m=video"), r);
            assertTrue(waitedMs >= 300 && waitedMs < 1500, "answered once live: " + waitedMs + " ms");
            // nobody publishes "never": 404 when the wait is over
            start = System.nanoTime();
            r = late.exchange("DESCRIBE rtsp://127.0.0.1:" + relay.rtspPort() + "/live/never RTSP/1.0\r\nCSeq: 1"
                    + "\r\n\r\n");
            assertTrue(r.startsWith("RTSP/1.0 404 Not Found (channel 'never' is not live)"), r);
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 1900, "waited the full 2 s");
        }
    }

    @Test
    void refusesASecondPublisherForTheSameChannel() {
        server.publishLocal("taken", SyntheticPublisher.SDP);
        assertThrows(IllegalStateException.class, () -> server.publishLocal("taken", SyntheticPublisher.SDP));
        assertThrows(IllegalArgumentException.class, () -> server.publishLocal("bad", "v=0\r\n"));
    }

    private boolean awaitLive(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (server.channel(name).isPresent()) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }
}
