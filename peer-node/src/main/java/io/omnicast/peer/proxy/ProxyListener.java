package io.omnicast.peer.proxy;

import io.omnicast.uscp.v1.ERROR;

/** What the proxy connection tells the peer. Called on the connection's event loop; do not block. */
public interface ProxyListener {
    /** Logged in (again): the session facts. Called before the placement that came with them. */
    void onSession(ProxySession session);

    /** A new parent: the reply to a login or ReConfiguration, or pushed by the proxy at any time. */
    void onPlacement(Placement placement);

    /** The proxy refused a request; for a login, the connection retries with back-off. */
    default void onError(ERROR error) {
    }

    /** The connection to the proxy went away; it reconnects with back-off on its own. */
    default void onDisconnected() {
    }
}
