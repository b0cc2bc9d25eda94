package io.omnicast.server.rtsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.media.rtsp.RtpInfo;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspException;
import io.omnicast.media.rtsp.RtspResponse;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import io.omnicast.server.channel.ChannelStats;
import io.omnicast.server.testing.FreePorts;
import io.omnicast.server.testing.RawRtsp;
import io.omnicast.server.testing.SyntheticPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server in-process with RTSP clients on loopback and a synthetic stream whose every byte is known. */
class RtspServerIT {
    private static final String KEY = "s3cret";
    private final NioEventLoopGroup group = new NioEventLoopGroup(2);
    private StreamingServer server;
    private String base;

    @BeforeEach
    void start() {
        server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1").rtspPort(FreePorts.tcp())
                .udpRtpPort(FreePorts.udpPair()).streamKey(KEY).publisherTimeout(Duration.ofMillis(1500))
                .rtcpInterval(Duration.ofMillis(300)).build());
        base = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/";
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private SyntheticPublisher publish(String channel, boolean tcp, int gop) throws Exception {
        return SyntheticPublisher.start(base + channel + "?key=" + KEY, tcp, gop, group, RtspClient.Options.defaults());
    }

    /** A reader that collects what it receives. */
    private static final class Collector implements RtspClient.MediaListener {
        final LinkedBlockingQueue<byte[]> video = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<byte[]> audio = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<byte[]> rtcp = new LinkedBlockingQueue<>();

        @Override
        public void onRtp(int track, ByteBuf packet) {
            byte[] b = new byte[packet.readableBytes()];
            packet.getBytes(packet.readerIndex(), b);
            (track == 0 ? video : audio).add(b);
        }

        @Override
        public void onRtcp(int track, ByteBuf packet) {
            byte[] b = new byte[packet.readableBytes()];
            packet.getBytes(packet.readerIndex(), b);
            rtcp.add(b);
        }

