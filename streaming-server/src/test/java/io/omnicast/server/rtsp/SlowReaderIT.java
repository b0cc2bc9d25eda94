package io.omnicast.server.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.media.rtsp.RtspClient;
import io.omnicast.media.rtsp.RtspResponse;
import io.omnicast.server.ServerConfig;
import io.omnicast.server.StreamingServer;
import io.omnicast.server.channel.ChannelStats;
import io.omnicast.server.testing.FreePorts;
import io.omnicast.server.testing.SyntheticPublisher;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A TCP reader that stops reading is skipped and then dropped; the others never notice. UDP sessions time out. */
class SlowReaderIT {
    private static final String KEY = "k";

    @Test
    void aReaderThatStopsReadingIsDroppedWhileTheOthersGetEveryPacket() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(2);
        try (StreamingServer server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1")
                .rtspPort(FreePorts.tcp()).udpRtpPort(FreePorts.udpPair()).streamKey(KEY)
                .readerWriteBufferBytes(16 * 1024).slowReaderDropAfter(Duration.ofSeconds(2)).build())) {
            String url = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/slow";
            try (SyntheticPublisher pub = SyntheticPublisher.start(url + "?key=" + KEY, true, 15, group,
                    RtspClient.Options.defaults())) {
                pub.sendLargeFrame(10);
                AtomicInteger good = new AtomicInteger();
                RtspClient reader = RtspClient.connect(url, RtspClient.Options.defaults(), group).get(5, TimeUnit.SECONDS);
                reader.mediaListener((track, packet) -> good.incrementAndGet());
                RtspResponse d = reader.describe().get(5, TimeUnit.SECONDS);
                reader.setupTcp(RtspClient.resolveControl(d.header("Content-Base"), "trackID=0"), 0, false)
                        .get(5, TimeUnit.SECONDS);
                reader.play().get(5, TimeUnit.SECONDS);
                long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (good.get() < 12 && System.nanoTime() < wait) {
                    Thread.sleep(5); // the first frame: SPS, PPS and 10 IDR packets
                }
                assertEquals(12, good.get());

                try (Socket stuck = new Socket()) {
                    stuck.setReceiveBufferSize(4096);
                    stuck.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.rtspPort()));
                    stuck.setSoTimeout(5000);
                    InputStream in = stuck.getInputStream();
                    String setup = "SETUP " + url + "/trackID=0 RTSP/1.0\r\nCSeq: 1\r\n"
                            + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n";
                    stuck.getOutputStream().write(setup.getBytes(StandardCharsets.US_ASCII));
                    String reply = readReply(in);
                    String session = reply.lines().filter(l -> l.toLowerCase().startsWith("session:")).findFirst()
                            .orElseThrow().substring(8).trim().split(";")[0];
                    stuck.getOutputStream().write(("PLAY " + url + " RTSP/1.0\r\nCSeq: 2\r\nSession: " + session
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    // ... and never read again
                    long start = System.nanoTime();
                    int sentBefore = pub.sentVideo().size();
                    int receivedBefore = good.get();
                    boolean dropped = false;
                    long skips = 0;
                    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8)) {
                        pub.sendLargeFrame(20); // ~28 KB per frame, ~0.8 MB/s
                        Thread.sleep(33);
                        ChannelStats stats = server.stats().get(0);
                        skips = Math.max(skips, stats.readers().stream().mapToLong(r -> r.skips()).max().orElse(0));
                        if (stats.readerCount() == 1) {
                            dropped = true;
                            break;
                        }
                    }
                    assertTrue(dropped, "the stuck reader was not dropped");
                    assertTrue(skips >= 1, "the stuck reader was skipped ahead before it was dropped");
                    int expected = pub.sentVideo().size() - sentBefore;
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (good.get() - receivedBefore < expected && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    assertEquals(expected, good.get() - receivedBefore, "the good reader got every packet meanwhile");
                }
                reader.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aSilentUdpSessionTimesOut() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(2);
        try (StreamingServer server = StreamingServer.start(ServerConfig.builder().bindAddress("127.0.0.1")
                .rtspPort(FreePorts.tcp()).udpRtpPort(FreePorts.udpPair()).streamKey(KEY)
                .sessionTimeout(Duration.ofSeconds(1)).build())) {
            String url = "rtsp://127.0.0.1:" + server.rtspPort() + "/live/quiet";
            try (SyntheticPublisher pub = SyntheticPublisher.start(url + "?key=" + KEY, true, 10, group,
                    RtspClient.Options.defaults())) {
                pub.sendFrame();
                AtomicInteger packets = new AtomicInteger();
                try (RtspClient reader = RtspClient.connect(url, RtspClient.Options.defaults(), group)
                        .get(5, TimeUnit.SECONDS)) {
                    reader.mediaListener(new RtspClient.MediaListener() {
                        @Override
                        public void onRtp(int track, ByteBuf packet) {
                            packets.incrementAndGet();
                        }
                    });
                    RtspResponse d = reader.describe().get(5, TimeUnit.SECONDS);
                    reader.setupUdp(RtspClient.resolveControl(d.header("Content-Base"), "trackID=0"), 0, false)
                            .get(5, TimeUnit.SECONDS);
                    reader.play().get(5, TimeUnit.SECONDS);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
                    while (server.stats().get(0).readerCount() == 1 && System.nanoTime() < deadline) {
                        pub.sendFrame(); // the publisher is TCP: only the reader's UDP session is silent
                        Thread.sleep(33);
                    }
                    assertEquals(0, server.stats().get(0).readerCount(), "no RTCP and no request for 1 s: timed out");
                    assertTrue(packets.get() > 0);
                }
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static String readReply(InputStream in) throws Exception {
        StringBuilder s = new StringBuilder();
        while (!s.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed: " + s);
            }
            s.append((char) b);
        }
        return s.toString();
    }
}
