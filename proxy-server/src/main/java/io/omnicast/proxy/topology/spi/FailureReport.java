package io.omnicast.proxy.topology.spi;

/**
 * A child said its parent failed ({@code ReConfiguration}). The report has already been counted in
 * {@code failedParent.failureReports()}.
 *
 * @param reporter the child that reported
 * @param failedParent the parent it named
 * @param reason the USCP failure reason, e.g. {@code rtp-timeout}
 * @param tree the channel's tree, read-only
 */
public record FailureReport(TreeNode reporter, TreeNode failedParent, String reason, TreeView tree) {
}
