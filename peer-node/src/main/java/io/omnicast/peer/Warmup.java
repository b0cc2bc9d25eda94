package io.omnicast.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.proxy.ParentRef;
import io.omnicast.peer.relay.RelayService;
import io.omnicast.peer.stream.ParentLink;
import io.omnicast.server.LocalPublisher;
import io.omnicast.uscp.UscpCodec;
import io.omnicast.uscp.UscpException;
import io.omnicast.uscp.ticket.Ticket;
import io.omnicast.uscp.ticket.TicketException;
import io.omnicast.uscp.ticket.TicketSigner;
import io.omnicast.uscp.ticket.TicketVerifier;
import io.omnicast.uscp.v1.Credentials;
import io.omnicast.uscp.v1.FailureReason;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the join's code paths once before the join, while the app starts: the USCP codec (JAXB and the schema
 * validator), Ed25519 ticket signatures, and a whole RTSP/RTP session with this peer's own relay (client and
 * server side, UDP). A fresh JVM loads and links thousands of classes on these paths; done here, the viewer's
 * Tconnection measures the network and the system, not class loading. Best effort: a failure here is logged and the
 * join goes ahead.
 */
final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final int ROUNDS = 20;
    private static final int WANTED_PACKETS = 6;

    private Warmup() {
    }

    /** What the warm-up did: its duration and the RTP packets the session played. */
    record Result(long millis, int packetsPlayed) {
    }

    /** Warms up. */
    static Result run(RelayService relay, EventLoopGroup group) {
        long start = System.nanoTime();
        codec();
        tickets();
        int played = session(relay, group);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        log.debug("warm-up took {} ms ({} RTP packets played)", millis, played);
        return new Result(millis, played);
    }

    private static void codec() {
        UscpCodec codec = UscpCodec.get();
        Login login = new Login();
        login.setRequestId("warmup");
        login.setClientVersion("0.1.0");
        Credentials credentials = new Credentials();
        credentials.setUser("warmup");
        credentials.setPassword("warmup-passphrase");
        login.setCredentials(credentials);
        login.setRole(Role.VIEWER);
        login.getChannel().add("warmup");
        try {
            for (int i = 0; i < ROUNDS; i++) {
                codec.decode(codec.encode(login));
            }
        } catch (UscpException | RuntimeException e) {
            log.debug("USCP codec warm-up: {}", e.toString());
        }
    }

    private static void tickets() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            TicketSigner signer = new TicketSigner(pair.getPrivate());
            TicketVerifier verifier = new TicketVerifier(pair.getPublic());
            Ticket ticket = new Ticket("child", "parent", "warmup", Instant.now().plusSeconds(60));
            for (int i = 0; i < ROUNDS; i++) {
                verifier.verify(signer.sign(ticket), "parent", "warmup", Instant.now());
            }
        } catch (GeneralSecurityException | TicketException | RuntimeException e) {
            log.debug("ticket warm-up: {}", e.toString());
        }
    }

    /**
     * A whole session with our own relay: the relay publishes a synthetic stream (SPS, PPS and IDR-typed NAL units,
     * one "frame" every 33 ms) on another channel, and a link from 127.0.0.1 (no ticket needed) plays it over UDP
     * until a few packets arrived: DESCRIBE, SETUP, PLAY, RTP and RTCP on both sides, as a join will use them.
     */
    private static int session(RelayService relay, EventLoopGroup group) {
        String channel = "warmup-" + Long.toHexString(System.nanoTime());
        LocalPublisher publisher;
        try {
            publisher = relay.publishOther(channel, SDP);
        } catch (RuntimeException e) {
            log.debug("session warm-up: cannot publish: {}", e.toString());
            return 0;
        }
        RtpPacketWriter writer = new RtpPacketWriter(0x5EED, 96, 1);
        long[] timestamp = {0};
        ScheduledFuture<?> feeder = group.next().scheduleAtFixedRate(() -> {
            for (byte nal : new byte[] {0x67, 0x68, 0x65}) { // SPS, PPS, IDR: each a keyframe start for the ring
                ByteBuf payload = ByteBufAllocator.DEFAULT.buffer(64);
                try {
                    payload.writeByte(nal).writeZero(63);
                    publisher.offer(0, writer.write(ByteBufAllocator.DEFAULT, timestamp[0], nal == 0x65, payload));
                } finally {
                    payload.release();
                }
            }
            timestamp[0] += 3000;
        }, 0, 33, TimeUnit.MILLISECONDS);
        CountDownLatch packets = new CountDownLatch(WANTED_PACKETS);
        ParentLink.Events counting = new ParentLink.Events() {
            @Override
            public void onRtp(ParentLink link, int track, RtpPacket packet, long arrivalNanos) {
                packets.countDown();
            }

            @Override
            public void onFailed(ParentLink link, FailureReason reason, String detail) {
                link.close();
            }
        };
        InetSocketAddress endpoint = relay.endpoint();
        String url = "rtsp://" + endpoint.getAddress().getHostAddress() + ":" + endpoint.getPort() + "/live/" + channel;
        ParentLink link = null;
        try {
            link = ParentLink.open(new ParentRef("warmup", 0, url, ""), TransportMode.UDP, -1, group, counting, 30,
                    Duration.ofSeconds(2), 1, "warmup", InetAddress.getLoopbackAddress()).get(3, TimeUnit.SECONDS);
            if (!packets.await(2, TimeUnit.SECONDS)) {
                log.debug("session warm-up: only {} packets arrived", WANTED_PACKETS - packets.getCount());
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("session warm-up: {}", e.getCause() == null ? e.toString() : e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            feeder.cancel(false);
            if (link != null) {
                link.close();
            }
            publisher.close();
        }
        return (int) (WANTED_PACKETS - packets.getCount());
    }

    private static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=warmup\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1;profile-level-id=42e01e\r\na=control:streamid=0\r\n";
}
