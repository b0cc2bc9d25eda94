package io.omnicast.peer.proxy;

import io.omnicast.uscp.v1.ERROR;

/** The proxy answered a request with ERROR. */
public final class ProxyRefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ERROR error;

    public ProxyRefusedException(ERROR error) {
        super(error.getCode().value() + ": " + error.getMessage());
        this.error = error;
    }

    public ERROR error() {
        return error;
    }
}
