package io.omnicast.uscp.ticket;

/** A ticket was refused; {@link #reason()} says why, for logs and for the RTSP error the relay sends. */
public final class TicketException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a ticket was refused. */
    public enum Reason {
        /** Not a ticket token at all. */
        MALFORMED,
        /** The signature does not match the proxy's key (forged or altered). */
        BAD_SIGNATURE,
        /** Past its expiry. */
        EXPIRED,
        /** Issued for another parent. */
        WRONG_PARENT,
        /** Issued for another channel. */
        WRONG_CHANNEL
    }

    private final Reason reason;

    public TicketException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
