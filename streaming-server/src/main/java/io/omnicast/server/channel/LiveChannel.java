package io.omnicast.server.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.omnicast.media.buffer.Keyframe;
import io.omnicast.media.buffer.PacketRingBuffer;
import io.omnicast.media.h264.ParameterSets;
import io.omnicast.media.rtp.RtpFormatException;
import io.omnicast.media.rtp.RtpPacket;
import io.omnicast.media.rtp.SequenceNumber;
import io.omnicast.server.LatencyRecorder;
import io.omnicast.server.ServerConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live channel: its publisher, tracks, a {@link PacketRingBuffer} per track (with the keyframe index for
 * video), and readers, each with a cursor per track. Every field belongs to {@link #executor()}; public methods may
 * be called from any thread and hop onto it.
 *
 * <p>Relay is transparent: a reader gets the publisher's RTP packets unchanged. The channel adds only RTCP it
 * owns: sender reports to readers, receiver reports to the publisher, BYE at the end.
 *
 * <p>Instant start: a reader starts at the latest buffered keyframe of the video track (the first packet of the
 * access unit holding the IDR, so in-band SPS/PPS come along; otherwise the SDP carries them), and on the other
 * tracks at the packet that followed the newest one when that keyframe arrived.
 *
 * <p>Slow readers: a reader whose transport is not writable stops taking packets; when it can again, it skips
 * to the next keyframe. One that stays unwritable longer than {@code reader.slow.drop.ms} is dropped. Nobody
 * waits for it: the producer never blocks, and other readers are served in the same pass.
 */
public final class LiveChannel {
    private static final Logger LOG = LoggerFactory.getLogger(LiveChannel.class);
    /** Keyframe -> other tracks' positions remembered; a few GOPs are plenty for the rings' length. */
    private static final int KEYFRAME_POSITIONS = 64;
    /**
     * Datagram (UDP) readers are paced by a token bucket: UDP has no flow control, and a burst of seconds of video
     * (the backlog from the keyframe a new reader starts at, or a large IDR) overflows a player's socket buffer
     * while it decodes; the loss then breaks decoding. The bucket refills at this multiple of the stream's rate...
     */
    private static final double PACING_SPEED = 1.5;
    /** ... but at least this fast (bytes per second), for streams whose rate is not measured yet ... */
    private static final double MIN_PACING_BYTES_PER_SECOND = 500_000;
    /** ... and holds at most this many bytes: ffmpeg reads RTP over UDP with a 64 KiB socket buffer. */
    private static final double PACING_BURST_BYTES = 24 * 1024;
    /** A TCP reader that cannot take packets for this long skips to the next keyframe (1 s). */
    private static final long SKIP_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How often the pacer looks at readers that are behind. */
    private static final long PACING_SLICE_MILLIS = 5;

    /** The resume sequence of a reader that starts like a new one (at the latest keyframe). */
    public static final int NO_RESUME = -1;

    /** Where a reader starts on a track: for RTP-Info. */
    public record StartPoint(int track, int sequenceNumber, long rtpTimestamp) {
    }

    /** The newest sequence number of every track when a video keyframe arrived (-1: no packet yet). */
    private record KeyframePositions(long keyframeIndex, int[] newestSequences) {
    }

    private final String name;
    private final EventExecutor executor;
    private final ServerConfig config;
    private final Consumer<LiveChannel> onEnded;
    private final ChannelRtcp rtcp;
    private final LatencyRecorder firstPacketLatency;
    private final Map<Reader, ReaderState> readers = new LinkedHashMap<>();
    private final ArrayList<KeyframePositions> keyframePositions = new ArrayList<>();
    private Publisher publisher;
    private PublishedSdp sdp;
    private PacketRingBuffer[] rings = new PacketRingBuffer[0];
    private int[] newestSequence = new int[0];
    /** Per track: the direct copy of the ring packet most recently sent, and its ring index (see outgoing). */
    private ByteBuf[] sharedCopy = new ByteBuf[0];
    private long[] sharedIndex = new long[0];
    private boolean recording;
    private volatile boolean live;
    private boolean ended;
    private long lastPacketNanos;
    private long packetsReceived;
    private long bytesReceived;
    private long garbagePackets;
    /** Incoming rate, smoothed; paces the catch-up of datagram readers. */
    private double bytesPerSecond;
    private long rateBytes;
    private long rateNanos = System.nanoTime();
    private int videoTrack = -1;
    private long lastKeyframeIndex = -1;
    private ScheduledFuture<?> ticker;
    private ScheduledFuture<?> pacer;

    LiveChannel(String name, EventExecutor executor, ServerConfig config, Consumer<LiveChannel> onEnded,
            LatencyRecorder firstPacketLatency) {
        this.firstPacketLatency = firstPacketLatency;
        this.name = name;
        this.executor = executor;
        this.config = config;
        this.onEnded = onEnded;
        this.rtcp = new ChannelRtcp(this, config);
    }

    public String name() {
        return name;
    }

    /** The event loop that owns this channel. */
    public EventExecutor executor() {
        return executor;
    }

    /** The published description; set before the channel is visible to readers, never changes after. */
    public PublishedSdp sdp() {
        return sdp;
    }

    /** Called by the registry when a publisher claims the channel (on the channel's loop). */
    void attach(Publisher publisher, PublishedSdp sdp) {
        this.publisher = publisher;
        this.sdp = sdp;
        int trackCount = sdp.tracks().size();
        this.rings = new PacketRingBuffer[trackCount];
        this.newestSequence = new int[trackCount];
        this.sharedCopy = new ByteBuf[trackCount];
        this.sharedIndex = new long[trackCount];
        for (MediaTrack t : sdp.tracks()) {
            boolean video = t.isH264();
            if (video && videoTrack < 0) {
                videoTrack = t.index();
            }
            rings[t.index()] = PacketRingBuffer.builder().capacityPackets(config.bufferPackets())
                    .maxBytes(config.bufferBytes()).maxAge(config.bufferAge()).indexKeyframes(video)
                    .parameterSets(video ? parameterSets(t) : ParameterSets.NONE).build();
            newestSequence[t.index()] = -1;
        }
        lastPacketNanos = System.nanoTime();
        long tickMillis = Math.max(50, Math.min(500, config.publisherTimeout().toMillis() / 2));
        ticker = executor.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    private static ParameterSets parameterSets(MediaTrack t) {
        try {
            return t.description().fmtp(t.payloadType()).flatMap(f -> f.get("sprop-parameter-sets"))
                    .map(ParameterSets::fromSprop).orElse(ParameterSets.NONE);
        } catch (RuntimeException e) {
            LOG.debug("ignoring unreadable sprop-parameter-sets: {}", e.getMessage());
            return ParameterSets.NONE;
        }
    }

    /** The publisher started RECORD: packets may flow and readers may join. */
    public void startRecording() {
        executor.execute(() -> {
            if (ended) {
                return;
            }
            recording = true;
            live = true;
            lastPacketNanos = System.nanoTime();
            LOG.info("channel {}: live, publisher {} from {}, {} track(s)", name, publisher.id(), publisher.remote(),
                    rings.length);
        });
    }

    /** True once the publisher is recording and until the channel ends. Any thread. */
    public boolean isLive() {
        return live;
    }

    /** An RTP packet of {@code track} from the publisher; takes ownership of {@code packet}. */
    public void publishRtp(int track, ByteBuf packet) {
        // Inline only once recording: before that, the attach and the start of recording may still be queued on
        // this loop (an in-process publisher that publishes and offers on the channel's own loop), and a packet run
        // ahead of them would be dropped; queued, it keeps its place behind them. (Regression: a relay lost the
        // keyframe it started with, and a child joining before the next one waited up to a GOP.)
        if (executor.inEventLoop() && recording) {
            ingest(track, packet);
        } else {
            executor.execute(() -> ingest(track, packet));
        }
    }

    /** An RTCP packet of {@code track} from the publisher (sender reports, BYE); takes ownership. */
    public void publisherRtcp(int track, ByteBuf packet) {
        executor.execute(() -> {
            try {
                if (!ended && track >= 0 && track < rings.length) {
                    rtcp.onPublisherRtcp(track, packet);
                }
            } finally {
                packet.release();
            }
        });
    }

    /** Flushes every reader; queued at most once at a time by {@link #ingest}. */
    private final Runnable flushReaders = () -> {
        flushQueued = false;
        for (ReaderState r : readers.values()) {
            r.reader.flush();
        }
    };
    private boolean flushQueued;

    private void ingest(int track, ByteBuf packet) {
        try {
            if (ended || !recording || track < 0 || track >= rings.length) {
                return;
            }
            RtpPacket rtp;
            try {
                rtp = RtpPacket.parse(packet);
            } catch (RtpFormatException e) {
                garbagePackets++;
                LOG.debug("channel {}: dropped a packet that is not RTP: {}", name, e.getMessage());
                return;
            }
            lastPacketNanos = System.nanoTime();
            packetsReceived++;
            bytesReceived += packet.readableBytes();
            PacketRingBuffer ring = rings[track];
            if (!ring.publish(rtp)) {
                return;
            }
            newestSequence[track] = rtp.sequenceNumber();
            rtcp.onPublisherRtp(track, rtp, lastPacketNanos);
            if (track == videoTrack) {
                rememberKeyframePositions(ring);
            }
            boolean wrote = false;
            for (ReaderState r : readers.values()) {
                if (r.active && r.cursors[track] != null) {
                    wrote |= r.drain(track);
                }
            }
            if (wrote && !flushQueued) {
                // Once the loop has handled every packet that arrived with this one (a frame's burst), not per
                // packet: a reader over TCP then gets one write(2) per burst.
                flushQueued = true;
                executor.execute(flushReaders);
            }
        } finally {
            packet.release();
        }
    }

    /**
     * Readers that count against the limit: not those that said RTCP BYE. A relay that leaves says BYE to its
     * parent and keeps reading until its own children have moved; the child taking its place is admitted meanwhile.
     */
    private int staying() {
        int n = 0;
        for (ReaderState r : readers.values()) {
            if (!r.departing) {
                n++;
            }
        }
        return n;
    }

    private void rememberKeyframePositions(PacketRingBuffer ring) {
        Keyframe k = ring.latestKeyframe();
        if (k == null || k.packetIndex() == lastKeyframeIndex) {
            return;
        }
        lastKeyframeIndex = k.packetIndex();
        if (keyframePositions.size() == KEYFRAME_POSITIONS) {
            keyframePositions.remove(0);
        }
        keyframePositions.add(new KeyframePositions(k.packetIndex(), newestSequence.clone()));
    }

    /**
     * Admits a reader: places its cursors, but sends nothing until {@link #activate}, so the PLAY reply goes out
     * before the first packet. Fails if the channel is not live or is full.
     */
    public CompletableFuture<List<StartPoint>> prepareReader(Reader reader, int[] tracks) {
        CompletableFuture<List<StartPoint>> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(place(reader, tracks, NO_RESUME));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /**
     * PLAY in one step on the channel's loop: places the reader's cursors at its start points, lets
     * {@code sendReply} write the PLAY reply (it gets the start points for RTP-Info), then sends the first packets
     * at once, so nothing waits for another thread between PLAY and the keyframe leaving. The time from
     * {@code requestNanos} to the first packet handed to the transport goes to {@code firstPacketLatency}.
     * Fails (not live, full) without calling {@code sendReply}.
     */
    public CompletableFuture<Void> startReader(Reader reader, int[] tracks, long requestNanos,
            Consumer<List<StartPoint>> sendReply) {
        return startReader(reader, tracks, NO_RESUME, requestNanos, sendReply);
    }

    /**
     * As {@link #startReader(Reader, int[], long, Consumer)}, for a child failing over: its video track starts at
     * {@code resumeSequence} (the next RTP sequence number it lacks) while that packet is still buffered, else at
     * the latest keyframe as for a new reader. The start points say which it was. Other tracks start where a new
     * reader's would (audio is not resumed: a gap there is inaudible next to a frozen picture).
     *
     * @param resumeSequence 0..65535, or {@link #NO_RESUME}
     */
    public CompletableFuture<Void> startReader(Reader reader, int[] tracks, int resumeSequence, long requestNanos,
            Consumer<List<StartPoint>> sendReply) {
        if (resumeSequence != NO_RESUME && (resumeSequence < 0 || resumeSequence > 0xFFFF)) {
            throw new IllegalArgumentException("resumeSequence must be between 0 and 65535 or NO_RESUME (was "
                    + resumeSequence + ")");
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        executor.execute(() -> {
            List<StartPoint> starts;
            try {
                starts = place(reader, tracks, resumeSequence);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                return;
            }
            sendReply.accept(starts);
            ReaderState state = readers.get(reader);
            if (state != null) {
                state.playRequestNanos = requestNanos;
            }
            activateNow(reader);
            result.complete(null);
        });
        return result;
    }

    private List<StartPoint> place(Reader reader, int[] tracks, int resumeSequence) {
        {
            if (!live) {
                throw new IllegalStateException("channel " + name + " is not live");
            }
            if (!readers.containsKey(reader) && staying() >= config.maxReadersPerChannel()) {
                throw new ChannelFullException("channel " + name + " has its maximum of "
                        + config.maxReadersPerChannel() + " readers");
            }
            ReaderState state = new ReaderState(reader, rings.length);
            List<StartPoint> starts = new ArrayList<>();
            Keyframe keyframe = videoTrack >= 0 && wants(tracks, videoTrack) ? rings[videoTrack].latestKeyframe() : null;
            KeyframePositions positions = keyframe == null ? null : positionsOf(keyframe.packetIndex());
            for (int t : tracks) {
                if (t < 0 || t >= rings.length) {
                    continue;
                }
                PacketRingBuffer ring = rings[t];
                if (t == videoTrack) {
                    if (resumeSequence != NO_RESUME && (resume(ring, resumeSequence, state, t, starts)
                            || resumeAtLiveEdge(ring, resumeSequence, state, t, starts))) {
                        continue;
                    }
                    state.cursors[t] = ring.startAtLatestKeyframe();
                    if (keyframe != null) {
                        starts.add(new StartPoint(t, keyframe.sequenceNumber(), keyframe.timestamp()));
                    }
                    continue;
                }
                int startSequence = positions != null && positions.newestSequences()[t] >= 0
                        ? SequenceNumber.next(positions.newestSequences()[t])
                        : newestSequence[t] >= 0 ? SequenceNumber.next(newestSequence[t]) : -1;
                if (startSequence < 0) {
                    state.cursors[t] = ring.startAtLatestKeyframe(); // nothing yet: from the first packet
                    continue;
                }
                state.cursors[t] = ring.startAt(startSequence);
                ByteBuf first = ring.get(startSequence);
                if (first != null) {
                    try {
                        starts.add(new StartPoint(t, startSequence, RtpPacket.parse(first).timestamp()));
                    } finally {
                        first.release();
                    }
                }
            }
            ReaderState previous = readers.put(reader, state);
            if (previous != null) {
                state.inheritCounters(previous);
            }
            return starts;
        }
    }

    /**
     * Places the cursor of {@code track} at the buffered packet {@code sequence}; false if it is no longer (or not
     * yet) buffered. The ring matches sequence numbers by 16-bit distance, so a resume across the wrap works. We
     * run on the producer's loop, so the packet found cannot be evicted before the cursor is placed.
     */
    private static boolean resume(PacketRingBuffer ring, int sequence, ReaderState state, int track,
            List<StartPoint> starts) {
        ByteBuf buffered = ring.get(sequence);
        if (buffered == null) {
            return false;
        }
        try {
            state.cursors[track] = ring.startAt(sequence);
            starts.add(new StartPoint(track, sequence, RtpPacket.parse(buffered).timestamp()));
        } finally {
            buffered.release();
        }
        return true;
    }

    /**
     * A child that failed over with nothing missing asks for the packet that has not arrived yet (the next one):
     * it starts there, at the live edge, instead of replaying from the latest keyframe. RTP-Info then carries the
     * newest packet's timestamp (the next one's is not known yet). False for any other sequence.
     */
    private boolean resumeAtLiveEdge(PacketRingBuffer ring, int sequence, ReaderState state, int track,
            List<StartPoint> starts) {
        int newest = newestSequence[track];
        if (newest < 0 || SequenceNumber.next(newest) != sequence) {
            return false;
        }
        ByteBuf last = ring.get(newest);
        if (last == null) {
            return false;
        }
        try {
            state.cursors[track] = ring.startAt(sequence);
            starts.add(new StartPoint(track, sequence, RtpPacket.parse(last).timestamp()));
        } finally {
            last.release();
        }
        return true;
    }

    /**
     * The packet as it goes out: a duplicate of one direct copy shared by every reader that sends the same ring
     * packet. The ring keeps heap copies; a socket write of a heap buffer makes Netty copy it into a direct buffer
     * for every reader, so one copy per packet instead of one per reader halves the fan-out's memory traffic.
     * Takes ownership of {@code heapPacket}.
     */
    private ByteBuf outgoing(int track, long ringIndex, ByteBuf heapPacket) {
        if (heapPacket.isDirect()) {
            return heapPacket;
        }
        if (sharedIndex[track] != ringIndex || sharedCopy[track] == null) {
            if (sharedCopy[track] != null) {
                sharedCopy[track].release();
            }
            sharedCopy[track] = ByteBufAllocator.DEFAULT.directBuffer(heapPacket.readableBytes())
                    .writeBytes(heapPacket, heapPacket.readerIndex(), heapPacket.readableBytes());
            sharedIndex[track] = ringIndex;
        }
        heapPacket.release();
        return sharedCopy[track].retainedDuplicate();
    }

    private double pacingRate() {
        return Math.max(PACING_SPEED * bytesPerSecond, MIN_PACING_BYTES_PER_SECOND);
    }

    private void schedulePacer() {
        if (pacer == null && !ended) {
            pacer = executor.schedule(this::pace, PACING_SLICE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Sends paced readers what their bucket allows now; reschedules itself while any of them is behind. */
    private void pace() {
        pacer = null;
        if (ended) {
            return;
        }
        for (ReaderState r : readers.values()) {
            if (!r.active || !r.reader.isDatagram()) {
                continue;
            }
            boolean wrote = false;
            for (int t = 0; t < r.cursors.length; t++) {
                if (r.cursors[t] != null && r.cursors[t].lag() > 0) {
                    wrote |= r.drain(t);
                }
            }
            if (wrote) {
                r.reader.flush();
            }
        }
    }

    private KeyframePositions positionsOf(long keyframeIndex) {
        for (int i = keyframePositions.size() - 1; i >= 0; i--) {
            if (keyframePositions.get(i).keyframeIndex() == keyframeIndex) {
                return keyframePositions.get(i);
            }
        }
        return null;
    }

    private static boolean wants(int[] tracks, int track) {
        for (int t : tracks) {
            if (t == track) {
                return true;
            }
        }
        return false;
    }

    /** Starts sending to a prepared reader: first the buffered packets from its start points, then live. */
    public void activate(Reader reader) {
        executor.execute(() -> activateNow(reader));
    }

    private void activateNow(Reader reader) {
        {
            ReaderState state = readers.get(reader);
            if (state == null || state.active || ended) {
                return;
            }
            state.active = true;
            // Sender reports first: a player (ffmpeg) that maps RTP to wallclock only from its first SR on would
            // otherwise time the backlog one way and what follows the SR another, and its tracks would jump.
            rtcp.sendSenderReports(state, System.nanoTime());
            boolean wrote = false;
            for (int t = 0; t < state.cursors.length; t++) {
                if (state.cursors[t] != null) {
                    wrote |= state.drain(t);
                }
            }
            if (wrote) {
                reader.flush();
            }
        }
    }

    /** Stops sending to {@code reader} (PAUSE); a later {@link #prepareReader} starts it again at a keyframe. */
    public void pause(Reader reader) {
        executor.execute(() -> {
            ReaderState state = readers.get(reader);
            if (state != null) {
                state.active = false;
            }
        });
    }

    /** Removes a reader (TEARDOWN, connection closed). */
    public void removeReader(Reader reader) {
        executor.execute(() -> {
            readers.remove(reader);
        });
    }

    /** RTCP from a reader (receiver reports, NACK); takes ownership of {@code packet}. */
    public void readerRtcp(Reader reader, int track, ByteBuf packet) {
        executor.execute(() -> {
            try {
                ReaderState state = readers.get(reader);
                if (state != null && !ended) {
                    rtcp.onReaderRtcp(state, track, packet);
                }
            } finally {
                packet.release();
            }
        });
    }

    /** Resends {@code seq} of {@code track} to a reader that NACKed it; false when it is no longer buffered. */
    boolean retransmit(ReaderState state, int track, int seq) {
        ByteBuf buf = track >= 0 && track < rings.length ? rings[track].get(seq) : null;
        if (buf == null) {
            return false;
        }
        state.reader.sendRtp(track, buf);
        state.retransmitted++;
        return true;
    }

    /**
     * Tells every reader now, with RTCP BYE, that the stream here is about to end (a relay leaving), while they
     * stay attached and keep getting packets until the channel ends: a reader can open its next source first.
     */
    public void announceDeparture(String reason) {
        executor.execute(() -> {
            if (ended) {
                return;
            }
            LOG.info("channel {}: departure announced to {} reader(s) ({})", name, readers.size(), reason);
            for (ReaderState r : readers.values()) {
                rtcp.sendBye(r, reason);
                r.reader.flush();
            }
        });
    }

    /** Ends the channel: readers get RTCP BYE and are closed, the publisher is closed with {@code reason}. */
    public void end(String reason) {
        executor.execute(() -> doEnd(reason, true));
    }

    /** Ends the channel because the publisher itself left (TEARDOWN, closed connection): it is not closed again. */
    public void publisherLeft(String reason) {
        executor.execute(() -> doEnd(reason, false));
    }

    private void doEnd(String reason, boolean closePublisher) {
        if (ended) {
            return;
        }
        ended = true;
        live = false;
        if (ticker != null) {
            ticker.cancel(false);
        }
        LOG.info("channel {}: ended ({}); {} reader(s) told with RTCP BYE", name, reason, readers.size());
        for (ReaderState r : readers.values()) {
            rtcp.sendBye(r, reason);
            r.reader.flush();
            r.reader.close("channel " + name + " ended: " + reason);
        }
        readers.clear();
        if (closePublisher && publisher != null) {
            publisher.close(reason);
        }
        for (PacketRingBuffer ring : rings) {
            ring.close();
        }
        for (int t = 0; t < sharedCopy.length; t++) {
            if (sharedCopy[t] != null) {
                sharedCopy[t].release();
                sharedCopy[t] = null;
            }
        }
        onEnded.accept(this);
    }

    private void tick() {
        if (ended) {
            return;
        }
        long now = System.nanoTime();
        if (now - rateNanos >= TimeUnit.MILLISECONDS.toNanos(250)) {
            double rate = (bytesReceived - rateBytes) * 1e9 / (now - rateNanos);
            bytesPerSecond = bytesPerSecond == 0 ? rate : 0.7 * bytesPerSecond + 0.3 * rate;
            rateBytes = bytesReceived;
            rateNanos = now;
        }
        if (recording && now - lastPacketNanos > config.publisherTimeout().toNanos()) {
            doEnd("no packets from the publisher for " + TimeUnit.NANOSECONDS.toMillis(now - lastPacketNanos)
                    + " ms", true);
            return;
        }
        List<ReaderState> drop = null;
        for (ReaderState r : readers.values()) {
            if (r.unwritableSinceNanos != 0 && now - r.unwritableSinceNanos > config.slowReaderDropAfter().toNanos()) {
                if (drop == null) {
                    drop = new ArrayList<>();
                }
                drop.add(r);
            }
        }
        if (drop != null) {
            for (ReaderState r : drop) {
                readers.remove(r.reader);
                    LOG.warn("channel {}: dropped reader {} ({}): could not take packets for {} ms", name, r.reader.id(),
                        r.reader.remote(), config.slowReaderDropAfter().toMillis());
                r.reader.close("too slow");
            }
        }
        rtcp.tick(now);
    }

    Publisher publisher() {
        return publisher;
    }

    int trackCount() {
        return rings.length;
    }

    int videoTrack() {
        return videoTrack;
    }

    MediaTrack track(int index) {
        return sdp.tracks().get(index);
    }

    Iterable<ReaderState> readerStates() {
        return readers.values();
    }

    /** Runs {@code task} on the executor: at once when already there (a caller there may wait for its result). */
    private void runOnExecutor(Runnable task) {
        if (executor.inEventLoop()) {
            task.run();
        } else {
            executor.execute(task);
        }
    }

    /** A snapshot of the counters, taken on the channel's loop. */
    public CompletableFuture<ChannelStats> stats() {
        CompletableFuture<ChannelStats> result = new CompletableFuture<>();
        runOnExecutor(() -> {
            List<ReaderStats> list = new ArrayList<>();
            for (ReaderState r : readers.values()) {
                list.add(r.stats());
            }
            result.complete(new ChannelStats(name, live, publisher == null ? null : publisher.remote(),
                    packetsReceived, bytesReceived, garbagePackets + rtcp.garbage(), rtcp.packetsLostFromPublisher(), list,
                    rtcp.publisherSenderReports()));
        });
        return result;
    }

    /** A reader's cursors and counters; belongs to the channel's loop. */
    final class ReaderState {
        final Reader reader;
        final PacketRingBuffer.Reader[] cursors;
        final long[] packetsSent;
        final long[] octetsSent;
        boolean active;
        boolean skipping;
        /** It sent RTCP BYE: leaving soon, no longer counted against the reader limit. */
        boolean departing;
        long skipFromKeyframe;
        long unwritableSinceNanos;
        final boolean[] midAccessUnit;
        long packetsSkipped;
        long skips;
        long nacks;
        long retransmitted;
        long bytes;
        double fractionLost;
        long cumulativeLost;
        double jitterMillis;

        /** When its PLAY arrived, until the first packet goes out (then 0). */
        long playRequestNanos;
        /** Datagram readers: bytes that may go out now (token bucket) and when it was last refilled. */
        double pacingBudget = PACING_BURST_BYTES;
        long pacingRefillNanos = System.nanoTime();

        ReaderState(Reader reader, int trackCount) {
            this.reader = reader;
            this.cursors = new PacketRingBuffer.Reader[trackCount];
            this.midAccessUnit = new boolean[trackCount];
            this.packetsSent = new long[trackCount];
            this.octetsSent = new long[trackCount];
        }

        void inheritCounters(ReaderState previous) {
            System.arraycopy(previous.packetsSent, 0, packetsSent, 0, packetsSent.length);
            System.arraycopy(previous.octetsSent, 0, octetsSent, 0, octetsSent.length);
            bytes = previous.bytes;
            skips = previous.skips;
            packetsSkipped = previous.packetsSkipped;
            nacks = previous.nacks;
            retransmitted = previous.retransmitted;
        }

        /**
         * Sends what the cursor of {@code track} has. A reader that cannot take more starts skipping; while it
         * skips, packets are discarded until the video track reaches a keyframe. Returns true if it wrote.
         */
        boolean drain(int track) {
            PacketRingBuffer.Reader cursor = cursors[track];
            long now = System.nanoTime();
            if (!reader.isWritable() && !midAccessUnit[track]) {
                // Wait: the packets stay in the ring (TCP back-pressure, e.g. while the backlog goes out). A reader
                // that stays full too long skips to the next keyframe, and is dropped later (see tick).
                if (unwritableSinceNanos == 0) {
                    unwritableSinceNanos = now;
                } else if (!skipping && now - unwritableSinceNanos > SKIP_AFTER_NANOS) {
                    skipping = true;
                    skips++;
                    Keyframe k = videoTrack >= 0 ? rings[videoTrack].latestKeyframe() : null;
                    skipFromKeyframe = k == null ? -1 : k.packetIndex();
                }
                return false;
            }
            unwritableSinceNanos = 0;
            if (skipping && !resumeAtNewKeyframe()) {
                ByteBuf stale;
                while ((stale = cursor.poll()) != null) {
                    packetsSkipped++;
                    stale.release();
                }
                return false;
            }
            boolean paced = reader.isDatagram();
            if (paced) {
                pacingBudget = Math.min(PACING_BURST_BYTES, pacingBudget + pacingRate() * (now - pacingRefillNanos) / 1e9);
                pacingRefillNanos = now;
            }
            boolean wrote = false;
            ByteBuf packet;
            while ((!paced || pacingBudget > 0) && (packet = cursors[track].poll()) != null) {
                packet = outgoing(track, cursors[track].nextIndex() - 1, packet);
                packetsSent[track]++;
                int size = packet.readableBytes();
                pacingBudget -= size;
                octetsSent[track] += size;
                bytes += size;
                // an access unit ends at the marker bit: stop only there, so a pause never cuts a frame in two
                midAccessUnit[track] = track == videoTrack && size > 1
                        && (packet.getByte(packet.readerIndex() + 1) & 0x80) == 0;
                reader.sendRtp(track, packet);
                wrote = true;
                if (playRequestNanos != 0) {
                    firstPacketLatency.record(System.nanoTime() - playRequestNanos);
                    playRequestNanos = 0;
                }
                if (!reader.isWritable() && !midAccessUnit[track]) {
                    break; // the rest waits in the ring
                }
            }
            if (paced && cursors[track].lag() > 0) {
                schedulePacer();
            }
            return wrote;
        }

        /** A skipping reader resumes at the first keyframe newer than where it fell behind; true if it did. */
        private boolean resumeAtNewKeyframe() {
            if (videoTrack < 0 || cursors[videoTrack] == null) {
                skipping = false;
                return true;
            }
            PacketRingBuffer videoRing = rings[videoTrack];
            Keyframe k = videoRing.latestKeyframe();
            if (k == null || k.packetIndex() <= skipFromKeyframe) {
                return false;
            }
            packetsSkipped += Math.max(0, k.packetIndex() - cursors[videoTrack].nextIndex());
            cursors[videoTrack] = videoRing.startAtLatestKeyframe();
            KeyframePositions positions = positionsOf(k.packetIndex());
            for (int t = 0; t < cursors.length; t++) {
                if (t != videoTrack && cursors[t] != null && positions != null && positions.newestSequences()[t] >= 0) {
                    cursors[t] = rings[t].startAt(SequenceNumber.next(positions.newestSequences()[t]));
                }
            }
            skipping = false;
            return true;
        }

        ReaderStats stats() {
            long packets = 0;
            for (long p : packetsSent) {
                packets += p;
            }
            return new ReaderStats(reader.id(), reader.remote(), reader.transport(), packets, bytes, packetsSkipped,
                    skips, nacks, retransmitted, fractionLost, cumulativeLost, jitterMillis);
        }
    }

    /** Thrown when a channel has as many readers as it may. */
    public static final class ChannelFullException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ChannelFullException(String message) {
            super(message);
        }
    }
}
