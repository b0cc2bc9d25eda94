package io.omnicast.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.peer.proxy.ProxyConnection;
import io.omnicast.peer.relay.RelayService;
import io.omnicast.server.channel.ReaderAdmission;
import io.omnicast.server.channel.TicketAdmission;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.Health;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up logs in to a stand-in proxy with the real proxy connection and plays real sessions with the
 * peer's own relay (loopback sockets, UDP), and cleans up.
 */
class WarmupTest {
    @Test
    void warmUpPlaysASessionWithTheOwnRelayAndLeavesNothingBehind() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(2);
        PeerConfig config = PeerConfig.builder().proxy("127.0.0.1:1").user("alice").password("secret-pass")
                .channel("demo").bind("127.0.0.1").maxChildren(0).build();
        // Not logged in: the real admission refuses every ticket, so only the warm-up's own can admit its sessions.
        Warmup.Admission admission = new Warmup.Admission(new TicketAdmission(() -> null, () -> null));
        try (RelayService relay = new RelayService(config, 0, admission, group.next())) {
            Capacity capacity = new Capacity();
            capacity.setMaxChildren(0);
            capacity.setUplinkKbps(10_000);
            Warmup.Result result = Warmup.run(relay, admission, group, config,
                    () -> new ProxyConnection.Report(capacity, new Health()));
            assertEquals(6, result.packetsPlayed(), "the first session played: " + result);
            // the relay checks a session's ticket at DESCRIBE and at the SETUP that creates the session
            assertTrue(result.ticketsVerified() >= 2, "the relay verified the sessions' tickets: " + result);
            assertTrue(result.logins() >= 1, "the proxy connection logged in to the stand-in proxy: " + result);
            Optional<String> after = admission.refuse(new ReaderAdmission.Request("demo", "/127.0.0.5:40000",
                    Map.of("ticket", "forged"), Map.of()));
            assertEquals(Optional.of("not logged in to the proxy yet: cannot check tickets"), after,
                    "after the warm-up the real admission decides");
            assertTrue(result.millis() < 10_000, result.toString());
            assertEquals(0, relay.readers(), "the warm-up readers are gone");
            // the relay still serves its own channel afterwards (the warm-up used another one)
            relay.publish("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
                    + "a=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void mediaWarmUpDecodesTheClipThroughTheRelayAndAUdpLinkAndLeavesNothingBehind() throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        PeerConfig config = PeerConfig.builder().proxy("127.0.0.1:1").user("bob").password("secret-pass")
                .channel("demo").bind("127.0.0.1").maxChildren(0).build();
        try (RelayService relay = new RelayService(config, 0, new TicketAdmission(() -> null, () -> null),
                group.next())) {
            for (PeerConfig.PlayerMode mode : PeerConfig.PlayerMode.values()) {
                MediaWarmup.Result result = MediaWarmup.run(relay, group.next(), mode, 3);
                assertEquals(90, result.accessUnitsSent(), mode.toString());
                // a reader that starts late starts at the latest keyframe (every 15th frame); nothing is lost after
                assertTrue(result.framesPlayed() >= 75, mode + ": frames the warm-up player took in: " + result);
                assertEquals(0, relay.readers(), "the warm-up reader is gone");
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void theClipIsThirtyAccessUnitsEachEndingInOneSliceTheFirstWithParameterSets() throws Exception {
        byte[] clip;
        try (java.io.InputStream in = MediaWarmup.class.getResourceAsStream("warmup-clip.h264")) {
            clip = in.readAllBytes();
        }
        java.util.List<java.util.List<io.netty.buffer.ByteBuf>> units = MediaWarmup.accessUnits(clip);
        assertEquals(30, units.size(), "one second at 30 fps");
        java.util.List<Integer> firstTypes = units.get(0).stream().map(n -> n.getByte(n.readerIndex()) & 0x1F)
                .toList();
        assertTrue(firstTypes.containsAll(java.util.List.of(7, 8)) && firstTypes.get(firstTypes.size() - 1) == 5,
                "SPS, PPS, IDR: " + firstTypes);
        for (java.util.List<io.netty.buffer.ByteBuf> unit : units) {
            int last = unit.get(unit.size() - 1).getByte(unit.get(unit.size() - 1).readerIndex()) & 0x1F;
            assertTrue(last == 1 || last == 5, "ends in a slice: " + last);
        }
    }

    @Test
    void theClipsDescriptionCarriesItsParameterSetsAsAnEncodersDoes() throws Exception {
        byte[] clip;
        try (java.io.InputStream in = MediaWarmup.class.getResourceAsStream("warmup-clip.h264")) {
            clip = in.readAllBytes();
        }
        java.util.List<io.netty.buffer.ByteBuf> first = MediaWarmup.accessUnits(clip).get(0);
        String sdp = MediaWarmup.sdp(first);
        io.omnicast.media.h264.ParameterSets sets = io.omnicast.media.sdp.H264TrackFormat.from(
                io.omnicast.media.sdp.SdpParser.parse(sdp).media().get(0)).parameterSets();
        assertTrue(sets.isComplete(), sdp);
        byte[] sps = new byte[first.get(0).readableBytes()];
        first.get(0).getBytes(first.get(0).readerIndex(), sps);
        assertEquals(7, sps[0] & 0x1F, "the clip starts with its SPS");
        org.junit.jupiter.api.Assertions.assertArrayEquals(sps, sets.sps(), "the SPS in the SDP is the clip's");
    }
}
