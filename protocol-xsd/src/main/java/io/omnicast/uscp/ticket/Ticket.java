package io.omnicast.uscp.ticket;

import java.time.Instant;
import java.util.List;

/**
 * What a ticket grants: {@code childId} may pull {@code channel} from any of {@code parentIds} until
 * {@code expiresAt} (second precision).
 *
 * <p>One ticket covers a whole placement, the parent and its backup parents, and tickets are signed in batches
 * ({@link TicketFormat}): the JDK's Ed25519 costs about 0.65 ms per signature on this project's machine.
 *
 * @param parentIds the parent first, then backups; 1 to {@value TicketFormat#MAX_PARENTS} ids
 */
public record Ticket(String childId, List<String> parentIds, String channel, Instant expiresAt) {
    public Ticket {
        TicketFormat.checkField("childId", childId);
        parentIds = List.copyOf(parentIds);
        if (parentIds.isEmpty() || parentIds.size() > TicketFormat.MAX_PARENTS) {
            throw new IllegalArgumentException("parentIds must hold 1 to " + TicketFormat.MAX_PARENTS
                    + " ids (was " + parentIds.size() + ")");
        }
        for (String parent : parentIds) {
            TicketFormat.checkField("parentId", parent);
        }
        TicketFormat.checkField("channel", channel);
        if (expiresAt == null) {
            throw new IllegalArgumentException("expiresAt must not be null");
        }
    }

    /** A ticket for a single parent. */
    public Ticket(String childId, String parentId, String channel, Instant expiresAt) {
        this(childId, List.of(parentId), channel, expiresAt);
    }

    /** The primary parent. */
    public String parentId() {
        return parentIds.get(0);
    }

    /** True when the ticket admits the child at {@code parentId}. */
    public boolean grants(String parentId) {
        return parentIds.contains(parentId);
    }

    /** True when the ticket is still valid at {@code now} (valid up to and including its expiry second). */
    public boolean validAt(Instant now) {
        return !now.isAfter(expiresAt);
    }
}
