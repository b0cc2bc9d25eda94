/**
 * The report framework every test-bench scenario writes through: a run directory
 * {@code reports/<scenario>-<timestamp>/} ({@link io.omnicast.bench.report.RunDirectory}) holding the raw CSV of
 * every measurement ({@link io.omnicast.bench.report.CsvWriter}), PNG charts
 * ({@link io.omnicast.bench.report.Charts}) and a {@code report.md}
 * ({@link io.omnicast.bench.report.ReportDocument}) that states the machine, the versions, the parameters and the
 * results, with the paper's figures beside ours where the paper has them
 * ({@link io.omnicast.bench.report.ResultTable}). {@link io.omnicast.bench.report.Progress} shows how a long run
 * is going; {@link io.omnicast.bench.report.Samples} turns raw measurements into percentiles and CDFs.
 */
package io.omnicast.bench.report;
