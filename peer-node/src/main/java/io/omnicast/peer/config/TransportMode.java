package io.omnicast.peer.config;

/** How RTP comes from the parent: UDP (falling back to TCP when nothing arrives) or TCP interleaved from the start. */
public enum TransportMode {
    UDP, TCP
}
