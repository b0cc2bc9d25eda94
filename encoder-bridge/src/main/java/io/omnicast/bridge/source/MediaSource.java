package io.omnicast.bridge.source;

import io.omnicast.bridge.media.MediaFrame;
import io.omnicast.bridge.media.StreamInfo;

/**
 * An input of the bridge, already in the shape the publisher wants: H.264 access units as NAL units and raw AAC
 * frames, time-stamped in microseconds. Used by one thread, except {@link #interrupt()}.
 */
public interface MediaSource extends AutoCloseable {
    /** Opens the input and blocks until its tracks are known. */
    StreamInfo open();

    /** The next frame, or {@code null} when a finite input has ended. Throws {@link SourceException} on a stall. */
    MediaFrame read();

    /** True for inputs whose loss is temporary (network, camera): the bridge reopens them after a failure. */
    boolean reconnectable();

    /** True for inputs that can be read faster than real time (files): the bridge paces them by their timestamps. */
    boolean needsPacing();

    /** What it reads, for the status line and the logs. */
    String describe();

    /** Unblocks {@link #open()} or {@link #read()} from another thread; they then throw {@link SourceException}. */
    void interrupt();

    @Override
    void close();
}
