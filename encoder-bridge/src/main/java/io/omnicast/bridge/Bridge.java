package io.omnicast.bridge;

import io.omnicast.bridge.ffmpeg.FfmpegRuntime;
import io.omnicast.bridge.media.MediaFrame;
import io.omnicast.bridge.media.ParameterSetInjector;
import io.omnicast.bridge.media.StreamInfo;
import io.omnicast.bridge.publish.PublishState;
import io.omnicast.bridge.publish.PublishTarget;
import io.omnicast.bridge.publish.RtspPublisher;
import io.omnicast.bridge.source.DemuxSource;
import io.omnicast.bridge.source.MediaSource;
import io.omnicast.bridge.source.SourceException;
import io.omnicast.bridge.source.SourceSpec;
import io.omnicast.bridge.source.TestPatternSource;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge: reads one input, keeps its timeline monotonic, paces files in real time, puts SPS/PPS before every
 * keyframe and hands the frames to the {@link RtspPublisher}. One input thread runs {@link #run()}; any thread may
 * {@link #stop()} it.
 *
 * <p>Input trouble: a network input that stalls or drops is reopened with back-off, and the stream continues on
 * the same timeline (the publisher re-announces only if the tracks changed). A file ends cleanly unless it loops.
 * Publishing trouble is the publisher's: it reconnects by itself, and a rejected stream key stops the bridge.
 */
public final class Bridge implements AutoCloseable {
    /** Exit codes of {@link #run()}. */
    public static final int EXIT_OK = 0;
    public static final int EXIT_INPUT_FAILED = 1;
    public static final int EXIT_REJECTED = 5;

    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
    private static final Duration INPUT_RETRY_INITIAL = Duration.ofMillis(250);

    private final BridgeConfig config;
    private final RtspPublisher publisher;
    private volatile boolean stopped;
    private volatile String rejection;
    private volatile MediaSource current;
    private volatile String inputState = "opening";
    private long lastStatusNanos = System.nanoTime();
    private long lastStatusFrames;
    private long lastStatusBytes;
    private long videoFramesSent;
    private volatile long videoFramesSnapshot;

    public Bridge(BridgeConfig config) {
        this.config = config;
        this.publisher = new RtspPublisher(new PublishTarget(config.publishUrl(), config.streamKey(),
                config.transport() == BridgeConfig.Transport.TCP, config.publishRetryInitial(),
                config.publishRetryMax(), config.requestTimeout()), this::onRejected);
    }

    private void onRejected(String reason) {
        rejection = reason;
        stop();
    }

    /** Runs until the input ends (files), {@link #stop()} or a rejected key; returns an {@code EXIT_} code. */
    public int run() {
        FfmpegRuntime.load();
        Timeline timeline = new Timeline();
        Duration retry = INPUT_RETRY_INITIAL;
        while (!stopped) {
            MediaSource source = createSource();
            current = source;
            try {
                inputState = "opening";
                StreamInfo info = source.open();
                LOG.info("input {} open: {}", source.describe(), info);
                inputState = "live";
                retry = INPUT_RETRY_INITIAL;
                publisher.publish(info);
                timeline.newSegment();
                if (pump(source, info, timeline)) {
                    inputState = "ended";
                    LOG.info("input {} ended; stopping", source.describe());
                    return rejection != null ? EXIT_REJECTED : EXIT_OK;
                }
            } catch (SourceException | io.omnicast.bridge.ffmpeg.FfmpegException e) {
                if (stopped) {
                    break;
                }
                if (!source.reconnectable()) {
                    inputState = "failed";
                    LOG.error("input failed: {}", e.getMessage());
                    return EXIT_INPUT_FAILED;
                }
                inputState = "reconnecting";
                LOG.warn("input {} lost: {}; reopening in {} ms", source.describe(), e.getMessage(), retry.toMillis());
                sleep(retry);
                retry = retry.multipliedBy(2).compareTo(config.inputRetryMax()) > 0 ? config.inputRetryMax()
                        : retry.multipliedBy(2);
            } finally {
                current = null;
                source.close();
            }
        }
        return rejection != null ? EXIT_REJECTED : EXIT_OK;
    }

    /** Moves frames until the input ends (true) or the bridge stops (false); throws when the input fails. */
    private boolean pump(MediaSource source, StreamInfo info, Timeline timeline) {
        ParameterSetInjector parameterSets = new ParameterSetInjector(info.video().sps(), info.video().pps());
        Pacer pacer = source.needsPacing() ? new Pacer() : null;
        while (!stopped) {
            MediaFrame frame = source.read();
            if (frame == null) {
                return true;
            }
            frame = timeline.map(frame);
            if (frame.kind() == MediaFrame.Kind.VIDEO) {
                frame = frame.withUnits(parameterSets.apply(frame.units()));
            }
            if (pacer != null) {
                pacer.await(frame, () -> stopped);
            }
            publisher.send(frame);
            if (frame.kind() == MediaFrame.Kind.VIDEO) {
                videoFramesSent++;
                videoFramesSnapshot = videoFramesSent;
            }
        }
        return false;
    }

    private MediaSource createSource() {
        SourceSpec spec = config.input();
        if (spec.kind() == SourceSpec.Kind.TESTSRC) {
            return new TestPatternSource(new TestPatternSource.Settings(spec.width(), spec.height(), spec.frameRate(),
                    config.bitrateKbps(), config.gopFrames(), config.preset(), true));
        }
        return new DemuxSource(new DemuxSource.Settings(spec, config.transcode(), config.bitrateKbps(),
                config.gopFrames(), config.preset(), config.loop(), config.openTimeout(), config.stallTimeout(),
                config.audioInput()));
    }

    private void sleep(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        long wait;
        while (!stopped && (wait = end - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
        }
    }

    /** Asks {@link #run()} to return soon; safe from any thread, including a shutdown hook. */
    public void stop() {
        stopped = true;
        MediaSource source = current;
        if (source != null) {
            source.interrupt();
        }
    }

    /** The reason the server gave for refusing the stream key, or null. */
    public String rejection() {
        return rejection;
    }

    public RtspPublisher publisher() {
        return publisher;
    }

    /** A status snapshot; rates are over the time since the previous call. Call from one thread. */
    public synchronized BridgeStatus status() {
        long now = System.nanoTime();
        long frames = videoFramesSnapshot;
        long bytes = publisher.bytesSent();
        double seconds = Math.max(1e-3, (now - lastStatusNanos) / 1e9);
        double fps = (frames - lastStatusFrames) / seconds;
        double kbps = (bytes - lastStatusBytes) * 8 / 1000.0 / seconds;
        lastStatusNanos = now;
        lastStatusFrames = frames;
        lastStatusBytes = bytes;
        PublishState state = publisher.state();
        return new BridgeStatus(config.input().label(), inputState, fps, kbps, publisher.framesSent(),
                publisher.framesDropped(), state, publisher.sessions(), publisher.lastProblem());
    }

    @Override
    public void close() {
        stop();
        publisher.close();
    }
}
