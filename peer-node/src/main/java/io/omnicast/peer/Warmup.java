package io.omnicast.peer;

import io.netty.channel.EventLoopGroup;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.proxy.ParentRef;
import io.omnicast.peer.stream.ParentLink;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the join's code paths once before the join, while the app starts: the USCP codec (JAXB and the schema
 * validator), Ed25519 ticket signatures, and an RTSP session attempt against this peer's own relay (client and
 * server codecs). A fresh JVM loads and links thousands of classes on these paths; done here, the viewer's
 * Tconnection measures the network and the system, not class loading. Best effort: a failure here is logged and the
 * join goes ahead.
 */
final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final int ROUNDS = 20;

    private Warmup() {
    }

    /** Warms up; returns the milliseconds it took. */
    static long run(String channel, InetSocketAddress ownRelay, InetAddress bind, EventLoopGroup group) {
        long start = System.nanoTime();
        codec();
        tickets();
        if (ownRelay != null) {
            rtsp(channel, ownRelay, bind, group);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        log.debug("warm-up took {} ms", millis);
        return millis;
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

    /** An RTSP session attempt to our own relay: refused (no ticket, nothing live) after a full exchange. */
    private static void rtsp(String channel, InetSocketAddress ownRelay, InetAddress bind, EventLoopGroup group) {
        String url = "rtsp://" + ownRelay.getAddress().getHostAddress() + ":" + ownRelay.getPort() + "/live/"
                + channel;
        ParentRef self = new ParentRef("warmup", 0, url, "warmup");
        ParentLink.Events none = new ParentLink.Events() {
            @Override
            public void onRtp(ParentLink link, int track, RtpPacket packet, long arrivalNanos) {
                // nothing is played in the warm-up (the link owns the packet)
            }

            @Override
            public void onFailed(ParentLink link, FailureReason reason, String detail) {
                link.close();
            }
        };
        try {
            ParentLink link = ParentLink.open(self, TransportMode.TCP, -1, group, none, 3, Duration.ofSeconds(1), 1,
                    "warmup", bind).get(3, TimeUnit.SECONDS);
            link.close();
        } catch (ExecutionException e) {
            log.debug("RTSP warm-up ended as expected: {}", e.getCause() == null ? e : e.getCause().getMessage());
        } catch (TimeoutException | RuntimeException e) {
            log.debug("RTSP warm-up: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
