package io.omnicast.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.server.testing.Processes;
import io.omnicast.server.testing.RawRtsp;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: wrong stream key, a second publisher, malformed SDP, RTSP garbage and RTP garbage to the UDP ports get
 * clear errors while the readers already playing keep decoding; a publisher that goes away ends its readers, and
 * readers can play again when it returns.
 */
class RobustnessIT {
    @Test
    void badInputIsRefusedWhileExistingReadersKeepPlaying() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            Processes.Run publisher = live.publish("robust", "tcp", 40, LiveFixture.SMALL_TEST_PATTERN);
            live.awaitLive("robust", 150, publisher);
            Processes.Run udpReader = live.read("robust", "udp", 8);
            Processes.Run tcpReader = live.read("robust", "tcp", 8);
            Thread.sleep(1000);

            Processes.Run wrongKey = live.processes.run(LiveFixture.seconds(20), "ffmpeg", "-hide_banner", "-loglevel",
                    "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30", "-t", "2", "-c:v", "libx264",
                    "-f", "rtsp", live.url("robust") + "?key=wrong");
            assertNotEquals(0, wrongKey.process().exitValue());
            assertTrue(wrongKey.stderrText().contains("401"), wrongKey.stderrText());
            Processes.Run second = live.processes.run(LiveFixture.seconds(20), "ffmpeg", "-hide_banner", "-loglevel",
                    "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30", "-t", "2", "-c:v", "libx264",
                    "-f", "rtsp", live.publishUrl("robust"));
            assertNotEquals(0, second.process().exitValue());
            assertTrue(second.stderrText().contains("455"), second.stderrText());

            try (RawRtsp raw = new RawRtsp(live.server.rtspPort())) {
                String sdp = "v=0\r\ns=broken\r\nm=video 0 RTP/AVP\r\n";
                String r = raw.exchange("ANNOUNCE " + live.publishUrl("other") + " RTSP/1.0\r\nCSeq: 1\r\n"
                        + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp);
                assertTrue(r.startsWith("RTSP/1.0 400 Bad Request (malformed SDP"), r);
            }
            try (RawRtsp raw = new RawRtsp(live.server.rtspPort())) {
                byte[] garbage = new byte[4096];
                new Random(7).nextBytes(garbage);
                garbage[0] = (byte) 0xFF;
                raw.send(garbage);
                String r = raw.response();
                assertTrue(r.startsWith("RTSP/1.0 400 Bad Request (unexpected byte 0xff"), r);
                assertTrue(raw.closedByServer());
            }
            long unknownBefore = live.server.udpUnknownSourcePackets();
            try (DatagramSocket socket = new DatagramSocket()) {
                Random random = new Random(11);
                InetAddress loopback = InetAddress.getLoopbackAddress();
                for (int i = 0; i < 500; i++) {
                    byte[] junk = new byte[1 + random.nextInt(1400)];
                    random.nextBytes(junk);
                    socket.send(new DatagramPacket(junk, junk.length, loopback, live.server.udpRtpPort()));
                    socket.send(new DatagramPacket(junk, junk.length, loopback, live.server.udpRtcpPort()));
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (live.server.udpUnknownSourcePackets() - unknownBefore < 1000 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1000, live.server.udpUnknownSourcePackets() - unknownBefore, "UDP garbage counted");

            for (Processes.Run reader : List.of(udpReader, tcpReader)) {
                assertEquals(0, reader.await(LiveFixture.seconds(30)), reader.stderrText());
                assertTrue(reader.frames() >= 230, reader.command() + " decoded " + reader.frames() + " frames");
                assertEquals(List.of(), LiveFixture.errors(reader), "decode errors");
            }
            assertTrue(live.server.counters().refusedPublishers.sum() >= 3, live.server.counters().toString());
        }
    }

    @Test
    void aPublisherThatDiesEndsItsReadersAndTheChannelComesBack() throws Exception {
        try (LiveFixture live = new LiveFixture()) {
            Processes.Run publisher = live.publish("phoenix", "udp", 60, LiveFixture.SMALL_TEST_PATTERN);
            live.awaitLive("phoenix", 150, publisher);
            Processes.Run reader = live.read("phoenix", "tcp", 60);
            Thread.sleep(1500);
            long killed = System.nanoTime();
            publisher.process().destroyForcibly(); // no TEARDOWN: the RTSP connection just closes
            assertTrue(reader.process().waitFor(10, TimeUnit.SECONDS), "reader still running after the publisher died");
            System.out.printf("reader ended %d ms after the publisher was killed (RTCP BYE, connection closed)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            assertTrue(reader.frames() > 20, reader.stderrText());

            Processes.Run again = live.publish("phoenix", "tcp", 30, LiveFixture.SMALL_TEST_PATTERN);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (live.server.channel("phoenix").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            live.awaitLive("phoenix", 150, again);
            Processes.Run second = live.read("phoenix", "udp", 3);
            assertEquals(0, second.await(LiveFixture.seconds(20)), second.stderrText());
            assertTrue(second.frames() >= 85, "after the publisher returned: " + second.frames() + " frames");
        }
    }
}
