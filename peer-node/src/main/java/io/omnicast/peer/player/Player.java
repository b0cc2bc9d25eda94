package io.omnicast.peer.player;

import io.netty.util.concurrent.EventExecutor;
import io.omnicast.media.rtp.RtpTimestamp;
import io.omnicast.peer.config.PeerConfig.PlayerMode;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's player (a consumer of the stream). Frames are decoded with FFmpeg as soon as they arrive, so the
 * first decoded frame marks the end of the join (the paper's Tinitialframe), and the decoded pictures wait in the
 * {@link PlayoutBuffer} for their due time, when they are counted as shown (and drawn in window mode). Count-only
 * mode skips decoding and paces the frames themselves. Decoding runs on the player's own thread because it is too
 * heavy for an event loop; count-only mode, given an executor (the peer's stream loop), runs on it instead: a peer
 * that only counts then costs no thread and no thread wake-ups (the scale bench holds hundreds of them).
 */
public final class Player implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Player.class);
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Longest sleep without work: each peer's player used to wake every 5 ms, 200 times a second, for nothing. */
    private static final long IDLE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MAX_WAITING_FRAMES = 1200;
    /** Encoded frames waiting for the decoder; more means the decoder cannot keep up, and the oldest go. */
    private static final int MAX_DECODE_QUEUE = 300;

    /** A decoded picture (or, in count-only mode, an undecoded frame) waiting for its due time. */
    private record Picture(long rtpTimestamp, long arrivalNanos, Optional<BufferedImage> image, Frame frame)
            implements PlayoutBuffer.Timed {
        @Override
        public void release() {
            if (frame != null) {
                frame.release();
            }
        }
    }

    private final PlayerMode mode;
    private final ArrayDeque<Frame> incoming = new ArrayDeque<>();
    private final PlayoutBuffer<Picture> buffer;
    /** The decoding thread; null when {@link #pacer} paces a count-only player. */
    private final Thread thread;
    private final EventExecutor pacer;
    /** The next run of {@link #pace} on the pacer, or null (pacer only). */
    private ScheduledFuture<?> nextPace;
    private long nextTitleNanos;
    private final Supplier<String> title;
    private final Runnable onWindowClosed;
    private final ArrayDeque<Long> shownTimes = new ArrayDeque<>();
    private volatile boolean running = true;
    private volatile long framesShown;
    private volatile long framesDecoded;
    private volatile long decodeErrors;
    private volatile long decoderDrops;
    private volatile long firstDecodedNanos = -1;
    /** Completed on the player's thread right after the first picture came out of the decoder. */
    private final CompletableFuture<Void> firstDecoded = new CompletableFuture<>();
    private volatile long firstShownNanos = -1;
    private volatile int width;
    private volatile int height;
    private volatile double fps;
    private boolean decodedAny;
    private long lastDecodedTimestamp;

    /**
     * @param title          the window title, asked once a second (window mode)
     * @param onWindowClosed run when the user closes the window
     */
    public Player(String name, PlayerMode mode, Duration playoutDelay, Supplier<String> title,
            Runnable onWindowClosed) {
        this(name, mode, playoutDelay, title, onWindowClosed, null);
    }

    /**
     * @param pacer for a count-only player: the executor that calls {@link #offer} and now also paces the
     *              frames, instead of a thread of the player's own; ignored in the other modes
     */
    public Player(String name, PlayerMode mode, Duration playoutDelay, Supplier<String> title,
            Runnable onWindowClosed, EventExecutor pacer) {
        this.mode = mode;
        this.buffer = new PlayoutBuffer<>(playoutDelay.toNanos(), MAX_WAITING_FRAMES);
        this.title = title;
        this.onWindowClosed = onWindowClosed;
        this.pacer = mode == PlayerMode.COUNT_ONLY ? pacer : null;
        if (this.pacer == null) {
            this.thread = new Thread(this::run, "player-" + name);
            this.thread.setDaemon(true);
        } else {
            this.thread = null;
        }
    }

    public void start() {
        if (thread != null) {
            thread.start();
        } else {
            pacer.execute(() -> {
                nextTitleNanos = System.nanoTime() + SECOND_NANOS;
                pace();
            });
        }
    }

    /**
     * Where the stream's frames go (takes ownership). Thread-safe, except that a player paced by an executor
     * takes them on that executor only.
     */
    public void offer(Frame frame) {
        if (!running) {
            frame.release();
            return;
        }
        if (pacer != null) {
            boolean wasEmpty = buffer.size() == 0;
            decode(frame, null);
            if (wasEmpty) {
                pace(); // the head changed: it may be due now (the end of a stall), or sooner than the next run
            }
            return;
        }
        synchronized (incoming) {
            if (incoming.size() >= MAX_DECODE_QUEUE) {
                incoming.pollFirst().release();
                decoderDrops++;
            }
            incoming.addLast(frame);
        }
        buffer.wake();
    }

    private Frame nextIncoming() {
        synchronized (incoming) {
            return incoming.pollFirst();
        }
    }

    private void run() {
        H264Decoder decoder = null;
        VideoWindow window = null;
        try {
            if (mode != PlayerMode.COUNT_ONLY) {
                decoder = new H264Decoder(mode == PlayerMode.WINDOW);
            }
            if (mode == PlayerMode.WINDOW) {
                window = new VideoWindow(title.get(), onWindowClosed);
            }
            long nextTitle = System.nanoTime() + SECOND_NANOS;
            while (running) {
                Frame frame;
                while ((frame = nextIncoming()) != null) {
                    decode(frame, decoder);
                }
                long now = System.nanoTime();
                Picture due = buffer.take(now);
                if (due == null) {
                    // Woken by a new frame (offer) or when the head is due; otherwise only the once-a-second
                    // figures need the thread (a stall's start is taken from the due time, not from this wake-up).
                    buffer.await(now, Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(IDLE_WAIT_NANOS,
                            nextTitle - now)));
                } else {
                    present(due, window, now);
                }
                if (now >= nextTitle) {
                    nextTitle = now + SECOND_NANOS;
                    updateFps(now);
                    if (window != null) {
                        window.title(title.get());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("player {} failed", thread.getName(), e);
        } finally {
            if (decoder != null) {
                decoder.close();
            }
            if (window != null) {
                window.close();
            }
            buffer.clear();
            synchronized (incoming) {
                incoming.forEach(Frame::release);
                incoming.clear();
            }
        }
    }

    /** Count-only on the pacer: shows what is due, then runs again when the head is due (at most 100 ms on). */
    private void pace() {
        if (nextPace != null) {
            nextPace.cancel(false);
            nextPace = null;
        }
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        Picture due;
        while ((due = buffer.take(now)) != null) {
            present(due, null, now);
        }
        if (now >= nextTitleNanos) {
            nextTitleNanos = now + SECOND_NANOS;
            updateFps(now);
        }
        long wait = buffer.waitNanos(now, Math.min(IDLE_WAIT_NANOS, nextTitleNanos - now));
        nextPace = pacer.schedule(this::pace, Math.max(TimeUnit.MILLISECONDS.toNanos(1), wait), TimeUnit.NANOSECONDS);
    }

    private void decode(Frame frame, H264Decoder decoder) {
        if (decodedAny && !RtpTimestamp.isNewer(frame.rtpTimestamp(), lastDecodedTimestamp)) {
            frame.release(); // a resend after fail-over: feeding it again would corrupt the reference pictures
            return;
        }
        decodedAny = true;
        lastDecodedTimestamp = frame.rtpTimestamp();
        if (decoder == null) {
            markDecoded();
            buffer.offer(new Picture(frame.rtpTimestamp(), frame.arrivalNanos(), Optional.empty(), frame));
            return;
        }
        try {
            for (DecodedFrame decoded : decoder.decode(frame.annexB(), frame.rtpTimestamp())) {
                width = decoded.width();
                height = decoded.height();
                markDecoded();
                buffer.offer(new Picture(decoded.rtpTimestamp(), frame.arrivalNanos(), decoded.image(), null));
            }
            framesDecoded = decoder.framesDecoded();
            decodeErrors = decoder.decodeErrors();
        } finally {
            frame.release();
        }
    }

    /** Completes once the first picture is decoded (counted, in {@code --no-decode} mode). */
    public CompletionStage<Void> firstDecoded() {
        return firstDecoded.minimalCompletionStage();
    }

    private void markDecoded() {
        if (firstDecodedNanos < 0) {
            firstDecodedNanos = System.nanoTime();
            firstDecoded.complete(null);
        }
        if (mode == PlayerMode.COUNT_ONLY) {
            framesDecoded++;
        }
    }

    private void present(Picture picture, VideoWindow window, long now) {
        try {
            if (window != null) {
                picture.image().ifPresent(window::show);
            }
            if (firstShownNanos < 0) {
                firstShownNanos = System.nanoTime();
            }
            framesShown++;
            synchronized (shownTimes) {
                shownTimes.addLast(now);
            }
        } finally {
            picture.release();
        }
    }

    private void updateFps(long now) {
        synchronized (shownTimes) {
            while (!shownTimes.isEmpty() && now - shownTimes.peekFirst() > SECOND_NANOS) {
                shownTimes.pollFirst();
            }
            fps = shownTimes.size();
        }
    }

    /** Counters now. */
    public PlayerStats stats() {
        updateFps(System.nanoTime());
        return new PlayerStats(fps, framesShown, framesDecoded, decodeErrors, buffer.stalls(),
                buffer.stallMillis(System.nanoTime()), buffer.bufferedMillis(), firstDecodedNanos, firstShownNanos,
                width, height, decoderDrops);
    }

    @Override
    public void close() {
        running = false;
        if (thread == null) {
            pacer.execute(() -> {
                if (nextPace != null) {
                    nextPace.cancel(false);
                    nextPace = null;
                }
                buffer.clear();
            });
            return;
        }
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
