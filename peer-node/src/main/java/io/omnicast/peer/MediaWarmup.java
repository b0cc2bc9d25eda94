package io.omnicast.peer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.omnicast.media.h264.AnnexB;
import io.omnicast.media.h264.H264Packetizer;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.media.sdp.H264TrackFormat;
import io.omnicast.media.sdp.SdpFormatException;
import io.omnicast.peer.config.PeerConfig.PlayerMode;
import io.omnicast.peer.config.TransportMode;
import io.omnicast.peer.player.FrameAssembler;
import io.omnicast.peer.player.Player;
import io.omnicast.peer.proxy.ParentRef;
import io.omnicast.peer.relay.RelayService;
import io.omnicast.peer.stream.ParentLink;
import io.omnicast.server.LocalPublisher;
import io.omnicast.uscp.v1.FailureReason;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The play path's part of the {@link Warmup}: a real H.264 clip (one second of 320x180 baseline at 30 fps, in the
 * jar) published on the relay under another channel, received from 127.0.0.1 over UDP as a child receives it, and
 * depacketized and decoded (or counted) by a player of the peer's own mode, ten times over at nine times real
 * time in small packets. Without it a peer compiled about 300 more methods, some 2 s of compiler time, in the seconds after its join
 * (its packet, relay and decoder paths at a real packet rate), just when its first child joined it and waited for it.
 * Best effort, like the rest of the warm-up.
 */
final class MediaWarmup {
    private static final Logger log = LoggerFactory.getLogger(MediaWarmup.class);
    private static final String CLIP = "warmup-clip.h264";
    /** Three access units every 11 ms: nine times the clip's 30 fps. */
    private static final long TICK_MILLIS = 11;
    private static final int UNITS_PER_TICK = 3;
    /**
     * Small RTP payloads, so the clip makes many packets (about 7 per picture): the per-packet paths need a few
     * thousand calls before the JIT compiles them, which a 300 kbit/s clip in 1,400-byte packets would not give.
     */
    private static final int MAX_PAYLOAD_BYTES = 200;
    /**
     * The clip's description, with its SPS and PPS as {@code sprop-parameter-sets} (as an encoder's SDP has them),
     * so the warm-up hands parameter sets from the SDP to the assembler as a join does.
     */
    static String sdp(List<ByteBuf> firstAccessUnit) {
        List<String> sets = new ArrayList<>();
        for (ByteBuf nal : firstAccessUnit) {
            int type = nal.getByte(nal.readerIndex()) & 0x1F;
            if (type == 7 || type == 8) {
                byte[] bytes = new byte[nal.readableBytes()];
                nal.getBytes(nal.readerIndex(), bytes);
                sets.add(Base64.getEncoder().encodeToString(bytes));
            }
        }
        return "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=warmup\r\nt=0 0\r\n"
                + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 packetization-mode=1;profile-level-id=42c00d"
                + (sets.isEmpty() ? "" : ";sprop-parameter-sets=" + String.join(",", sets))
                + "\r\na=control:streamid=0\r\n";
    }

    private MediaWarmup() {
    }

    /** What the media warm-up did: access units sent, frames the player took in (decoded or counted). */
    record Result(int accessUnitsSent, long framesPlayed) {
    }

