package io.omnicast.bench.sim;

import io.omnicast.bench.report.Charts;
import io.omnicast.bench.report.CsvWriter;
import io.omnicast.bench.report.ReportDocument;
import io.omnicast.bench.report.ResultTable;
import io.omnicast.bench.report.RunDirectory;
import io.omnicast.bench.report.Samples;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

/**
 * Turns the results of every plugin of one simulation run into summary CSVs, one chart per metric with every
 * plugin on it, and the results sections of {@code report.md}. The paper's figures (OmniCast264, section IV, a
 * 100 Mbit/s LAN) stand beside ours only where the paper measured the same quantity.
 */
final class SimulationReport {
    /** Paper, 4.2.2 and 4.2.3: connection delay and recovery delay of 100-120 ms per node on a LAN. */
    static final String PAPER_CONNECTION = "100-120 ms (LAN, serial chain of 9)";
    static final String PAPER_RECOVERY = "100-120 ms (LAN, relay at hop 2 leaves)";
    private static final int CDF_POINTS = 400;
    private static final int[] DISRUPTED_BIN_LOW = {0, 1, 2, 6, 21, 101, 1001};
    private static final String[] DISRUPTED_BINS = {"0", "1", "2-5", "6-20", "21-100", "101-1000", ">1000"};

    private final RunDirectory run;
    private final SimConfig config;
    private final List<SimResult> results;
    private final List<String> ids;

    SimulationReport(RunDirectory run, SimConfig config, List<SimResult> results) {
        this.run = run;
        this.config = config;
        this.results = results;
        this.ids = results.stream().map(SimResult::topology).toList();
    }

    /** Writes the summary CSVs and the charts, and adds the results sections to {@code report}. */
    void addTo(ReportDocument report) {
        writeSummaryCsv();
        writeDistributionCsvs();
        report.section("Results");
        report.text("Every plugin saw the same " + fmt(config.peers()) + " viewer sessions (same arrival times, "
                + "session lengths, access classes, reachability and delays; seed " + config.seed() + "). Delays are "
                + "modelled from link delays, not measured on a network; tree shapes are sampled every "
                + config.sampleIntervalSeconds() + " s of simulated time while viewers were still arriving. "
                + "The paper's figures were measured on a 100 Mbit/s LAN and stand beside ours only for comparison "
                + "of magnitude.");
        report.table(headline());
        report.table(depthTable());
        report.table(classTable());
        report.section("Charts");
        report.chart(depthChart(), "Tree depth: share of peers at each hop count (all snapshots)");
        report.chart(cdfChart("startup_delay", "Startup delay (join to first frame)", SimResult::startupMs,
                "startup delay (ms)"), "Startup delay CDF (modelled)");
        report.chart(cdfChart("recovery_time", "Recovery time of interrupted peers", SimResult::recoveryMs,
                "interruption (ms)"), "Recovery time CDF per interrupted peer (modelled)");
        report.chart(cdfChart("playback_lag", "Playback lag behind the origin", SimResult::lagMs, "lag (ms)"),
                "Playback lag CDF (all snapshots)");
        report.chart(disruptedChart(), "Peers disrupted per departure");
        report.chart(loadBalanceChart(), "Load balance: how full relay-capable peers are");
        report.chart(seriesChart("origin_load", "Origin load", "origin children",
                r -> r.seriesOriginChildren), "Origin load over time (children of the origins)");
        report.chart(seriesChart("mean_depth", "Mean tree depth over time", "mean hop count",
                r -> r.seriesMeanDepth), "Mean hop count over time");
        report.chart(seriesChart("peers_in_tree", "Audience", "peers in the tree", r -> r.seriesPeers),
                "Peers in the tree over time");
        report.chart(speedChart(), "Simulator speed");
    }

    // ------------------------------------------------------------------------------------------ tables

