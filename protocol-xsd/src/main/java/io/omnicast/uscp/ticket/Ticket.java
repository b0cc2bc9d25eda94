package io.omnicast.uscp.ticket;

import java.time.Instant;

/**
 * What a ticket grants: {@code childId} may pull {@code channel} from {@code parentId} until {@code expiresAt}
 * (second precision).
 */
public record Ticket(String childId, String parentId, String channel, Instant expiresAt) {
    public Ticket {
        TicketFormat.checkField("childId", childId);
        TicketFormat.checkField("parentId", parentId);
        TicketFormat.checkField("channel", channel);
        if (expiresAt == null) {
            throw new IllegalArgumentException("expiresAt must not be null");
        }
    }

    /** True when the ticket is still valid at {@code now} (valid up to and including its expiry second). */
    public boolean validAt(Instant now) {
        return !now.isAfter(expiresAt);
    }
}
