package io.omnicast.peer.player;

import io.omnicast.peer.config.PeerConfig.PlayerMode;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's player (a consumer of the stream): takes frames out of the {@link PlayoutBuffer} when they are due,
 * decodes them with FFmpeg (or only counts them in count-only mode) and shows them in a window when asked.
 * Runs on its own thread because decoding is too heavy for an event loop.
 */
public final class Player implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Player.class);
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_WAITING_FRAMES = 1200;

    private final PlayerMode mode;
    private final PlayoutBuffer buffer;
    private final Thread thread;
    private final Supplier<String> title;
    private final Runnable onWindowClosed;
    private final ArrayDeque<Long> shownTimes = new ArrayDeque<>();
    private volatile boolean running = true;
    private volatile long framesShown;
    private volatile long framesDecoded;
    private volatile long decodeErrors;
    private volatile long firstFrameNanos = -1;
    private volatile int width;
    private volatile int height;
    private volatile double fps;

    /**
     * @param title          the window title, asked once a second (window mode)
     * @param onWindowClosed run when the user closes the window
     */
    public Player(String name, PlayerMode mode, Duration playoutDelay, Supplier<String> title,
            Runnable onWindowClosed) {
        this.mode = mode;
        this.buffer = new PlayoutBuffer(playoutDelay.toNanos(), MAX_WAITING_FRAMES);
        this.title = title;
        this.onWindowClosed = onWindowClosed;
        this.thread = new Thread(this::run, "player-" + name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Where the stream's frames go (thread-safe). */
    public void offer(Frame frame) {
        if (running) {
            buffer.offer(frame);
        } else {
            frame.release();
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
                long now = System.nanoTime();
                Frame frame = buffer.take(now);
                if (frame == null) {
                    buffer.await(now, TimeUnit.MILLISECONDS.toNanos(5));
                } else {
                    present(frame, decoder, window, now);
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
        }
    }

    private void present(Frame frame, H264Decoder decoder, VideoWindow window, long now) {
        try {
            if (decoder != null) {
                for (DecodedFrame decoded : decoder.decode(frame.annexB(), frame.rtpTimestamp())) {
                    width = decoded.width();
                    height = decoded.height();
                    if (window != null) {
                        decoded.image().ifPresent(window::show);
                    }
                    countShown(now);
                }
                framesDecoded = decoder.framesDecoded();
                decodeErrors = decoder.decodeErrors();
            } else {
                countShown(now);
            }
        } finally {
            frame.release();
        }
    }

    private void countShown(long now) {
        if (firstFrameNanos < 0) {
            firstFrameNanos = System.nanoTime();
        }
        framesShown++;
        synchronized (shownTimes) {
            shownTimes.addLast(now);
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
        return new PlayerStats(fps, framesShown, mode == PlayerMode.COUNT_ONLY ? framesShown : framesDecoded,
                decodeErrors, buffer.stalls(), buffer.stallMillis(System.nanoTime()), buffer.bufferedMillis(),
                firstFrameNanos, width, height);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