    private ResultTable headline() {
        ResultTable t = new ResultTable("Comparison", "metric", ids);
        row(t, "sessions simulated", r -> fmt(r.sessions()));
        row(t, "sessions that got the stream", r -> fmt(r.sessionsStarted()));
        row(t, "joins refused (no parent with a spare slot)", r -> fmt(r.joinsRefused()));
        row(t, "max concurrent peers", r -> fmt(r.maxConcurrentPeers()));
        row(t, "mean hop count at join", r -> num(r.joinHop().mean(), 2));
        row(t, "mean hop count (snapshots)", r -> num(r.meanDepth(), 2));
        row(t, "max hop count (snapshots)", r -> Integer.toString(r.maxDepth()));
        t.row("startup delay p50", values(r -> ms(r.startupMs().quantile(0.5))), PAPER_CONNECTION);
        row(t, "startup delay p95", r -> ms(r.startupMs().quantile(0.95)));
        row(t, "startup delay p99", r -> ms(r.startupMs().quantile(0.99)));
        row(t, "interruptions (peer-events)", r -> fmt(r.recoveryMs().size()));
        t.row("recovery time p50", values(r -> ms(r.recoveryMs().quantile(0.5))), PAPER_RECOVERY);
        row(t, "recovery time p95", r -> ms(r.recoveryMs().quantile(0.95)));
        row(t, "recovery time p99", r -> ms(r.recoveryMs().quantile(0.99)));
        row(t, "departures", r -> fmt(r.departures()));
        row(t, "peers disrupted per departure, mean", r -> num(r.disruptedPerDeparture().mean(), 2));
        row(t, "peers disrupted per departure, p99", r -> num(r.disruptedPerDeparture().quantile(0.99), 0));
        row(t, "peers disrupted per departure, max", r -> num(r.disruptedPerDeparture().max(), 0));
        row(t, "departures that disrupted nobody", r -> pct(r.disruptedPerDeparture().shareAtMost(0)));
        row(t, "orphans that waited for capacity", r -> fmt(r.orphansWaited));
        row(t, "placements under a dead, undetected parent", r -> fmt(r.placedUnderDeadParent));
        row(t, "placements refused at the hop limit (255)", r -> fmt(r.hopLimitRefusals));
        row(t, "origin utilisation, mean", r -> pct(r.originUtilisation.mean()));
        row(t, "relay capacity in use, mean", r -> pct(r.capacityUsed.mean()));
        row(t, "Jain fairness of relay utilisation, mean", r -> num(r.jainPerSnapshot.mean(), 3));
        row(t, "playback lag p50", r -> ms(r.lagMs().quantile(0.5)));
        row(t, "playback lag p95", r -> ms(r.lagMs().quantile(0.95)));
        row(t, "simulated time", r -> String.format(Locale.ROOT, "%,.0f s", r.simulatedSeconds()));
        row(t, "events", r -> fmt(r.events()));
        row(t, "simulator wall time", r -> String.format(Locale.ROOT, "%.2f s", r.wallSeconds()));
        row(t, "simulator speed", r -> String.format(Locale.ROOT, "%,.0f events/s", r.eventsPerSecond()));
        if (results.stream().anyMatch(r -> r.peakHeapUsedBytes() >= 0)) {
            row(t, "peak heap used", r -> mib(r.peakHeapUsedBytes()));
            row(t, "peak heap after GC", r -> mib(r.peakHeapAfterGcBytes()));
        }
        return t;
    }

    private static final int[][] DEPTH_ROWS = {{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}, {7, 7}, {8, 8},
        {9, 10}, {11, 20}, {21, 50}, {51, 100}, {101, 255}};

