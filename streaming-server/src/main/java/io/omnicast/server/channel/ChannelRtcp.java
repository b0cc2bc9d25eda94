package io.omnicast.server.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.omnicast.media.MediaFormatException;
import io.omnicast.media.rtcp.GenericNack;
import io.omnicast.media.rtcp.Goodbye;
import io.omnicast.media.rtcp.NtpTime;
import io.omnicast.media.rtcp.ReceiverReport;
import io.omnicast.media.rtcp.ReceptionStatistics;
import io.omnicast.media.rtcp.ReportBlock;
import io.omnicast.media.rtcp.RtcpCodec;
import io.omnicast.media.rtcp.RtcpPacket;
import io.omnicast.media.rtcp.SenderReport;
import io.omnicast.media.rtcp.SourceDescription;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.server.ServerConfig;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTCP a channel owns (RFC 3550 section 6, RFC 4585 section 6.2.1): reception statistics of the publisher's
 * streams and receiver reports to it; sender reports to readers for the publisher's SSRCs (so players can sync
 * audio and video); readers' receiver reports and NACKs; BYE when the channel ends. Belongs to the channel's loop.
 */
final class ChannelRtcp {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelRtcp.class);
    private static final String CNAME = "omnicast-server";
    /** Past this, the publisher's SR mapping is too old to move forward; the server's clock is used instead. */
    private static final long MAX_SR_AGE_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** Per track: what the publisher sent, for RRs and for the SR timestamps readers get. */
    private static final class TrackReception {
        ReceptionStatistics statistics;
        long ssrc = -1;
        long lastTimestamp;
        long lastArrivalNanos;
        long srNtp;
        long srRtp;
        long srArrivalNanos;
        boolean hasSr;
    }

    private final LiveChannel channel;
    private final ServerConfig config;
    private final long serverSsrc = ThreadLocalRandom.current().nextInt() & 0xFFFF_FFFFL;
    private TrackReception[] tracks = new TrackReception[0];
    private long nextReportNanos;
    private long garbage;
    private long publisherSenderReports;

    ChannelRtcp(LiveChannel channel, ServerConfig config) {
        this.channel = channel;
        this.config = config;
    }

    private TrackReception track(int index) {
        if (tracks.length <= index) {
            TrackReception[] grown = Arrays.copyOf(tracks, Math.max(index + 1, channel.trackCount()));
            for (int i = 0; i < grown.length; i++) {
                if (grown[i] == null) {
                    grown[i] = new TrackReception();
                }
            }
            tracks = grown;
        }
        return tracks[index];
    }

    void onPublisherRtp(int index, RtpPacket rtp, long nowNanos) {
        TrackReception t = track(index);
        if (t.statistics == null || t.ssrc != rtp.ssrc()) {
            t.ssrc = rtp.ssrc();
            t.statistics = new ReceptionStatistics(t.ssrc, Math.max(1000, channel.track(index).clockRate()));
        }
        t.statistics.onPacket(rtp.sequenceNumber(), rtp.timestamp(), nowNanos);
        t.lastTimestamp = rtp.timestamp();
        t.lastArrivalNanos = nowNanos;
    }

    private List<RtcpPacket> parse(ByteBuf packet, String from) {
        try {
            return RtcpCodec.parse(packet);
        } catch (MediaFormatException e) {
            garbage++;
            LOG.debug("channel {}: dropped bad RTCP from {}: {}", channel.name(), from, e.getMessage());
            return List.of();
        }
    }

    void onPublisherRtcp(int index, ByteBuf packet) {
        TrackReception t = track(index);
        long now = System.nanoTime();
        for (RtcpPacket p : parse(packet, "the publisher")) {
            if (p instanceof SenderReport sr) {
                publisherSenderReports++;
                t.srNtp = sr.ntpTimestamp();
                t.srRtp = sr.rtpTimestamp();
                t.srArrivalNanos = now;
                t.hasSr = true;
                if (t.statistics != null) {
                    t.statistics.onSenderReport(sr, now);
                }
            }
        }
    }

    void onReaderRtcp(LiveChannel.ReaderState state, int index, ByteBuf packet) {
        int video = channel.videoTrack();
        for (RtcpPacket p : parse(packet, "reader " + state.reader.id())) {
            List<ReportBlock> blocks = p instanceof ReceiverReport rr ? rr.reportBlocks()
                    : p instanceof SenderReport sr ? sr.reportBlocks() : List.of();
            if (!blocks.isEmpty() && (video < 0 || index == video)) { // the video track's report speaks for the reader
                ReportBlock b = blocks.get(0);
                state.fractionLost = b.fractionLost() / 256.0;
                state.cumulativeLost = b.cumulativeLost();
                state.jitterMillis = b.jitter() * 1000.0 / channel.track(index).clockRate();
            }
            if (p instanceof Goodbye) {
                state.departing = true; // a relay leaving: its slot is free for the child that replaces it
            }
            if (p instanceof GenericNack nack) {
                for (int seq : nack.lostSequences()) {
                    state.nacks++;
                    channel.retransmit(state, index, seq);
                }
            }
        }
        state.reader.flush();
    }

    /** Periodic reports: RR to the publisher, SR to every active reader. */
    void tick(long nowNanos) {
        if (nowNanos - nextReportNanos < 0) {
            return;
        }
        nextReportNanos = nowNanos + config.rtcpInterval().toNanos();
        Publisher publisher = channel.publisher();
        for (int i = 0; i < tracks.length; i++) {
            TrackReception t = tracks[i];
            if (t == null || t.statistics == null || !t.statistics.hasReport() || publisher == null) {
                continue;
            }
            publisher.sendRtcp(i, write(new ReceiverReport(serverSsrc, List.of(t.statistics.reportBlock(nowNanos))),
                    SourceDescription.cname(serverSsrc, CNAME)));
        }
        for (LiveChannel.ReaderState r : channel.readerStates()) {
            if (r.active) {
                sendSenderReports(r, nowNanos);
            }
        }
    }

    /**
     * One SR per track for the publisher's SSRC: the publisher's own wallclock-to-RTP mapping moved forward to now,
     * so lip sync survives the relay; before the publisher's first SR, the server's clock and the last packet.
     */
    void sendSenderReports(LiveChannel.ReaderState r, long nowNanos) {
        for (int i = 0; i < r.cursors.length && i < tracks.length; i++) {
            TrackReception t = tracks[i];
            if (r.cursors[i] == null || t == null || t.ssrc < 0) {
                continue;
            }
            int clock = channel.track(i).clockRate();
            long ntp;
            long rtp;
            long sinceSr = nowNanos - t.srArrivalNanos;
            if (t.hasSr && sinceSr < MAX_SR_AGE_NANOS) {
                ntp = t.srNtp + (TimeUnit.NANOSECONDS.toMicros(sinceSr) << 32) / 1_000_000;
                rtp = t.srRtp + sinceSr * clock / 1_000_000_000L;
            } else {
                ntp = NtpTime.fromInstant(Instant.now());
                rtp = t.lastTimestamp + (nowNanos - t.lastArrivalNanos) * clock / 1_000_000_000L;
            }
            long payloadOctets = Math.max(0, r.octetsSent[i] - 12 * r.packetsSent[i]);
            r.reader.sendRtcp(i, write(new SenderReport(t.ssrc, ntp, rtp & 0xFFFF_FFFFL, r.packetsSent[i] & 0xFFFF_FFFFL,
                    payloadOctets & 0xFFFF_FFFFL, List.of()), SourceDescription.cname(t.ssrc, CNAME)));
        }
        r.reader.flush();
    }

    void sendBye(LiveChannel.ReaderState r, String reason) {
        for (int i = 0; i < r.cursors.length && i < tracks.length; i++) {
            TrackReception t = tracks[i];
            if (r.cursors[i] != null && t != null && t.ssrc >= 0) {
                String text = reason.length() > 200 ? reason.substring(0, 200) : reason;
                r.reader.sendRtcp(i, write(SourceDescription.cname(t.ssrc, CNAME), Goodbye.of(t.ssrc, text)));
            }
        }
    }

    private static ByteBuf write(RtcpPacket... packets) {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer(128);
        RtcpCodec.write(List.of(packets), out);
        return out;
    }

    long packetsLostFromPublisher() {
        long lost = 0;
        for (TrackReception t : tracks) {
            if (t != null && t.statistics != null) {
                lost += Math.max(0, t.statistics.cumulativeLost());
            }
        }
        return lost;
    }

    /** Sender reports received from the publisher(s) of this channel so far. */
    long publisherSenderReports() {
        return publisherSenderReports;
    }

    /** RTCP packets (from the publisher or readers) that did not parse. */
    long garbage() {
        return garbage;
    }
}
