package io.omnicast.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.proxy.ParentRef;
import io.omnicast.peer.proxy.Placement;
import io.omnicast.peer.proxy.ProxyConnection;
import io.omnicast.peer.proxy.ProxyListener;
import io.omnicast.peer.proxy.ProxySession;
import io.omnicast.peer.relay.RelayService;
import io.omnicast.peer.stream.ParentLink;
import io.omnicast.server.LocalPublisher;
import io.omnicast.server.channel.ReaderAdmission;
import io.omnicast.server.channel.TicketAdmission;
import io.omnicast.uscp.UscpCodec;
import io.omnicast.uscp.UscpException;
import io.omnicast.uscp.UscpMessages;
import io.omnicast.uscp.ticket.Ticket;
import io.omnicast.uscp.ticket.TicketException;
import io.omnicast.uscp.ticket.TicketSigner;
import io.omnicast.uscp.ticket.TicketVerifier;
import io.omnicast.uscp.v1.Credentials;
import io.omnicast.uscp.v1.FailureReason;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.LogoutReason;
import io.omnicast.uscp.v1.Role;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the join's code paths before the join, while the app starts: the USCP codec on every event loop that will
 * encode and decode (its parser and validators are per thread), Ed25519 ticket signatures, whole logins of the real
 * proxy connection against a {@link WarmupProxy} on loopback, whole RTSP/RTP sessions with this peer's own relay
 * (client and server side, UDP), and the play path with a real H.264 clip ({@link MediaWarmup}). A fresh JVM loads
 * and links thousands of classes on these paths and interprets them until they ran a few hundred times; done here,
 * the viewer's Tconnection measures the network and the system, not class loading and the interpreter (a first login
 * took 30 ms this way: 7 ms to connect, 7 to encode, 11 to decode). The many rounds and the clip run once per
 * process; a second peer in the same process (many peers per JVM) runs one of each of the others, for its own loops.
 * Best effort: a failure here is logged and the join goes ahead.
 */
