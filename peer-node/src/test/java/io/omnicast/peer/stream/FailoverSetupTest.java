package io.omnicast.peer.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.proxy.ParentRef;
import io.omnicast.peer.relay.RelayService;
import io.omnicast.server.LocalPublisher;
import io.omnicast.server.channel.PublishedSdp;
import io.omnicast.server.channel.TicketAdmission;
import io.omnicast.uscp.v1.FailureReason;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session set-up from a known description (the proxy's at a join, the old parent's at a fail-over) against a real
 * relay on loopback: the link sets up and plays without a DESCRIBE, and the PLAY reply's checksum confirms the
 * description; an out-of-date one is replaced by the parent's, asked for with DESCRIBE after the PLAY; an unreadable
 * one is not used; a parent that does not have the channel live yet is asked with DESCRIBE after all, which waits
 * until it is.
 */
class FailoverSetupTest {
    /** An out-of-date description: the relay's DESCRIBE never returns this s= line. */
    private static final String KNOWN = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=from-the-old-parent\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1;profile-level-id=42e01e\r\na=control:streamid=0\r\n";
    private static final String PUBLISHED = KNOWN.replace("s=from-the-old-parent", "s=published");

    private final NioEventLoopGroup group = new NioEventLoopGroup(1);
    private final EventLoop loop = group.next();

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aKnownDescriptionSkipsDescribeAndAParentNotYetLiveIsAskedAndWaitedFor() throws Exception {
        PeerConfig config = PeerConfig.builder().proxy("127.0.0.1:1").user("carol").password("secret-pass")
                .channel("demo").bind("127.0.0.1").maxChildren(3).build();
        try (RelayService relay = new RelayService(config, 3, new TicketAdmission(() -> null, () -> null), loop)) {
            String base = "rtsp://127.0.0.1:" + relay.endpoint().getPort() + "/live/";

            // the new parent has the channel and serves the description the child knows: SETUP and PLAY at once
            String served = PublishedSdp.parse(PUBLISHED).describeToReaders();
            LocalPublisher live = relay.publishOther("now", PUBLISHED);
            ScheduledFuture<?> feeding = feed(live);
            CountDownLatch packets = new CountDownLatch(3);
            CountDownLatch stalePackets = new CountDownLatch(3);
            ParentLink link = open(base + "now", packets, served).get(5, TimeUnit.SECONDS);
            ParentLink stale = null;
            ParentLink garbled = null;
            try {
                assertEquals(served, link.sdpText());
                assertEquals(0, link.staleDescriptions(), "the PLAY reply confirmed the known description");
                assertEquals(false, link.described(), "set up without DESCRIBE");
                assertTrue(packets.await(5, TimeUnit.SECONDS), "RTP from the new parent");

                // the child's copy is out of date: the PLAY reply's checksum differs, the link asks with DESCRIBE
                // and goes on with the parent's description
                stale = open(base + "now", stalePackets, KNOWN).get(5, TimeUnit.SECONDS);
                assertEquals(1, stale.staleDescriptions(), "the PLAY reply's checksum differed from the copy's");
                assertEquals(served, stale.sdpText(), "the parent's description, from the DESCRIBE");
                assertTrue(stalePackets.await(5, TimeUnit.SECONDS), "RTP with the session set up from the copy");

                // a copy that is no description at all: the link asks with DESCRIBE instead of failing the parent
                garbled = open(base + "now", new CountDownLatch(1), "not an SDP").get(5, TimeUnit.SECONDS);
                assertTrue(garbled.described());
                assertEquals(served, garbled.sdpText());
            } finally {
                loop.submit(link::close).sync();
                if (stale != null) {
                    loop.submit(stale::close).sync();
                }
                if (garbled != null) {
                    loop.submit(garbled::close).sync();
                }
                feeding.cancel(false);
                live.close();
            }

            // the new parent is still opening its own parent: the SETUP gets 404, the DESCRIBE waits for it
            CountDownLatch later = new CountDownLatch(3);
            CompletableFuture<ParentLink> opening = open(base + "later", later, KNOWN);
            Thread.sleep(300);
            assertTrue(!opening.isDone(), "waiting for the channel, not failed: " + opening);
            LocalPublisher late = relay.publishOther("later", PUBLISHED);
            ScheduledFuture<?> lateFeed = feed(late);
            ParentLink waited = opening.get(5, TimeUnit.SECONDS);
            try {
                assertNotEquals(KNOWN, waited.sdpText(), "asked with DESCRIBE");
                assertTrue(waited.sdpText().contains("m=video"), waited.sdpText());
                assertTrue(later.await(5, TimeUnit.SECONDS), "RTP once the channel is live");
            } finally {
                loop.submit(waited::close).sync();
                lateFeed.cancel(false);
                late.close();
            }
        }
    }

    private CompletableFuture<ParentLink> open(String url, CountDownLatch packets, String knownSdp) {
        return ParentLink.open(new ParentRef("n-new", 1, url, ""), TransportMode.UDP, 100, loop,
                new ParentLink.Events() {
                    @Override
                    public void onRtp(ParentLink l, int track, RtpPacket packet, long arrivalNanos) {
                        packets.countDown();
                    }

                    @Override
                    public void onFailed(ParentLink l, FailureReason reason, String detail) {
                    }
                }, 30, Duration.ofSeconds(2), 7, "child@127.0.0.1", InetAddress.getLoopbackAddress(), knownSdp);
    }

    /** A keyframe-typed NAL unit every 33 ms, so a new reader starts at once. */
    private ScheduledFuture<?> feed(LocalPublisher publisher) {
        RtpPacketWriter writer = new RtpPacketWriter(0xFEED, 96, 1);
        long[] timestamp = {0};
        return loop.scheduleAtFixedRate(() -> {
            ByteBuf payload = ByteBufAllocator.DEFAULT.buffer(64);
            try {
                payload.writeByte(0x65).writeZero(63);
                publisher.offer(0, writer.write(ByteBufAllocator.DEFAULT, timestamp[0], true, payload));
            } finally {
                payload.release();
            }
            timestamp[0] += 3000;
        }, 0, 33, TimeUnit.MILLISECONDS);
    }
}