    /**
     * Plays the clip {@code loops} times through {@code relay} on {@code loop}.
     *
     * @param mode the peer's player mode; a window player warms up headless (no window opens)
     */
    static Result run(RelayService relay, EventLoop loop, PlayerMode mode, int loops) {
        List<List<ByteBuf>> accessUnits;
        try {
            accessUnits = accessUnits(clip());
        } catch (IOException | RuntimeException e) {
            log.debug("media warm-up: no clip: {}", e.toString());
            return new Result(0, 0);
        }
        String channel = "warmup-media-" + Long.toHexString(System.nanoTime());
        LocalPublisher publisher;
        try {
            publisher = relay.publishOther(channel, sdp(accessUnits.get(0)));
        } catch (RuntimeException e) {
            log.debug("media warm-up: cannot publish: {}", e.toString());
            return new Result(0, 0);
        }
        PlayerMode playerMode = mode == PlayerMode.WINDOW ? PlayerMode.HEADLESS : mode;
        Player player = new Player("warmup", playerMode, Duration.ofMillis(100), () -> "warm-up", () -> { }, loop);
        FrameAssembler assembler = new FrameAssembler(playerMode != PlayerMode.COUNT_ONLY, ByteBufAllocator.DEFAULT,
                player::offer);
        player.start();
        int total = accessUnits.size() * loops;
        CountDownLatch sent = new CountDownLatch(1);
        int[] next = {0};
        RtpPacketWriter writer = new RtpPacketWriter(0x5EED2, 96, 1);
        H264Packetizer packetizer = new H264Packetizer(MAX_PAYLOAD_BYTES);
        ScheduledFuture<?> feeder = loop.scheduleAtFixedRate(() -> {
            for (int i = 0; i < UNITS_PER_TICK; i++) {
                if (next[0] >= total) {
                    sent.countDown();
                    return;
                }
                List<ByteBuf> packets = new ArrayList<>();
                packetizer.packetize(accessUnits.get(next[0] % accessUnits.size()), 3000L * next[0], writer,
                        ByteBufAllocator.DEFAULT, packets);
                for (ByteBuf p : packets) {
                    publisher.offer(0, p);
                }
                next[0]++;
            }
        }, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        String url = relay.url(channel);
        ParentLink link = null;
        try {
            link = ParentLink.open(new ParentRef("warmup", 0, url, ""), TransportMode.UDP, -1, loop,
                    new ParentLink.Events() {
                        @Override
                        public void onRtp(ParentLink l, int track, RtpPacket packet, long arrivalNanos) {
                            assembler.push(packet, arrivalNanos);
                        }

                        @Override
                        public void onFailed(ParentLink l, FailureReason reason, String detail) {
                            l.close();
                        }
                    }, 30, Duration.ofSeconds(2), 1, "warmup", InetAddress.getLoopbackAddress())
                    .get(3, TimeUnit.SECONDS);
            ParentLink opened = link;
            // The parameter sets from the description, on the loop, as the peer does when its parent link opens.
            loop.submit(() -> {
                try {
                    assembler.parameterSets(H264TrackFormat.from(opened.sdp().media().get(
                            Math.max(0, opened.videoTrack()))).parameterSets());
                } catch (SdpFormatException | IndexOutOfBoundsException e) {
                    log.debug("media warm-up: parameter sets: {}", e.toString());
                }
            }).get(2, TimeUnit.SECONDS);
            if (!sent.await(total * TICK_MILLIS + 2000, TimeUnit.MILLISECONDS)) {
                log.debug("media warm-up: only {} of {} access units sent", next[0], total);
            }
            Thread.sleep(100); // the last frames through the decoder
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("media warm-up: {}", e.getCause() == null ? e.toString() : e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            feeder.cancel(false);
            ParentLink opened = link;
            CountDownLatch closed = new CountDownLatch(1);
            loop.execute(() -> {
                try {
                    if (opened != null) {
                        opened.close();
                    }
                    assembler.reset();
                } finally {
                    closed.countDown();
                }
            });
            try {
                closed.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            publisher.close();
            player.close();
        }
        return new Result(Math.min(next[0], total), player.stats().framesDecoded());
    }

    private static byte[] clip() throws IOException {
        try (InputStream in = MediaWarmup.class.getResourceAsStream(CLIP)) {
            if (in == null) {
                throw new IOException(CLIP + " is not on the class path");
            }
            return in.readAllBytes();
        }
    }

    /** The clip's NAL units grouped into access units: everything up to and including each slice. */
    static List<List<ByteBuf>> accessUnits(byte[] annexB) {
        List<List<ByteBuf>> units = new ArrayList<>();
        List<ByteBuf> current = new ArrayList<>();
        for (ByteBuf nal : AnnexB.split(Unpooled.wrappedBuffer(annexB))) {
            if (!nal.isReadable()) {
                continue;
            }
            current.add(nal);
            int type = nal.getByte(nal.readerIndex()) & 0x1F;
            if (type >= 1 && type <= 5) {
                units.add(current);
                current = new ArrayList<>();
            }
        }
        return units; // slices of a heap buffer: nothing to release
    }
}