final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    /** Rounds of the codec per event loop: past the JIT's first compile threshold (200 calls). */
    private static final int CODEC_ROUNDS = 300;
    private static final int TICKET_ROUNDS = 100;
    private static final int LOGIN_ROUNDS = 30;
    private static final int SESSION_ROUNDS = 30;
    private static final int WANTED_PACKETS = 6;
    /** Times the media warm-up plays its one-second clip (at nine times real time). */
    private static final int MEDIA_LOOPS = 10;
    private static final AtomicBoolean PROCESS_WARM = new AtomicBoolean();
    /** The node id the warm-up's tickets name as the parent. */
    private static final String WARMUP_NODE = "warmup-relay";

    private Warmup() {
    }

    /**
     * What the warm-up did: its duration, the RTP packets its first RTSP session played, and the logins that
     * completed against the stand-in proxy.
     */
    record Result(long millis, int packetsPlayed, int logins, int ticketsVerified) {
    }

    /**
     * Warms up.
     *
     * @param config  the peer's configuration (the logins use it with the stand-in proxy's address)
     * @param reports what the logins report, as the real ones
     */
    static Result run(RelayService relay, Admission admission, EventLoopGroup group, PeerConfig config,
            Supplier<ProxyConnection.Report> reports) {
        long start = System.nanoTime();
        boolean first = PROCESS_WARM.compareAndSet(false, true);
        KeyPair key = tickets(first ? TICKET_ROUNDS : 1);
        long t1 = System.nanoTime();
        codecOnEveryLoop(group, key, first ? CODEC_ROUNDS : 2);
        long t2 = System.nanoTime();
        int logins = key == null ? 0 : logins(group, key, config, reports, first ? LOGIN_ROUNDS : 1);
        long t3 = System.nanoTime();
        int played = sessions(relay, admission, key, group, first ? SESSION_ROUNDS : 1);
        long t4 = System.nanoTime();
        MediaWarmup.Result media = first ? MediaWarmup.run(relay, group.next(), config.playerMode(), MEDIA_LOOPS)
                : new MediaWarmup.Result(0, 0);
        long end = System.nanoTime();
        long millis = TimeUnit.NANOSECONDS.toMillis(end - start);
        log.info("warm-up took {} ms: tickets {} ms, codec {} ms, {} logins {} ms, sessions {} ms ({} RTP packets "
                + "in the first, {} requests with a verified ticket), media {} ms ({} access units sent, {} frames "
                + "played)", millis, (t1 - start) / 1_000_000, (t2 - t1) / 1_000_000, logins, (t3 - t2) / 1_000_000,
                (t4 - t3) / 1_000_000, played, admission.ticketsVerified(), (end - t4) / 1_000_000,
                media.accessUnitsSent(), media.framesPlayed());
        return new Result(millis, played, logins, admission.ticketsVerified());
    }

    private static void codecOnEveryLoop(EventLoopGroup group, KeyPair key, int rounds) {
        List<Future<?>> runs = new ArrayList<>();
        for (EventExecutor loop : group) {
            runs.add(loop.submit(() -> codec(key, rounds)));
        }
        for (Future<?> run : runs) {
            run.awaitUninterruptibly();
        }
    }

    private static void codec(KeyPair key, int rounds) {
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
        Object placement = key == null ? UscpMessages.ok("warmup") : WarmupProxy.placement(
                new TicketSigner(key.getPrivate()), key.getPublic().getEncoded(), "warmup", "warmup", "n-1");
        try {
            for (int i = 0; i < rounds; i++) {
                codec.decode(codec.encode(login));
                codec.decode(codec.encode(placement));
            }
        } catch (UscpException | RuntimeException e) {
            log.debug("USCP codec warm-up: {}", e.toString());
        }
    }

    /** Logins of the real proxy connection against a stand-in proxy; how many completed. */
    private static int logins(EventLoopGroup group, KeyPair key, PeerConfig config,
            Supplier<ProxyConnection.Report> reports, int rounds) {
        int done = 0;
        try (WarmupProxy proxy = new WarmupProxy(group, key)) {
            PeerConfig standIn = config.toBuilder().proxy(proxy.address()).subscribe(false).build();
            for (int i = 0; i < rounds; i++) {
                CompletableFuture<Placement> placed = new CompletableFuture<>();
                ProxyConnection connection = new ProxyConnection(standIn, null, reports, new ProxyListener() {
                    @Override
                    public void onSession(ProxySession session) {
                    }

                    @Override
                    public void onPlacement(Placement placement) {
                        placed.complete(placement);
                    }
                }, group);
                try {
                    connection.start();
                    placed.get(2, TimeUnit.SECONDS);
                    connection.logout(LogoutReason.USER, Duration.ofSeconds(1)).get(2, TimeUnit.SECONDS);
                    done++;
                } finally {
                    connection.close();
                }
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("login warm-up: {}", e.getCause() == null ? e.toString() : e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return done;
    }

    /** Signs and verifies tickets; the key pair, for the logins' tickets (null if Ed25519 is unavailable). */
    private static KeyPair tickets(int rounds) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            TicketSigner signer = new TicketSigner(pair.getPrivate());
            TicketVerifier verifier = new TicketVerifier(pair.getPublic());
            for (int i = 0; i < rounds; i++) {
                Ticket ticket = new Ticket("child-" + i, "parent", "warmup", Instant.now().plusSeconds(60));
                verifier.verify(signer.sign(ticket), "parent", "warmup", Instant.now());
            }
            return pair;
        } catch (GeneralSecurityException | TicketException | RuntimeException e) {
            log.debug("ticket warm-up: {}", e.toString());
            return null;
        }
    }

    /**
     * The relay's admission, which during the warm-up's sessions also admits the warm-up's own tickets for the
     * warm-up's channel (and only that channel); everything else goes to the real admission.
     */
    static final class Admission implements ReaderAdmission {
        /** The warm-up's channel and the admission of its tickets, while its sessions run. */
        private record During(String channel, TicketAdmission admission) {
        }

        private final ReaderAdmission real;
        private volatile During during;
        private final AtomicInteger ticketsVerified = new AtomicInteger();

        Admission(ReaderAdmission real) {
            this.real = real;
        }

        @Override
        public Optional<String> refuse(Request request) {
            During d = during;
            if (d == null || !request.channel().equals(d.channel())) {
                return real.refuse(request);
            }
            Optional<String> refused = d.admission().refuse(request);
            if (refused.isEmpty() && request.query().containsKey("ticket")) {
                ticketsVerified.incrementAndGet();
            }
            return refused;
        }

        /** Requests of the warm-up's sessions admitted with a verified ticket. */
        int ticketsVerified() {
            return ticketsVerified.get();
        }

        private void during(String channel, TicketVerifier verifier) {
            during = new During(channel, new TicketAdmission(() -> verifier, () -> WARMUP_NODE));
        }

        private void done() {
            during = null;
        }
    }

    /**
     * Whole sessions with our own relay: the relay publishes a synthetic stream (SPS, PPS and IDR-typed NAL units,
     * one "frame" every 33 ms; and an audio track, as the broadcasters' streams have) on another channel, and links
     * play it over UDP with a ticket signed by the warm-up's key, which the relay verifies as it will a child's: the
     * first until a few packets arrived, the others until the first (the relay sends from the latest keyframe at
     * once): DESCRIBE, SETUP of both tracks, PLAY, RTP and RTCP on both sides, as a join will use them. The packets
     * the first session played.
     */
    private static int sessions(RelayService relay, Admission admission, KeyPair key, EventLoopGroup group,
            int rounds) {
        String channel = "warmup-" + Long.toHexString(System.nanoTime());
        TicketSigner signer = null;
        if (key != null) {
            signer = new TicketSigner(key.getPrivate());
            admission.during(channel, new TicketVerifier(key.getPublic()));
        }
        LocalPublisher publisher;
        try {
            publisher = relay.publishOther(channel, SDP);
        } catch (RuntimeException e) {
            log.debug("session warm-up: cannot publish: {}", e.toString());
            admission.done();
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
        String url = relay.url(channel);
        int firstPlayed = 0;
        String[] described = {null};
        try {
            for (int round = 0; round < rounds; round++) {
                int wanted = round == 0 ? WANTED_PACKETS : 1;
                // Every other session sets up from the description the first one was given, as a join with the
                // placement's description does (no DESCRIBE; the PLAY reply's checksum confirms it).
                String known = round % 2 == 1 ? described[0] : null;
                int played = session(url, ticket(signer, channel), group, wanted, known, described);
                if (round == 0) {
                    firstPlayed = played;
                }
                if (played < wanted) {
                    break; // something is wrong; the join will tell
                }
            }
        } finally {
            feeder.cancel(false);
            publisher.close();
            admission.done();
        }
        return firstPlayed;
    }

    /** A ticket for one warm-up session, or "" (none: a loopback player's session) without Ed25519. */
    private static String ticket(TicketSigner signer, String channel) {
        if (signer == null) {
            return "";
        }
        try {
            return signer.sign(new Ticket("warmup-child", List.of(WARMUP_NODE), channel,
                    Instant.now().plusSeconds(60)));
        } catch (RuntimeException e) {
            log.debug("session warm-up: cannot sign a ticket: {}", e.toString());
            return "";
        }
    }

    /**
     * One session from 127.0.0.1 until {@code wanted} RTP packets arrived, set up from {@code knownSdp} (null: with
     * DESCRIBE); the packets that did. The parent's description goes to {@code described[0]}.
     */
    private static int session(String url, String ticket, EventLoopGroup group, int wanted, String knownSdp,
            String[] described) {
        CountDownLatch packets = new CountDownLatch(wanted);
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
        ParentLink link = null;
        try {
            link = ParentLink.open(new ParentRef(WARMUP_NODE, 0, url, ticket), TransportMode.UDP, -1, group,
                    counting, 30, Duration.ofSeconds(2), 1, "warmup", InetAddress.getLoopbackAddress(), knownSdp)
                    .get(3, TimeUnit.SECONDS);
            described[0] = link.sdpText();
            if (!packets.await(2, TimeUnit.SECONDS)) {
                log.debug("session warm-up: only {} packets arrived", wanted - packets.getCount());
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("session warm-up: {}", e.getCause() == null ? e.toString() : e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (link != null) {
                link.close();
            }
        }
        return (int) (wanted - packets.getCount());
    }

    private static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=warmup\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1;profile-level-id=42e01e\r\na=control:streamid=0\r\n"
            + "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\na=control:streamid=1\r\n";
}