    private ResultTable depthTable() {
        ResultTable t = new ResultTable("Depth distribution (share of peers at each hop, all snapshots)", "hop", ids);
        int max = results.stream().mapToInt(SimResult::maxDepth).max().orElse(0);
        for (int[] range : DEPTH_ROWS) {
            if (range[0] > max) {
                break;
            }
            String label = range[0] == range[1] ? Integer.toString(range[0]) : range[0] + "-" + range[1];
            row(t, label, r -> {
                double share = 0;
                for (int hop = range[0]; hop <= range[1]; hop++) {
                    share += r.depthShare(hop);
                }
                return pct(share);
            });
        }
        return t;
    }

    private ResultTable classTable() {
        CapacityMix mix = config.capacityMix();
        List<String> columns = new ArrayList<>(List.of("down/up kbit/s", "max children"));
        ids.forEach(id -> columns.add(id + ": children per peer"));
        ResultTable t = new ResultTable("Load by access class (children fed per peer in the tree, "
                + "1.05 x 1.25 rule at " + num(config.streamKbps(), 0) + " kbit/s)", "class", columns);
        for (int i = 0; i < mix.classes().size(); i++) {
            CapacityMix.PeerClass c = mix.get(i);
            List<String> values = new ArrayList<>();
            values.add(c.downKbps() + "/" + c.upKbps());
            values.add(Integer.toString(CapacityMix.maxChildren(c.upKbps(), config.streamKbps())));
            for (SimResult r : results) {
                values.add(r.classPeers[i] == 0 ? "-" : num((double) r.classChildren[i] / r.classPeers[i], 2));
            }
            t.row(c.name(), values);
        }
        double perChild = config.streamKbps() * CapacityMix.PROTOCOL_OVERHEAD * CapacityMix.PEAK_HEADROOM;
        List<String> origin = new ArrayList<>(List.of("-/" + config.originUplinkKbps(),
                Integer.toString(config.originMaxChildren())));
        for (SimResult r : results) {
            origin.add(num(r.originUtilisation.mean() * config.originMaxChildren() / config.origins(), 2));
        }
        t.row("origin (streaming server)", origin,
                config.originUplinkKbps() == 100_000 && config.streamKbps() == 364
                        ? "21 for 100 Mbit/s (the rule itself gives 209)" : null);
        List<String> rule = new ArrayList<>(List.of(num(perChild, 1) + " kbit/s per child", ""));
        ids.forEach(id -> rule.add(""));
        t.row("bandwidth per child", rule, config.streamKbps() == 364 ? "477.7 kbit/s" : null);
        return t;
    }

    private void row(ResultTable t, String metric, Function<SimResult, String> value) {
        t.row(metric, values(value));
    }

    private List<String> values(Function<SimResult, String> value) {
        return results.stream().map(value).toList();
    }

    // ------------------------------------------------------------------------------------------ CSV

    private void writeSummaryCsv() {
        try (CsvWriter csv = run.csv("summary", "topology", "metric", "value")) {
            for (SimResult r : results) {
                csv.row(r.topology(), "sessions", r.sessions());
                csv.row(r.topology(), "sessions_started", r.sessionsStarted());
                csv.row(r.topology(), "joins_refused", r.joinsRefused());
                csv.row(r.topology(), "max_concurrent_peers", r.maxConcurrentPeers());
                csv.row(r.topology(), "mean_join_hop", r.joinHop().mean());
                csv.row(r.topology(), "mean_depth", r.meanDepth());
                csv.row(r.topology(), "max_depth", r.maxDepth());
                quantiles(csv, r.topology(), "startup_ms", r.startupMs());
                quantiles(csv, r.topology(), "recovery_ms", r.recoveryMs());
                quantiles(csv, r.topology(), "lag_ms", r.lagMs());
                quantiles(csv, r.topology(), "disrupted_per_departure", r.disruptedPerDeparture());
                csv.row(r.topology(), "departures", r.departures());
                csv.row(r.topology(), "abrupt_departures", r.abruptDepartures);
                csv.row(r.topology(), "orphans", r.orphans());
                csv.row(r.topology(), "orphans_waited", r.orphansWaited);
                csv.row(r.topology(), "placed_under_dead_parent", r.placedUnderDeadParent);
                csv.row(r.topology(), "hop_limit_refusals", r.hopLimitRefusals);
                csv.row(r.topology(), "origin_utilisation_mean", r.originUtilisation.mean());
                csv.row(r.topology(), "capacity_used_mean", r.capacityUsed.mean());
                csv.row(r.topology(), "jain_mean", r.jainPerSnapshot.mean());
                csv.row(r.topology(), "events", r.events());
                csv.row(r.topology(), "wall_s", r.wallSeconds());
                csv.row(r.topology(), "events_per_s", r.eventsPerSecond());
                csv.row(r.topology(), "simulated_s", r.simulatedSeconds());
                csv.row(r.topology(), "peak_heap_used_bytes", r.peakHeapUsedBytes());
                csv.row(r.topology(), "peak_heap_after_gc_bytes", r.peakHeapAfterGcBytes());
            }
        }
    }

