/**
 * {@code omnicast bench chaos}: a live channel under churn on real processes; {@link io.omnicast.bench.chaos.ChurnPlan}
 * draws the schedule from the seed, {@link io.omnicast.bench.chaos.ChaosBench} runs it and writes the report.
 */
package io.omnicast.bench.chaos;
