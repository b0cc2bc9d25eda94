package io.omnicast.proxy.auth;

import io.omnicast.uscp.v1.ErrorCode;

/** An authentication or account request refused, with the USCP error code it is answered with. */
public final class AuthException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public AuthException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