    private static void quantiles(CsvWriter csv, String topology, String name, Samples s) {
        csv.row(topology, name + "_count", s.size());
        csv.row(topology, name + "_mean", s.mean());
        for (double p : new double[] {0.5, 0.9, 0.95, 0.99}) {
            csv.row(topology, name + "_p" + Math.round(p * 100), s.quantile(p));
        }
        csv.row(topology, name + "_max", s.max());
    }

    private void writeDistributionCsvs() {
        try (CsvWriter depth = run.csv("depth_distribution", "topology", "hop", "peer_snapshots", "share");
                CsvWriter load = run.csv("load_balance", "topology", "utilisation", "peer_snapshots");
                CsvWriter classes = run.csv("load_by_class", "topology", "class", "max_children", "peer_snapshots",
                        "children_fed", "capacity")) {
            for (SimResult r : results) {
                for (int hop = 0; hop <= r.maxDepth(); hop++) {
                    depth.row(r.topology(), hop, r.depthCounts[hop], r.depthShare(hop));
                }
                for (int b = 0; b < SimResult.UTILISATION_BINS.length; b++) {
                    load.row(r.topology(), SimResult.UTILISATION_BINS[b], r.utilisationBins[b]);
                }
                for (int i = 0; i < r.classes; i++) {
                    CapacityMix.PeerClass c = config.capacityMix().get(i);
                    classes.row(r.topology(), c.name(), CapacityMix.maxChildren(c.upKbps(), config.streamKbps()),
                            r.classPeers[i], r.classChildren[i], r.classCapacity[i]);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ charts

    /**
     * Cumulative share of peers at or below each hop count, x logarithmic: shallow trees (a handful of levels) and
     * deep ones (hundreds, under churn with a depth-blind plugin) stay readable on one chart.
     */
    private Path depthChart() {
        XYChart chart = Charts.lines("Tree depth", "hop count (log scale)", "share of peers at or below (%)");
        for (int i = 0; i < results.size(); i++) {
            SimResult r = results.get(i);
            int max = Math.max(1, r.maxDepth());
            double[] x = new double[max];
            double[] y = new double[max];
            double cumulative = 0;
            for (int hop = 1; hop <= max; hop++) {
                cumulative += r.depthShare(hop);
                x[hop - 1] = hop;
                y[hop - 1] = 100 * cumulative;
            }
            Charts.addLine(chart, i, r.topology() + String.format(Locale.ROOT, " (mean %.1f, max %d)", r.meanDepth(),
                    r.maxDepth()), x, y).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        }
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setXAxisMin(1.0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        return Charts.save(run, "depth_distribution", chart);
    }

    private Path cdfChart(String name, String title, Function<SimResult, Samples> samples, String xTitle) {
        XYChart chart = Charts.lines(title, xTitle, "share at or below (%)");
        double xMax = 0;
        for (int i = 0; i < results.size(); i++) {
            Samples s = samples.apply(results.get(i));
            double[][] cdf = s.cdf(CDF_POINTS);
            Charts.addLine(chart, i, results.get(i).topology() + label(s), cdf[0], cdf[1]);
            if (!s.isEmpty()) {
                xMax = Math.max(xMax, s.quantile(0.99));
            }
        }
        if (xMax > 0) {
            // the body of the distribution, up to the largest p99; the tails are in the tables and CSVs
            chart.getStyler().setXAxisMin(0.0);
            chart.getStyler().setXAxisMax(xMax * 1.05);
        }
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        return Charts.save(run, name, chart);
    }

    private static String label(Samples s) {
        return s.isEmpty() ? " (no samples)" : String.format(Locale.ROOT, " (p50 %s, p99 %s)",
                ms(s.quantile(0.5)), ms(s.quantile(0.99)));
    }

    private Path disruptedChart() {
        CategoryChart chart = Charts.bars("Peers disrupted per departure", "peers below the departed node",
                "share of departures (%)");
        for (int i = 0; i < results.size(); i++) {
            Samples s = results.get(i).disruptedPerDeparture();
            double[] counts = new double[DISRUPTED_BINS.length];
            for (int k = 0; k < s.size(); k++) {
                double v = s.sortedValue(k);
                int bin = 0;
                while (bin + 1 < DISRUPTED_BIN_LOW.length && v >= DISRUPTED_BIN_LOW[bin + 1]) {
                    bin++;
                }
                counts[bin]++;
            }
            List<Double> shares = new ArrayList<>();
            for (double c : counts) {
                shares.add(s.isEmpty() ? 0 : 100 * c / s.size());
            }
            Charts.addBars(chart, i, results.get(i).topology(), List.of(DISRUPTED_BINS), shares);
        }
        chart.getStyler().setYAxisDecimalPattern("#0.#");
        return Charts.save(run, "disrupted_per_departure", chart);
    }

    private Path loadBalanceChart() {
        CategoryChart chart = Charts.bars("Load balance", "children / capacity of relay-capable peers",
                "share of relay-capable peers (%)");
        for (int i = 0; i < results.size(); i++) {
            SimResult r = results.get(i);
            long total = 0;
            for (long c : r.utilisationBins) {
                total += c;
            }
            List<Double> shares = new ArrayList<>();
            for (long c : r.utilisationBins) {
                shares.add(total == 0 ? 0 : 100.0 * c / total);
            }
            Charts.addBars(chart, i, r.topology(), List.of(SimResult.UTILISATION_BINS), shares);
        }
        chart.getStyler().setYAxisDecimalPattern("#0.#");
        return Charts.save(run, "load_balance", chart);
    }

    private Path seriesChart(String name, String title, String yTitle, Function<SimResult, double[]> series) {
        XYChart chart = Charts.lines(title, "simulated time (s)", yTitle);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        for (int i = 0; i < results.size(); i++) {
            SimResult r = results.get(i);
            double[] x = java.util.Arrays.copyOf(r.seriesTimeS, r.seriesLength);
            double[] y = java.util.Arrays.copyOf(series.apply(r), r.seriesLength);
            Charts.addLine(chart, i, r.topology(), x, y);
        }
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        return Charts.save(run, name, chart);
    }

    private Path speedChart() {
        CategoryChart chart = Charts.bars("Simulator speed", "topology plugin", "events per second");
        for (int i = 0; i < results.size(); i++) {
            SimResult r = results.get(i);
            Charts.addBars(chart, i, r.topology(), List.of(r.topology()), List.of(r.eventsPerSecond()));
        }
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        chart.getStyler().setOverlapped(true);
        return Charts.save(run, "simulator_speed", chart);
    }

    // ------------------------------------------------------------------------------------------ formatting

    static String fmt(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f ms", v);
    }

    static String pct(double share) {
        return Double.isNaN(share) ? "-" : String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }

    static String mib(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%,.0f MiB", bytes / (1024.0 * 1024));
    }
}
