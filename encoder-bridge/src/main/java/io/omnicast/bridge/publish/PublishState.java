package io.omnicast.bridge.publish;

/** Where the publishing session to the streaming server stands. */
public enum PublishState {
    /** Nothing to publish yet (the input is not open). */
    IDLE,
    /** ANNOUNCE/SETUP/RECORD in progress. */
    CONNECTING,
    /** RECORD accepted: frames are being sent. */
    PUBLISHING,
    /** The server went away or refused for a reason that may pass; waiting to try again. */
    RETRYING,
    /** The server rejected the stream key: the bridge gives up. */
    REJECTED,
    CLOSED
}
