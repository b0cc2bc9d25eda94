package io.omnicast.bridge.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.omnicast.media.rtcp.Goodbye;
import io.omnicast.media.rtcp.NtpTime;
import io.omnicast.media.rtcp.RtcpCodec;
import io.omnicast.media.rtcp.RtcpPacket;
import io.omnicast.media.rtcp.SenderReport;
import io.omnicast.media.rtcp.SourceDescription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SenderReportsTest {
    private static final long VIDEO_SSRC = 0xCAFEBABEL;
    private static final long AUDIO_SSRC = 0x12345678L;

    private record Sent(int track, List<RtcpPacket> packets) {
    }

    /** Decodes and releases what the reports send, as the server would read it. */
    private static SenderReports.Sink capture(List<Sent> into) {
        return (track, compound) -> {
            try {
                into.add(new Sent(track, RtcpCodec.parse(compound)));
            } finally {
                compound.release();
            }
        };
    }

    private static ByteBuf rtp(int payloadBytes) {
        ByteBuf packet = ByteBufAllocator.DEFAULT.buffer(12 + payloadBytes);
        packet.writeZero(12 + payloadBytes);
        return packet;
    }

    @Test
    void reportsCarryMatchingNtpAndRtpTimesGrowingCountsAndTheCname() {
        SenderReports reports = new SenderReports("omnicast-bridge-test", new long[] {VIDEO_SSRC, AUDIO_SSRC},
                new int[] {90_000, 48_000}, ByteBufAllocator.DEFAULT);
        List<Sent> sent = new ArrayList<>();
        Instant start = Instant.parse("2024-05-01T12:00:00Z");
        long startNanos = 1_000_000_000L;
        long videoTs = 1000;
        long audioTs = 7;
        // 3 s of 30 fps video (2 packets of 1000 payload bytes per frame) and 48 kHz AAC (one 300-byte packet/1024)
        for (int ms = 0; ms <= 3000; ms++) {
            Instant now = start.plusMillis(ms);
            long nanos = startNanos + TimeUnit.MILLISECONDS.toNanos(ms);
            if (ms % 33 == 0) {
                videoTs = 1000 + ms * 90L;
                for (int i = 0; i < 2; i++) {
                    ByteBuf packet = rtp(1000);
                    reports.onRtpSent(0, packet, videoTs, now, nanos);
                    packet.release();
                }
            }
            if (ms % 21 == 0) {
                audioTs = 7 + ms * 48L;
                ByteBuf packet = rtp(300);
                reports.onRtpSent(1, packet, audioTs, now, nanos);
                packet.release();
            }
            int before = sent.size();
            reports.sendIfDue(now, nanos, capture(sent));
            for (Sent s : sent.subList(before, sent.size())) {
                SenderReport sr = assertInstanceOf(SenderReport.class, s.packets().get(0));
                SourceDescription sdes = assertInstanceOf(SourceDescription.class, s.packets().get(1));
                assertEquals("omnicast-bridge-test", sdes.chunks().get(0).cname());
                assertEquals(sr.ssrc(), sdes.chunks().get(0).ssrc());
                long ntpErrorNanos = Duration.between(now, NtpTime.toInstant(sr.ntpTimestamp())).abs().toNanos();
                assertTrue(ntpErrorNanos < 1000, "NTP time is the wallclock of the report: off by " + ntpErrorNanos);
                // The RTP time of the SR is the media time at the SR's wallclock: the track's clock from ms 0.
                long expected = s.track() == 0 ? 1000 + ms * 90L : 7 + ms * 48L;
                assertTrue(Math.abs(sr.rtpTimestamp() - expected) <= 1, "track " + s.track() + " at " + ms
                        + " ms: rtp " + sr.rtpTimestamp() + ", expected " + expected);
                assertEquals(s.track() == 0 ? VIDEO_SSRC : AUDIO_SSRC, sr.ssrc());
            }
        }
        List<SenderReport> video = sent.stream().filter(s -> s.track() == 0)
                .map(s -> (SenderReport) s.packets().get(0)).toList();
        List<SenderReport> audio = sent.stream().filter(s -> s.track() == 1)
                .map(s -> (SenderReport) s.packets().get(0)).toList();
        // First report after 0.25-0.75 s, then every 0.5-1.5 s: 2 to 6 per track in 3 s.
        assertTrue(video.size() >= 2 && video.size() <= 6, "video reports: " + video.size());
        assertEquals(video.size(), audio.size());
        for (int i = 1; i < video.size(); i++) {
            assertTrue(video.get(i).packetCount() > video.get(i - 1).packetCount(), "video packet count grows");
            assertTrue(video.get(i).octetCount() > video.get(i - 1).octetCount(), "video octet count grows");
            assertEquals(video.get(i).packetCount() * 1000, video.get(i).octetCount(), "octets are payload only");
            assertTrue(audio.get(i).packetCount() > audio.get(i - 1).packetCount(), "audio packet count grows");
        }
        assertEquals(reports.reportsSent(), sent.size());
    }

    @Test
    void nothingBeforeTheFirstPacketAndByeCloses() {
        SenderReports reports = new SenderReports("c", new long[] {VIDEO_SSRC}, new int[] {90_000},
                ByteBufAllocator.DEFAULT);
        List<Sent> sent = new ArrayList<>();
        Instant now = Instant.now();
        assertFalse(reports.sendIfDue(now.plusSeconds(10), TimeUnit.SECONDS.toNanos(10), capture(sent)));
        reports.sendBye(now, "stopping", capture(sent));
        assertTrue(sent.isEmpty(), "no SR and no BYE for a source that never sent");
        ByteBuf packet = rtp(500);
        reports.onRtpSent(0, packet, 42, now, 0);
        packet.release();
        reports.sendBye(now.plus(Duration.ofMillis(100)), "publisher stopped", capture(sent));
        assertEquals(1, sent.size());
        List<RtcpPacket> bye = sent.get(0).packets();
        assertEquals(3, bye.size(), "SR, SDES, BYE: a compound starts with a report (RFC 3550 6.1)");
        assertEquals(1, ((SenderReport) bye.get(0)).packetCount());
        assertEquals(42 + 9000, ((SenderReport) bye.get(0)).rtpTimestamp());
        Goodbye goodbye = assertInstanceOf(Goodbye.class, bye.get(2));
        assertEquals(List.of(VIDEO_SSRC), goodbye.ssrcs());
        assertEquals("publisher stopped", goodbye.reason());
    }
}
