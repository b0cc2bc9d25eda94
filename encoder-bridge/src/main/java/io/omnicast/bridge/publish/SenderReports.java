package io.omnicast.bridge.publish;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.omnicast.media.rtcp.Goodbye;
import io.omnicast.media.rtcp.RtcpCodec;
import io.omnicast.media.rtcp.RtcpPacket;
import io.omnicast.media.rtcp.SenderReport;
import io.omnicast.media.rtcp.SenderStatistics;
import io.omnicast.media.rtcp.SourceDescription;
import io.omnicast.media.rtp.RtpHeader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The RTCP of one publishing session (RFC 3550 section 6): per track a sender report with an SDES CNAME about every
 * second, and SR + SDES + BYE when the session ends cleanly. The SR's NTP/RTP timestamp pair is what lets players
 * line audio up with video; the packet and octet counts let the server tell what it missed.
 *
 * <p>The interval rules of RFC 3550 section 6.3, simplified for a session with one sender and a bandwidth far above
 * RTCP's: a nominal interval of {@link #INTERVAL}, each one drawn uniformly from [0.5, 1.5] times it so sources do
 * not synchronise, and the first report after half an interval. Reports go only for tracks that sent since the
 * session began (an SR without a packet carries no timestamp worth having).
 *
 * <p>Not thread-safe: the publisher calls it under the session's lock.
 */
final class SenderReports {
    static final Duration INTERVAL = Duration.ofSeconds(1);

    /** Where a compound RTCP packet of a track goes; takes ownership of the buffer. */
    interface Sink {
        void send(int track, ByteBuf compound);
    }

    private final String cname;
    private final long[] ssrcs;
    private final SenderStatistics[] statistics;
    private final ByteBufAllocator allocator;
    private long nextReportNanos;
    private boolean scheduled;
    private long reportsSent;

    /** {@code ssrcs[track]} and {@code clockRates[track]} per track, in track order. */
    SenderReports(String cname, long[] ssrcs, int[] clockRates, ByteBufAllocator allocator) {
        this.cname = cname;
        this.allocator = allocator;
        this.ssrcs = ssrcs.clone();
        this.statistics = new SenderStatistics[ssrcs.length];
        for (int i = 0; i < ssrcs.length; i++) {
            statistics[i] = new SenderStatistics(ssrcs[i], clockRates[i]);
        }
    }

    /** Counts one RTP packet handed to the socket: its payload octets and its timestamp at {@code now}. */
    void onRtpSent(int track, ByteBuf rtpPacket, long rtpTimestamp, Instant now, long nowNanos) {
        int payload = Math.max(0, rtpPacket.readableBytes() - RtpHeader.FIXED_HEADER_BYTES);
        statistics[track].onPacketSent(payload, rtpTimestamp, now);
        if (!scheduled) {
            scheduled = true;
            nextReportNanos = nowNanos + randomised(INTERVAL.toNanos() / 2);
        }
    }

    /** Sends the reports when their time has come; returns true if it sent any. */
    boolean sendIfDue(Instant now, long nowNanos, Sink sink) {
        if (!scheduled || nowNanos - nextReportNanos < 0) {
            return false;
        }
        nextReportNanos = nowNanos + randomised(INTERVAL.toNanos());
        for (int track = 0; track < statistics.length; track++) {
            if (statistics[track].hasSent()) {
                sink.send(track, write(statistics[track].senderReport(now, List.of()),
                        SourceDescription.cname(ssrc(track), cname)));
                reportsSent++;
            }
        }
        return true;
    }

    /** The last word of a session: SR, SDES and BYE with {@code reason} for every track that sent. */
    void sendBye(Instant now, String reason, Sink sink) {
        for (int track = 0; track < statistics.length; track++) {
            if (statistics[track].hasSent()) {
                sink.send(track, write(statistics[track].senderReport(now, List.of()),
                        SourceDescription.cname(ssrc(track), cname), Goodbye.of(ssrc(track), reason)));
            }
        }
    }

    long reportsSent() {
        return reportsSent;
    }

    private long ssrc(int track) {
        return ssrcs[track];
    }

    private static long randomised(long nanos) {
        return (long) (nanos * (0.5 + ThreadLocalRandom.current().nextDouble()));
    }

    private ByteBuf write(RtcpPacket... packets) {
        ByteBuf out = allocator.buffer(128);
        try {
            RtcpCodec.write(List.of(packets), out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}
