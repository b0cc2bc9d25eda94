package io.omnicast.server.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.omnicast.media.rtp.ExtendedSequenceTracker;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.server.ServerConfig;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The RTCP a channel owns (RFC 3550 section 6): reception statistics of the publisher's streams and receiver reports
 * to it; sender reports to readers for the publisher's SSRCs (so players can sync audio and video); reading readers'
 * receiver reports and NACKs; BYE when the channel ends. Belongs to the channel's loop.
 */
final class ChannelRtcp {
    private static final String CNAME = "omnicast-server";

    /** Per track: what the publisher sent, for RRs and for extrapolating SR timestamps. */
    private static final class TrackReception {
        final ExtendedSequenceTracker sequence = new ExtendedSequenceTracker();
        long ssrc = -1;
        long lastTimestamp;
        long lastArrivalNanos;
        long transitPrevious = Long.MIN_VALUE;
        double jitter;
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

    ChannelRtcp(LiveChannel channel, ServerConfig config) {
        this.channel = channel;
        this.config = config;
    }

    private TrackReception track(int index) {
        if (tracks.length <= index) {
            TrackReception[] grown = java.util.Arrays.copyOf(tracks, channel.trackCount());
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
        t.ssrc = rtp.ssrc();
        t.sequence.update(rtp.sequenceNumber());
        int clock = channel.track(index).clockRate();
        // RFC 3550 A.8: interarrival jitter in timestamp units
        long arrival = TimeUnit.NANOSECONDS.toMicros(nowNanos) * clock / 1_000_000;
        long transit = arrival - rtp.timestamp();
        if (t.transitPrevious != Long.MIN_VALUE && rtp.timestamp() != t.lastTimestamp) {
            long d = Math.abs(transit - t.transitPrevious);
            if (d < (long) clock * 10) {
                t.jitter += (d - t.jitter) / 16.0;
            }
        }
        t.transitPrevious = transit;
        t.lastTimestamp = rtp.timestamp();
        t.lastArrivalNanos = nowNanos;
    }

    void onPublisherRtcp(int index, ByteBuf packet) {
        TrackReception t = track(index);
        RtcpWire.read(packet, new RtcpWire.Visitor() {
            @Override
            public void senderReport(long ssrc, long ntpTimestamp, long rtpTimestamp) {
                t.srNtp = ntpTimestamp;
                t.srRtp = rtpTimestamp;
                t.srArrivalNanos = System.nanoTime();
                t.hasSr = true;
            }
        });
    }

    void onReaderRtcp(LiveChannel.ReaderState state, int index, ByteBuf packet) {
        int video = channel.videoTrack();
        RtcpWire.read(packet, new RtcpWire.Visitor() {
            @Override
            public void reportBlock(long sourceSsrc, int fractionLost, int cumulativeLost, long jitter) {
                if (video >= 0 && index != video) {
                    return; // the video track's report speaks for the reader
                }
                state.fractionLost = fractionLost / 256.0;
                state.cumulativeLost = cumulativeLost;
                state.jitterMillis = jitter * 1000.0 / channel.track(index).clockRate();
            }

            @Override
            public void nack(long mediaSsrc, int sequenceNumber) {
                state.nacks++;
                channel.retransmit(state, index, sequenceNumber);
            }
        });
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
            if (t == null || t.ssrc < 0 || publisher == null) {
                continue;
            }
            long lsr = t.hasSr ? (t.srNtp >>> 16) & 0xFFFF_FFFFL : 0;
            long dlsr = t.hasSr ? TimeUnit.NANOSECONDS.toMicros(nowNanos - t.srArrivalNanos) * 65536 / 1_000_000 : 0;
            publisher.sendRtcp(i, RtcpWire.receiverReport(ByteBufAllocator.DEFAULT, serverSsrc, t.ssrc,
                    t.sequence.takeFractionLost(), t.sequence.cumulativeLost(), t.sequence.extendedHighestSequence(),
                    (long) t.jitter, lsr, dlsr, CNAME));
        }
        for (LiveChannel.ReaderState r : channel.readerStates()) {
            if (r.active) {
                sendSenderReports(r, nowNanos);
            }
        }
    }

    void sendSenderReports(LiveChannel.ReaderState r, long nowNanos) {
        for (int i = 0; i < r.cursors.length && i < tracks.length; i++) {
            TrackReception t = tracks[i];
            if (r.cursors[i] == null || t == null || t.ssrc < 0) {
                continue;
            }
            int clock = channel.track(i).clockRate();
            long ntp;
            long rtp;
            if (t.hasSr) {
                // the publisher's own wallclock-to-RTP mapping, moved forward to now: lip sync survives the relay
                long elapsedNanos = nowNanos - t.srArrivalNanos;
                ntp = t.srNtp + (TimeUnit.NANOSECONDS.toMicros(elapsedNanos) << 32) / 1_000_000;
                rtp = t.srRtp + elapsedNanos * clock / 1_000_000_000L;
            } else {
                ntp = RtcpWire.ntp(System.currentTimeMillis());
                rtp = t.lastTimestamp + (nowNanos - t.lastArrivalNanos) * clock / 1_000_000_000L;
            }
            long payloadOctets = Math.max(0, r.octetsSent[i] - 12 * r.packetsSent[i]);
            r.reader.sendRtcp(i, RtcpWire.senderReport(ByteBufAllocator.DEFAULT, t.ssrc, ntp, rtp & 0xFFFF_FFFFL,
                    r.packetsSent[i], payloadOctets, CNAME));
        }
        r.reader.flush();
    }

    void sendBye(LiveChannel.ReaderState r, String reason) {
        for (int i = 0; i < r.cursors.length && i < tracks.length; i++) {
            TrackReception t = tracks[i];
            if (r.cursors[i] != null && t != null && t.ssrc >= 0) {
                r.reader.sendRtcp(i, RtcpWire.bye(ByteBufAllocator.DEFAULT, t.ssrc, reason));
            }
        }
    }

    long packetsLostFromPublisher() {
        long lost = 0;
        for (TrackReception t : tracks) {
            if (t != null) {
                lost += Math.max(0, t.sequence.cumulativeLost());
            }
        }
        return lost;
    }
}
