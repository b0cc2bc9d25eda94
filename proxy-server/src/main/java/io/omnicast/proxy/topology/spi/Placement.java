package io.omnicast.proxy.topology.spi;

import java.util.List;

/**
 * A plugin's answer: the parent, and backup parents the node may try if the parent fails before the proxy
 * re-parents it. Backups reserve no slot.
 *
 * @param parent the chosen parent, or null when nobody can take the node
 * @param backups up to two other candidates, best first
 */
public record Placement(TreeNode parent, List<TreeNode> backups) {
    private static final Placement NONE = new Placement(null, List.of());

    public Placement {
        backups = List.copyOf(backups);
        if (parent == null && !backups.isEmpty()) {
            throw new IllegalArgumentException("a placement without a parent cannot have backups");
        }
        if (backups.size() > 2) {
            throw new IllegalArgumentException("at most 2 backup parents (was " + backups.size() + ")");
        }
    }

    /** No eligible parent: the join is refused with NO_PARENT_AVAILABLE, an orphan waits for capacity. */
    public static Placement none() {
        return NONE;
    }

    public static Placement of(TreeNode parent, List<TreeNode> backups) {
        return new Placement(parent, backups);
    }

    public boolean placed() {
        return parent != null;
    }
}