        boolean sawBye() {
            for (byte[] b : rtcp) {
                for (int i = 0; i + 1 < b.length; i += 4 * ((((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF)) + 1)) {
                    if ((b[i + 1] & 0xFF) == 203) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private RtspClient play(String channel, boolean tcp, Collector collector, List<RtpInfo.Entry> rtpInfo)
            throws Exception {
        RtspClient c = RtspClient.connect(base + channel, RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS);
        c.mediaListener(collector);
        RtspResponse describe = c.describe().get(5, TimeUnit.SECONDS);
        assertTrue(describe.body().contains("a=control:trackID=1"), describe.body());
        for (int track = 0; track < 2; track++) {
            String control = RtspClient.resolveControl(describe.header("Content-Base"), "trackID=" + track);
            (tcp ? c.setupTcp(control, track, false) : c.setupUdp(control, track, false)).get(5, TimeUnit.SECONDS);
        }
        RtspResponse play = c.play().get(5, TimeUnit.SECONDS);
        if (rtpInfo != null) {
            rtpInfo.addAll(RtpInfo.parse(play.header("RTP-Info")).entries());
        }
        return c;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private long received(String channel) {
        return server.stats().stream().filter(s -> s.channel().equals(channel)).mapToLong(ChannelStats::packetsReceived)
                .sum();
    }

    @ParameterizedTest(name = "tcp={0}")
    @ValueSource(booleans = {true, false})
    void relaysThePublishersPacketsUnchangedStartingAtTheLatestKeyframe(boolean tcp) throws Exception {
        try (SyntheticPublisher pub = publish("relay", tcp, 10)) {
            for (int i = 0; i < 25; i++) {
                pub.sendFrame();
            }
            // 3 GOP starts x 3 packets + 22 P frames = 31 video packets, 25 audio
            await("56 packets at the server", () -> received("relay") == 56);
            Collector collector = new Collector();
            List<RtpInfo.Entry> info = new ArrayList<>();
            try (RtspClient reader = play("relay", tcp, collector, info)) {
                List<byte[]> sent = pub.sentVideo();
                int keyframeStart = indexOfFrameStart(sent, 20); // the SPS that starts the latest GOP
                int expectedSeq = ((sent.get(keyframeStart)[2] & 0xFF) << 8) | (sent.get(keyframeStart)[3] & 0xFF);
                assertEquals(expectedSeq, info.get(0).seq().getAsInt(), "RTP-Info seq is where the reader starts");
                for (int i = 0; i < 5; i++) {
                    pub.sendFrame();
                }
                List<byte[]> expected = pub.sentVideo().subList(keyframeStart, pub.sentVideo().size());
                await("all video since the keyframe", () -> collector.video.size() >= expected.size());
                List<byte[]> got = new ArrayList<>(collector.video);
                assertEquals(expected.size(), got.size());
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(expected.get(i), got.get(i), "video packet " + i + " differs");
                }
                await("audio", () -> collector.audio.size() >= 5);
                await("a sender report", () -> !collector.rtcp.isEmpty());
                reader.teardown().get(5, TimeUnit.SECONDS);
            }
        }
    }

    private static int indexOfFrameStart(List<byte[]> sent, int frame) {
        long ts = 3000L * frame;
        for (int i = 0; i < sent.size(); i++) {
            byte[] p = sent.get(i);
            long t = ((p[4] & 0xFFL) << 24) | ((p[5] & 0xFF) << 16) | ((p[6] & 0xFF) << 8) | (p[7] & 0xFF);
            if (t == ts) {
                return i;
            }
        }
        throw new AssertionError("no packet of frame " + frame);
    }

    @Test
    void answersANackFromTheRingBuffer() throws Exception {
        try (SyntheticPublisher pub = publish("nack", true, 10)) {
            for (int i = 0; i < 12; i++) {
                pub.sendFrame();
            }
            await("packets at the server", () -> received("nack") == 2 * 3 + 10 + 12); // 2 GOP starts, 10 P frames, 12 audio
            Collector collector = new Collector();
            try (RtspClient reader = play("nack", true, collector, null)) {
                await("video from the keyframe of frame 10", () -> collector.video.size() >= 4);
                byte[] wanted = pub.sentVideo().get(3); // before the keyframe the reader started at
                int seq = ((wanted[2] & 0xFF) << 8) | (wanted[3] & 0xFF);
                ByteBuf nack = Unpooled.buffer();
                nack.writeByte(0x81).writeByte(205).writeShort(3).writeInt(0x12345678)
                        .writeInt((int) SyntheticPublisher.VIDEO_SSRC).writeShort(seq).writeShort(0);
                collector.video.clear();
                reader.sendRtcp(0, nack);
                byte[] resent = collector.video.poll(5, TimeUnit.SECONDS);
                assertArrayEquals(wanted, resent, "the NACKed packet comes back unchanged");
                await("nack counted", () -> server.stats().get(0).readers().get(0).nacksReceived() == 1);
            }
        }
    }

    @Test
    void publisherTeardownEndsTheChannelWithByeAndItCanComeBack() throws Exception {
        Collector collector = new Collector();
        RtspClient reader;
        try (SyntheticPublisher pub = publish("bye", true, 5)) {
            for (int i = 0; i < 6; i++) {
                pub.sendFrame();
            }
            await("packets", () -> received("bye") > 0);
            reader = play("bye", false, collector, null);
            pub.client().teardown().get(5, TimeUnit.SECONDS);
        }
        await("RTCP BYE at the reader", collector::sawBye);
        await("reader connection closed", () -> !reader.channel().isActive());
        await("channel gone", () -> server.channel("bye").isEmpty());
        try (SyntheticPublisher again = publish("bye", false, 5)) {
            for (int i = 0; i < 6; i++) {
                again.sendFrame();
            }
            await("live again", () -> server.channel("bye").isPresent() && received("bye") > 0);
            Collector second = new Collector();
            try (RtspClient r2 = play("bye", false, second, null)) {
                again.sendFrame();
                await("UDP reader gets video", () -> !second.video.isEmpty());
            }
        }
    }

    @Test
    void aSilentPublisherTimesOutAndReadersAreTold() throws Exception {
        try (SyntheticPublisher pub = publish("silent", true, 5)) {
            for (int i = 0; i < 6; i++) {
                pub.sendFrame();
            }
            await("packets", () -> received("silent") > 0);
            Collector collector = new Collector();
            try (RtspClient reader = play("silent", true, collector, null)) {
                await("RTCP BYE after the publisher timeout", collector::sawBye);
                await("publisher connection closed by the server", () -> !pub.client().channel().isActive());
                assertTrue(server.channel("silent").isEmpty());
            }
        }
    }

    /**
     * A reader's SETUPs and PLAY in one write, before it knows the session (RFC 7826's Pipelined-Requests): all are
     * answered in order in the one session the first SETUP created, and media flows; the client uses it over UDP and
     * TCP when DESCRIBE names the feature.
     */
    @Test
    void pipelinedSetupsAndPlayShareTheSessionTheFirstCreated() throws Exception {
        try (SyntheticPublisher pub = publish("pipe", true, 5)) {
            for (int i = 0; i < 6; i++) {
                pub.sendFrame();
            }
            await("packets", () -> received("pipe") > 0);
            String url = base + "pipe";
            try (RawRtsp raw = new RawRtsp(server.rtspPort())) {
                String r = raw.exchange("DESCRIBE " + url + " RTSP/1.0\r\nCSeq: 1\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 200 OK") && r.toLowerCase(java.util.Locale.ROOT)
                        .contains("supported: pipelined-requests"), r);
                raw.send("SETUP " + url + "/trackID=0 RTSP/1.0\r\nCSeq: 2\r\nPipelined-Requests: 42\r\n"
                        + "Transport: RTP/AVP/TCP;interleaved=0-1\r\n\r\n"
                        + "SETUP " + url + "/trackID=1 RTSP/1.0\r\nCSeq: 3\r\nPipelined-Requests: 42\r\n"
                        + "Transport: RTP/AVP/TCP;interleaved=2-3\r\n\r\n"
                        + "PLAY " + url + " RTSP/1.0\r\nCSeq: 4\r\nPipelined-Requests: 42\r\nRange: npt=0.000-\r\n\r\n");
                String first = raw.response();
                String second = raw.response();
                String played = raw.response();
                assertTrue(first.startsWith("RTSP/1.0 200 OK") && first.contains("cseq: 2"), first);
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("session: ([0-9a-f]+)").matcher(first);
                assertTrue(m.find(), first);
                String session = m.group(1);
                assertTrue(second.startsWith("RTSP/1.0 200 OK") && second.contains("cseq: 3")
                        && second.contains("session: " + session), second);
                assertTrue(played.startsWith("RTSP/1.0 200 OK") && played.contains("cseq: 4")
                        && played.contains("session: " + session) && played.contains("trackID=1;seq="), played);
                assertEquals(1, server.stats().stream().filter(st -> st.channel().equals("pipe"))
                        .mapToInt(ChannelStats::readerCount).sum(), "one reader, one session");

                r = raw.exchange("PLAY " + url + " RTSP/1.0\r\nCSeq: 5\r\nPipelined-Requests: 43\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 454 Session Not Found (no session was created by pipeline 43"), r);
                r = raw.exchange("PLAY " + url + " RTSP/1.0\r\nCSeq: 6\r\nPipelined-Requests: x1\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 400 Bad Request (Pipelined-Requests must be 1 to 8 digits"), r);
            }
            for (boolean tcp : new boolean[] {false, true}) {
                Collector collector = new Collector();
                try (RtspClient c = RtspClient.connect(url, RtspClient.Options.defaults(), group)
                        .get(5, TimeUnit.SECONDS)) {
                    c.mediaListener(collector);
                    RtspResponse describe = c.describe().get(5, TimeUnit.SECONDS);
                    assertTrue(RtspClient.supportsPipelinedRequests(describe));
                    String contentBase = describe.header("Content-Base");
                    RtspResponse play = c.setupAndPlay(List.of(
                            new RtspClient.TrackSetup(RtspClient.resolveControl(contentBase, "trackID=0"), 0),
                            new RtspClient.TrackSetup(RtspClient.resolveControl(contentBase, "trackID=1"), 1)), tcp,
                            java.util.Map.of()).get(5, TimeUnit.SECONDS);
                    assertEquals(2, RtpInfo.parse(play.header("RTP-Info")).entries().size(), play.toString());
                    for (int i = 0; i < 3; i++) {
                        pub.sendFrame();
                    }
                    await((tcp ? "TCP" : "UDP") + " video through the pipelined session",
                            () -> collector.video.size() >= 3);
                }
            }
        }
    }

    @Test
    void refusesWithProperStatusCodesAndKeepsServingTheReader() throws Exception {
        try (SyntheticPublisher pub = publish("codes", true, 5)) {
            for (int i = 0; i < 6; i++) {
                pub.sendFrame();
            }
            await("packets", () -> received("codes") > 0);
            Collector collector = new Collector();
            try (RtspClient reader = play("codes", true, collector, null); RawRtsp raw = new RawRtsp(server.rtspPort())) {
                String url = base + "codes";
                String r = raw.exchange("DESCRIBE " + base + "nothing RTSP/1.0\r\nCSeq: 1\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 404 Not Found (channel 'nothing' is not live)"), r);
                r = raw.exchange("DESCRIBE rtsp://127.0.0.1/elsewhere/x RTSP/1.0\r\nCSeq: 2\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 404"), r);
                String sdp = SyntheticPublisher.SDP;
                r = raw.exchange("ANNOUNCE " + base + "other RTSP/1.0\r\nCSeq: 3\r\nContent-Type: application/sdp\r\n"
                        + "Content-Length: " + sdp.length() + "\r\n\r\n" + sdp);
                assertTrue(r.startsWith("RTSP/1.0 401 Unauthorized (missing stream key for channel 'other')"), r);
                assertTrue(r.contains("www-authenticate: Digest realm=\"OmniCast\""), r);
                r = raw.exchange("ANNOUNCE " + base + "other?key=wrong RTSP/1.0\r\nCSeq: 4\r\n"
                        + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp);
                assertTrue(r.startsWith("RTSP/1.0 401 Unauthorized (wrong stream key"), r);
                assertTrue(server.channel("other").isEmpty(), "nothing published with a wrong key");
                r = raw.exchange("ANNOUNCE " + url + "?key=" + KEY + " RTSP/1.0\r\nCSeq: 5\r\n"
                        + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp);
                assertTrue(r.startsWith("RTSP/1.0 455 Method Not Valid In This State (channel 'codes' already has a "
                        + "publisher)"), r);
                String bad = "v=0\r\nm=video nonsense\r\n";
                r = raw.exchange("ANNOUNCE " + base + "bad?key=" + KEY + " RTSP/1.0\r\nCSeq: 6\r\n"
                        + "Content-Type: application/sdp\r\nContent-Length: " + bad.length() + "\r\n\r\n" + bad);
                assertTrue(r.startsWith("RTSP/1.0 400 Bad Request (malformed SDP: "), r);
                r = raw.exchange("PLAY " + url + " RTSP/1.0\r\nCSeq: 7\r\nSession: deadbeefdeadbeef\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 454 Session Not Found (no session 'deadbeefdeadbeef'"), r);
                r = raw.exchange("SETUP " + url + "/trackID=0 RTSP/1.0\r\nCSeq: 8\r\n"
                        + "Transport: RTP/AVP;multicast;port=5000-5001\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 461 Unsupported Transport"), r);
                r = raw.exchange("SETUP " + url + " RTSP/1.0\r\nCSeq: 9\r\nTransport: RTP/AVP/TCP;interleaved=0-1\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 459 Aggregate Operation Not Allowed"), r);
                r = raw.exchange("OPTIONS " + url + " RTSP/1.0\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 400 Bad Request (missing CSeq header)"), r);
                r = raw.exchange("FROBNICATE " + url + " RTSP/1.0\r\nCSeq: 10\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 501 Not Implemented"), r);
                r = raw.exchange("PLAY " + url + " RTSP/1.0\r\nCSeq: 11\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 454 Session Not Found (missing Session header)"), r);
                r = raw.exchange("\u0001\u0002garbage\r\n\r\n");
                assertTrue(r.startsWith("RTSP/1.0 400 Bad Request (unexpected byte 0x01"), r);
                assertTrue(raw.closedByServer(), "a broken byte stream closes the connection");

                collector.video.clear();
                for (int i = 0; i < 3; i++) {
                    pub.sendFrame();
                }
                await("the reader still gets video", () -> collector.video.size() >= 3);
            }
        }
    }

    @Test
    void digestCredentialsAuthorizePublishing() throws Exception {
        RtspClient.Options options = RtspClient.Options.defaults().withCredentials("anyone", KEY);
        try (SyntheticPublisher pub = SyntheticPublisher.start(base + "digest", true, 5, group, options)) {
            pub.sendFrame();
            await("live", () -> server.channel("digest").isPresent());
        }
        RtspClient.Options wrong = RtspClient.Options.defaults().withCredentials("anyone", "nope");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> SyntheticPublisher.start(base + "digest2", true, 5, group, wrong));
        assertEquals(401, ((RtspException) e.getCause()).code());
        assertFalse(server.channel("digest2").isPresent());
    }

    @Test
    void pauseStopsTheReaderAndPlayResumesAtAKeyframe() throws Exception {
        try (SyntheticPublisher pub = publish("pause", true, 5)) {
            for (int i = 0; i < 6; i++) {
                pub.sendFrame();
            }
            await("packets", () -> received("pause") > 0);
            Collector collector = new Collector();
            try (RtspClient reader = play("pause", true, collector, null)) {
                await("the keyframe of frame 5", () -> collector.video.size() >= 3);
                reader.pause().get(5, TimeUnit.SECONDS);
                Thread.sleep(100);
                collector.video.clear();
                for (int i = 0; i < 3; i++) {
                    pub.sendFrame();
                }
                Thread.sleep(300);
                assertTrue(collector.video.isEmpty(), "nothing while paused");
                RtspResponse again = reader.play().get(5, TimeUnit.SECONDS);
                int seq = RtpInfo.parse(again.header("RTP-Info")).entries().get(0).seq().getAsInt();
                byte[] first = collector.video.poll(5, TimeUnit.SECONDS);
                assertEquals(seq, ((first[2] & 0xFF) << 8) | (first[3] & 0xFF), "resumes where RTP-Info says");
                assertEquals(0x67, first[12] & 0xFF, "at a keyframe: the SPS that starts the GOP");
            }
        }
    }

    @Test
    void statsCountPublisherAndReaders() throws Exception {
        try (SyntheticPublisher pub = publish("stats", true, 5)) {
            for (int i = 0; i < 6; i++) {
                pub.sendFrame();
            }
            await("packets", () -> received("stats") > 0);
            Collector a = new Collector();
            Collector b = new Collector();
            try (RtspClient ra = play("stats", true, a, null); RtspClient rb = play("stats", false, b, null)) {
                pub.sendFrame();
                await("both readers get video", () -> a.video.size() > 1 && b.video.size() > 1);
                ChannelStats stats = server.stats().stream().filter(s -> s.channel().equals("stats")).findFirst()
                        .orElseThrow();
                assertEquals(2, stats.readerCount());
                assertTrue(stats.live());
                assertTrue(stats.readers().stream().anyMatch(r -> r.transport().equals("udp")));
                assertTrue(stats.readers().stream().allMatch(r -> r.packetsSent() > 0 && r.bytesSent() > 0));
            }
        }
    }
}
