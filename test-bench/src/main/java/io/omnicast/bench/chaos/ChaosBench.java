package io.omnicast.bench.chaos;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.omnicast.bench.demo.PeerStats;
import io.omnicast.bench.live.LiveRig;
import io.omnicast.bench.live.LiveScenario;
import io.omnicast.bench.live.PeerProcess;
import io.omnicast.bench.live.PeerSpec;
import io.omnicast.bench.report.Charts;
import io.omnicast.bench.report.CsvWriter;
import io.omnicast.bench.report.ResultTable;
import io.omnicast.bench.report.Samples;
import io.omnicast.bench.sim.SessionLengths;
import io.omnicast.proxy.directory.DirectoryEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code omnicast bench chaos}: a live channel under churn. About {@code --peers} peer processes join by a Poisson
 * process, stay for heavy-tailed session lengths and leave, {@code --kill-share} of them by SIGKILL, the rest by
 * SIGTERM (Logout), for {@code --duration} seconds; the schedule is drawn from the seed up front
 * ({@link ChurnPlan}, written to {@code plan.csv}).
 *
 * <p>Every live peer's stats are polled each second (the last stats of a peer that died are kept). The report
 * gives stalls per peer-hour of playing time, the distribution of recovery gaps (old parent's last packet to the
 * new parent's first, every recovery of every peer, by how the parent left), packets still lost after repair, and
 * the proxy's re-parent latency from its own per-event records (relay loss detected to the orphans' pushes).
 */
@Command(name = "chaos", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Peers under churn (Poisson joins, heavy-tailed sessions, a share of SIGKILL departures): "
                + "stalls per peer-hour, recovery-gap CDF, packets lost after repair, proxy re-parent latency.")
public final class ChaosBench extends LiveScenario {
    /** Paper section 4.2.3: recovery after a relay left took 100-120 ms (graceful departures only). */
    static final String PAPER_TRECOVERY = "100-120 ms (relay left)";
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int BIN_SECONDS = 10;

    @Option(names = "--peers", defaultValue = "50", description = "Target population (default ${DEFAULT-VALUE}).")
    int peers;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "300",
            description = "Churn phase after the ramp, seconds (default ${DEFAULT-VALUE}).")
    int durationSeconds;

    @Option(names = "--session", defaultValue = "weibull", description = "Session lengths: weibull or pareto "
            + "(default ${DEFAULT-VALUE}).")
    String sessionKind;

    @Option(names = "--session-params", defaultValue = "shape=0.6,scale-s=100", description = "Parameters of the "
            + "session model: shape=K,scale-s=S (Weibull) or alpha=A,min-s=M (Pareto, alpha > 1); "
            + "default ${DEFAULT-VALUE}, a mean of 150 s.")
    String sessionParams;

    @Option(names = "--kill-share", defaultValue = "0.3", description = "Share of departures by SIGKILL, the rest "
            + "by SIGTERM (default ${DEFAULT-VALUE}).")
    double killShare;

    @Option(names = "--decode-share", defaultValue = "0.1", description = "Share of peers decoding with FFmpeg; the "
            + "others only count frames (default ${DEFAULT-VALUE}).")
    double decodeShare;

    @Option(names = "--max-children", paramLabel = "N[,N...]", defaultValue = "0,2,2,3", split = ",",
            description = "Capacities, one drawn uniformly per peer (default ${DEFAULT-VALUE}).")
    int[] capacities;

    @Option(names = "--origin-children", defaultValue = "4", description = "Slots of the streaming server "
            + "(default ${DEFAULT-VALUE}).")
    int originChildren;

    @Option(names = "--ramp-rate", paramLabel = "PER_SECOND", defaultValue = "2",
            description = "Launches per second of the initial population (default ${DEFAULT-VALUE}).")
    double rampRate;

    @Option(names = "--max-starting", defaultValue = "4", description = "Most peer JVMs starting up at once; later "
            + "launches wait (2 cores start few JVMs at a time; default ${DEFAULT-VALUE}).")
    int maxStarting;

    @Option(names = "--prestart", paramLabel = "SECONDS", defaultValue = "20", description = "Peer processes are "
            + "launched this long before their planned join, start up and warm up held (--hold), and join at the "
            + "planned time, so a JVM's start-up does not delay the join (default ${DEFAULT-VALUE}).")
    int prestartSeconds;

    @Option(names = "--join-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "A peer not playing this long after its launch is killed and counted (default "
                    + "${DEFAULT-VALUE}).")
    int joinTimeoutSeconds;

    @Option(names = "--playout-delay-ms", defaultValue = "500", description = "Peers' playout delay (default "
            + "${DEFAULT-VALUE}).")
    long playoutDelayMs;

    private ChurnPlan plan;
    private final List<ChaosPeer> all = new ArrayList<>();
    private final Map<String, String> exitLogs = new LinkedHashMap<>();
    private long t0;
    private long[] stallBins;
    private int stallsSeen;
    private CsvWriter timeline;
    private final AtomicInteger departuresKill = new AtomicInteger();
    private final AtomicInteger departuresTerm = new AtomicInteger();

    @Override
    protected String scenario() {
        return "chaos";
    }

    @Override
    protected String title() {
        return "Chaos: a live channel under churn with abrupt departures";
    }

    @Override
    protected void validate() {
        if (peers < 1 || peers > 500 || durationSeconds < 5 || durationSeconds > 86_400 || killShare < 0
                || killShare > 1 || decodeShare < 0 || decodeShare > 1 || originChildren < 1 || !(rampRate > 0)
                || maxStarting < 1 || joinTimeoutSeconds < 5 || capacities.length == 0 || prestartSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "need 1 <= --peers <= 500, --duration >= 5, "
                    + "0 <= --kill-share, --decode-share <= 1, --origin-children >= 1, --ramp-rate > 0, "
                    + "--max-starting >= 1, --join-timeout >= 5, --prestart >= 0");
        }
        for (int c : capacities) {
            if (c < 0 || c > 64) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--max-children values must be between "
                        + "0 and 64 (was " + c + ")");
            }
        }
        try {
            plan = ChurnPlan.draw(peers, durationSeconds, rampRate, SessionLengths.parse(sessionKind, sessionParams),
                    killShare, decodeShare, capacities, seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    protected void run(LiveRig rig) throws Exception {
        SessionLengths lengths = SessionLengths.parse(sessionKind, sessionParams);
        long kills = plan.sessions().stream().filter(s -> s.departure() == ChurnPlan.Departure.SIGKILL).count();
        report.parameter("peers (target population)", peers)
                .parameter("churn", String.format(Locale.ROOT, "ramp of %d initial peers at %.1f/s (%.0f s), then "
                        + "%d s of Poisson arrivals at %.3f/s", peers, rampRate, plan.rampEndSeconds(),
                        durationSeconds, plan.arrivalsPerSecond()))
                .parameter("session lengths", String.format(Locale.ROOT, "%s %s (mean %.0f s), counted from the "
                        + "first played frame; initial peers get the residual of a session in progress", sessionKind,
                        lengths.params(), lengths.meanSeconds()))
                .parameter("departures", "SIGKILL share " + killShare + ", else SIGTERM (Logout)")
                .parameter("planned sessions", plan.sessions().size() + " (" + kills + " planned to end by SIGKILL)")
                .parameter("capacities (max children, uniform)", java.util.Arrays.toString(capacities)
                        + "; streaming server " + originChildren)
                .parameter("players", "decoding share " + decodeShare + " (FFmpeg, -Xmx128m), others count frames "
                        + "(--no-decode, -Xmx96m); playout delay " + playoutDelayMs + " ms")
                .parameter("launch", "each peer process starts " + prestartSeconds + " s before its planned join "
                        + "and waits held (--hold) until then; the plan's clock starts when the first wave is ready; "
                        + "at most " + maxStarting + " JVMs starting up at once; join timeout " + joinTimeoutSeconds
                        + " s");
        plan.write(run);
        for (ChurnPlan.Session s : plan.sessions()) {
            all.add(new ChaosPeer(s));
        }
        say("plan: " + plan.sessions().size() + " sessions (" + kills + " by SIGKILL) over "
                + String.format(Locale.ROOT, "%.0f s", plan.endSeconds()) + "; creating accounts");
        for (int i = 0; i < all.size(); i++) {
            rig.account(all.get(i).plan.user(), "viewer");
            int done = i + 1;
            progress.update(done, all.size(), () -> "accounts");
        }
        say("starting proxy (" + topology + "), streaming server and the bridge's test pattern");
        rig.publishTestPattern(size, 30, kbps, 30, originChildren);

        stallBins = new long[(int) Math.ceil(plan.endSeconds() / BIN_SECONDS)];
        ExecutorService pollers = Executors.newFixedThreadPool(6, daemon("chaos-poll"));
        ExecutorService departures = Executors.newCachedThreadPool(daemon("chaos-depart"));
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("chaos-tick"));
        try (CsvWriter samples = run.csv("samples", "t_s", "user", "state", "hop", "parent", "children", "fps",
                "frames", "stalls", "stall_ms", "packets_lost", "packets_repaired", "recoveries_total");
                CsvWriter population = run.csv("population", "t_s", "processes", "starting_up", "held",
                        "joining", "playing", "recovering", "target", "load_1m");
                CsvWriter events = run.csv("timeline", "t_s", "user", "event", "detail")) {
            timeline = events;
            int wave = startFirstWave(rig);
            say("churn for " + String.format(Locale.ROOT, "%.0f s", plan.endSeconds()) + " ("
                    + plan.sessions().size() + " sessions planned)");
            ticker.scheduleAtFixedRate(() -> poll(pollers, samples, population), 1, 1, TimeUnit.SECONDS);
            churn(rig, departures, wave);
            ticker.shutdown();
            ticker.awaitTermination(10, TimeUnit.SECONDS);
            departures.shutdown();
            departures.awaitTermination(15, TimeUnit.SECONDS);
            poll(pollers, samples, population); // the last word of every peer still running
            long end = System.nanoTime();
            for (ChaosPeer p : all) {
                if (p.launched() && p.end("end-of-run", end)) {
                    event(p, "end-of-run", "still there when the run ended");
                }
            }
        } finally {
            ticker.shutdownNow();
            pollers.shutdownNow();
            departures.shutdownNow();
        }
        progress.finish(Math.round(plan.endSeconds()), Math.round(plan.endSeconds()), status());
        rig.proxy().flushEvents(Duration.ofSeconds(10));
        List<DirectoryEvent> proxyEvents = proxyEvents(rig);
        analyse(rig, proxyEvents);
    }

    // ------------------------------------------------------------------------------------------------ the run

    /**
     * Launches the first wave, the peers planned to join within the pre-start (at most {@code --max-starting}), and
     * starts the plan's clock once the pre-start has passed and they are all ready (at most 120 s later). On a
     * loaded machine four JVMs starting and warming up at once can take longer than the pre-start; without the wait
     * the first joins, those that build the top of the tree, would go out late and the run would not be the plan's.
     * Sets {@link #t0}; returns how many peers were launched.
     */
    private int startFirstWave(LiveRig rig) throws IOException, InterruptedException {
        long prestart = TimeUnit.SECONDS.toNanos(prestartSeconds);
        long first = System.nanoTime();
        List<ChaosPeer> wave = new ArrayList<>();
        while (wave.size() < all.size() && wave.size() < maxStarting
                && all.get(wave.size()).plan.joinAtSeconds() * 1e9 <= prestart) {
            ChaosPeer p = all.get(wave.size());
            launch(rig, p);
            wave.add(p);
        }
        long giveUp = first + prestart + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            long now = System.nanoTime();
            int starting = 0;
            for (ChaosPeer p : wave) {
                if (p.readyNanos() < 0 && p.process().isAlive()) {
                    PeerStats s = p.process().stats();
                    if (s != null) {
                        p.accept(s, now);
                    }
                    starting += p.readyNanos() < 0 ? 1 : 0;
                }
            }
            if (now >= first + prestart && (starting == 0 || now >= giveUp)) {
                t0 = now;
                break;
            }
            int ready = wave.size() - starting;
            progress.update(ready, wave.size(), () -> "first peers started up and ready, "
                    + Math.round((now - first) / 1e9) + " s into the " + prestartSeconds + " s pre-start");
            Thread.sleep(50);
        }
        long waited = t0 - first - prestart;
        for (ChaosPeer p : wave) {
            event(p, "launch", launchDetail(p.plan), p.launchedNanos());
        }
        if (waited > TimeUnit.MILLISECONDS.toNanos(500)) {
            say(String.format(Locale.ROOT, "the first %d peers took %.1f s to start up and warm up; the plan's "
                    + "clock started %.1f s after the pre-start", wave.size(), (t0 - first) / 1e9, waited / 1e9));
        }
        return wave.size();
    }

    private void launch(LiveRig rig, ChaosPeer p) throws IOException {
        ChurnPlan.Session s = p.plan;
        PeerSpec spec = new PeerSpec(s.user(), s.maxChildren(), s.decode(), playoutDelayMs, s.decode() ? 128 : 96,
                List.of()).held();
        p.launched(rig.startPeer(spec), System.nanoTime());
    }

    private static String launchDetail(ChurnPlan.Session s) {
        return String.format(Locale.ROOT, "join planned at %.1f s; max children %d, %s", s.joinAtSeconds(),
                s.maxChildren(), s.decode() ? "decoding" : "no-decode");
    }

    private void churn(LiveRig rig, ExecutorService departures, int launched) throws Exception {
        long endNanos = t0 + Math.round(plan.endSeconds() * 1e9);
        long joinTimeout = TimeUnit.SECONDS.toNanos(joinTimeoutSeconds);
        long startupTimeout = TimeUnit.SECONDS.toNanos(120);
        long prestart = TimeUnit.SECONDS.toNanos(prestartSeconds);
        int next = launched;
        while (System.nanoTime() < endNanos) {
            long now = System.nanoTime();
            int starting = 0;
            for (ChaosPeer p : all) {
                if (!p.launched() || p.ended()) {
                    continue;
                }
                PeerProcess process = p.process();
                if (!process.isAlive()) {
                    String kind = "exited(" + process.exitCode() + ")";
                    if (p.end(kind, now)) {
                        event(p, "exited", "the process ended on its own, exit " + process.exitCode());
                        exitLogs.put(p.plan.user(), tail(process));
                    }
                    continue;
                }
                if (p.readyNanos() < 0) {
                    starting++;
                }
                long joinAt = t0 + Math.round(p.plan.joinAtSeconds() * 1e9);
                if (p.joinedNanos() < 0 && now >= joinAt) {
                    // Sent on time even while the JVM is still starting: the line waits in the pipe until it reads.
                    quietly(process::join);
                    p.joined(now);
                    event(p, "join", p.readyNanos() < 0 ? "join sent; the process is not ready yet" : "");
                }
                if (p.playingNanos() < 0) {
                    boolean late = p.joinedNanos() >= 0 ? now - Math.max(p.joinedNanos(), p.readyNanos() < 0 ? now
                            : p.readyNanos()) > joinTimeout : now - p.launchedNanos() > startupTimeout;
                    if (late && p.end("no-play", now)) {
                        event(p, "no-play", "not playing " + joinTimeoutSeconds + " s after its join (or not started "
                                + "120 s after launch); killed");
                        departures.execute(() -> quietly(process::kill));
                    }
                    continue;
                }
                if (now >= p.playingNanos() + Math.round(p.plan.lengthSeconds() * 1e9)) {
                    depart(p, departures);
                }
            }
            while (next < all.size() && starting < maxStarting
                    && now >= t0 + Math.round(all.get(next).plan.joinAtSeconds() * 1e9) - prestart) {
                ChaosPeer p = all.get(next++);
                launch(rig, p);
                event(p, "launch", launchDetail(p.plan));
                starting++;
            }
            long elapsed = Math.max(0, Math.round((now - t0) / 1e9));
            progress.update(elapsed, Math.round(plan.endSeconds()), this::status);
            Thread.sleep(50);
        }
    }

    /**
     * The planned departure, off the scenario's thread: a last poll (so its final counters are known), then SIGKILL
     * or SIGTERM. The end is marked first, so the poller leaves the peer alone from now on.
     */
    private void depart(ChaosPeer p, ExecutorService departures) {
        boolean kill = p.plan.departure() == ChurnPlan.Departure.SIGKILL;
        if (!p.end(kill ? "sigkill" : "sigterm", System.nanoTime())) {
            return;
        }
        PeerStats previous = p.last();
        event(p, kill ? "sigkill" : "sigterm", previous == null ? "" : "hop " + (int) previous.number("hopCount", -1)
                + ", children " + (int) previous.number("children", 0) + " (last poll)");
        (kill ? departuresKill : departuresTerm).incrementAndGet();
        PeerProcess process = p.process();
        departures.execute(() -> {
            try {
                PeerStats s = process.stats();
                if (s != null) {
                    p.accept(s, System.nanoTime());
                }
                if (kill) {
                    process.kill();
                } else {
                    process.leave();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** One poll of every running peer (in parallel), then one row per peer and one population row. */
    private void poll(ExecutorService pollers, CsvWriter samples, CsvWriter population) {
        try {
            List<ChaosPeer> live = new ArrayList<>();
            for (ChaosPeer p : all) {
                if (p.launched() && !p.ended()) {
                    live.add(p);
                }
            }
            List<Callable<PeerStats>> tasks = new ArrayList<>();
            for (ChaosPeer p : live) {
                tasks.add(() -> p.process().stats());
            }
            var results = pollers.invokeAll(tasks, 5, TimeUnit.SECONDS);
            long now = System.nanoTime();
            double t = (now - t0) / 1e9;
            int[] counts = new int[5]; // starting up, held, joining, playing, recovering
            for (int i = 0; i < live.size(); i++) {
                ChaosPeer p = live.get(i);
                PeerStats s = results.get(i).isCancelled() ? null : results.get(i).get();
                if (s == null) {
                    counts[p.readyNanos() < 0 ? 0 : 2]++;
                    continue;
                }
                long stallsBefore = p.last() == null ? 0 : (long) p.last().number("stalls", 0);
                if (p.accept(s, now)) {
                    event(p, "playing", "hop " + (int) s.number("hopCount", -1) + ", first frame "
                            + (long) s.number("firstFrameMs", -1) + " ms after the join");
                }
                long stalls = (long) s.number("stalls", 0);
                if (stalls > stallsBefore) {
                    synchronized (this) {
                        stallBins[Math.max(0, Math.min(stallBins.length - 1, (int) (t / BIN_SECONDS)))] += stalls
                                - stallsBefore;
                        stallsSeen += (int) (stalls - stallsBefore);
                    }
                }
                String state = s.text("state");
                if ("recovering".equals(state)) {
                    counts[4]++;
                } else if (p.playing()) {
                    counts[3]++;
                } else if ("ready".equals(state)) {
                    counts[1]++;
                } else if (p.readyNanos() < 0) {
                    counts[0]++;
                } else {
                    counts[2]++;
                }
                samples.row(t, p.plan.user(), state, (int) s.number("hopCount", -1), s.text("parent"),
                        (int) s.number("children", 0), s.number("fps", 0), (long) s.number("framesDecoded", 0),
                        stalls, (long) s.number("stallMs", 0), (long) s.number("packetsLost", 0),
                        (long) s.number("packetsRepaired", 0), (long) s.number("recoveriesTotal", 0));
            }
            population.row(t, live.size(), counts[0], counts[1], counts[2], counts[3], counts[4], peers,
                    loadAverage().split(" ")[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            say("poll failed: " + e);
        }
    }

    private String status() {
        int processes = 0;
        int playing = 0;
        long recoveries = 0;
        for (ChaosPeer p : all) {
            if (p.launched() && !p.ended()) {
                processes++;
                if (p.playing()) {
                    playing++;
                }
            }
            recoveries += p.recoveries().size();
        }
        int stalls;
        synchronized (this) {
            stalls = stallsSeen;
        }
        return String.format(Locale.ROOT, "peers %d (playing %d), departures %d SIGTERM + %d SIGKILL, recoveries "
                + "%d, stalls %d, load %s", processes, playing, departuresTerm.get(), departuresKill.get(),
                recoveries, stalls, loadAverage().split(" ")[0]);
    }

    private void event(ChaosPeer p, String kind, String detail) {
        event(p, kind, detail, System.nanoTime());
    }

    private synchronized void event(ChaosPeer p, String kind, String detail, long nanos) {
        timeline.row((nanos - t0) / 1e9, p.plan.user(), kind, detail);
    }

    // ---------------------------------------------------------------------------------------------- analysis

    private List<DirectoryEvent> proxyEvents(LiveRig rig) {
        List<DirectoryEvent> events = new ArrayList<>();
        long since = 0;
        while (true) {
            List<DirectoryEvent> page = rig.proxy().directory().eventsSince(since, 1000);
            if (page.isEmpty()) {
                return events;
            }
            events.addAll(page);
            since = page.get(page.size() - 1).id();
        }
    }

    /** One recovery as reported, with its parent's fate. */
    private record Gap(ChaosPeer peer, ChaosPeer.SeenRecovery seen, String parentUser, String parentFate) {
    }

    private void analyse(LiveRig rig, List<DirectoryEvent> proxyEvents) {
        long now = System.nanoTime();
        Map<String, ChaosPeer> byNode = new HashMap<>();
        for (ChaosPeer p : all) {
            if (p.nodeId() != null) {
                byNode.put(p.nodeId(), p);
            }
        }
        // ---- peers
        double playedSeconds = 0;
        long stalls = 0;
        long stallMs = 0;
        long packetsLost = 0;
        long packetsRepaired = 0;
        long recoveriesTotal = 0;
        int launched = 0;
        int played = 0;
        Map<String, Integer> endings = new java.util.TreeMap<>();
        Samples firstFrames = new Samples();
        try (CsvWriter csv = run.csv("peers", "user", "initial", "max_children", "decode", "planned_join_s",
                "launched_s", "ready_s", "joined_s", "first_frame_ms", "playing_s", "ended_s", "ending",
                "planned_session_s", "played_s", "max_hop", "stalls", "stall_ms", "packets_lost", "packets_repaired", "recoveries_total")) {
            for (ChaosPeer p : all) {
                if (!p.launched()) {
                    continue;
                }
                launched++;
                PeerStats s = p.last();
                double playedS = p.playedSeconds(now);
                if (p.playingNanos() >= 0) {
                    played++;
                    playedSeconds += playedS;
                }
                endings.merge(p.endKind() == null ? "running" : p.endKind().replaceAll("\\(.*", ""), 1,
                        Integer::sum);
                long firstFrameMs = s == null ? -1 : (long) s.number("firstFrameMs", -1);
                if (p.playingNanos() >= 0 && firstFrameMs >= 0) {
                    firstFrames.add(firstFrameMs);
                }
                long st = s == null ? 0 : (long) s.number("stalls", 0);
                long stMs = s == null ? 0 : (long) s.number("stallMs", 0);
                long lost = s == null ? 0 : (long) s.number("packetsLost", 0);
                long repaired = s == null ? 0 : (long) s.number("packetsRepaired", 0);
                long rec = s == null ? 0 : (long) s.number("recoveriesTotal", 0);
                stalls += st;
                stallMs += stMs;
                packetsLost += lost;
                packetsRepaired += repaired;
                recoveriesTotal += rec;
                csv.row(p.plan.user(), p.plan.initial(), p.plan.maxChildren(), p.plan.decode(),
                        p.plan.joinAtSeconds(), seconds(p.launchedNanos()), seconds(p.readyNanos()),
                        seconds(p.joinedNanos()), firstFrameMs, seconds(p.playingNanos()),
                        seconds(p.endNanos()), p.endKind(), p.plan.lengthSeconds(), playedS, p.maxHop(), st, stMs,
                        lost, repaired, rec);
            }
        }
        // ---- recoveries
        List<Gap> gaps = new ArrayList<>();
        for (ChaosPeer p : all) {
            for (ChaosPeer.SeenRecovery r : p.recoveries()) {
                ChaosPeer parent = r.recovery().from() == null ? null : byNode.get(r.recovery().from());
                String fate;
                if (parent == null) {
                    fate = "origin or unknown";
                } else if (parent.endKind() == null || parent.endNanos() > r.seenNanos()) {
                    fate = "parent still running";
                } else {
                    String k = parent.endKind();
                    fate = k.equals("sigkill") ? "parent SIGKILLed" : k.equals("sigterm") ? "parent left (SIGTERM)"
                            : k.startsWith("exited") ? "parent exited on its own" : "parent " + k;
                }
                gaps.add(new Gap(p, r, parent == null ? null : parent.plan.user(), fate));
            }
        }
        Map<String, Samples> gapsByFate = new java.util.TreeMap<>();
        Map<String, long[]> lossByFate = new java.util.TreeMap<>(); // recoveries, unfinished, lost, with loss
        Map<String, Integer> causes = new java.util.TreeMap<>();
        Samples allGaps = new Samples();
        long[] allLoss = new long[4];
        double[] recoveryBins = new double[stallBins.length];
        try (CsvWriter csv = run.csv("recoveries", "user", "ordinal", "seen_s", "cause", "from_node", "from_user",
                "parent_fate", "to_node", "gap_ms", "lost_after_repair")) {
            for (Gap g : gaps) {
                PeerStats.Recovery r = g.seen().recovery();
                csv.row(g.peer().plan.user(), g.seen().ordinal(), seconds(g.seen().seenNanos()), r.cause(), r.from(),
                        g.parentUser(), g.parentFate(), r.to(), r.gapMs(), r.packetsLostAfterRepair());
                causes.merge(r.cause(), 1, Integer::sum);
                long[] loss = lossByFate.computeIfAbsent(g.parentFate(), k -> new long[4]);
                for (long[] l : List.of(loss, allLoss)) {
                    l[0]++;
                    if (r.gapMs() < 0) {
                        l[1]++;
                    }
                    l[2] += r.packetsLostAfterRepair();
                    if (r.packetsLostAfterRepair() > 0) {
                        l[3]++;
                    }
                }
                if (r.gapMs() >= 0) {
                    gapsByFate.computeIfAbsent(g.parentFate(), k -> new Samples()).add(r.gapMs());
                    allGaps.add(r.gapMs());
                }
                double t = seconds(g.seen().seenNanos());
                if (t >= 0) {
                    recoveryBins[Math.max(0, Math.min(recoveryBins.length - 1, (int) (t / BIN_SECONDS)))]++;
                }
            }
        }
        // ---- proxy re-parent latency, per event from its directory
        Samples pushes = new Samples();
        Samples reportPlacements = new Samples();
        int orphansWaiting = 0;
        Map<String, Integer> leaveReasons = new java.util.TreeMap<>();
        try (CsvWriter csv = run.csv("proxy_events", "at_ms", "kind", "node", "user", "parent", "parent_user", "hop",
                "duration_us", "detail")) {
            for (DirectoryEvent e : proxyEvents) {
                ChaosPeer node = byNode.get(e.nodeId());
                ChaosPeer parent = e.parentId() == null ? null : byNode.get(e.parentId());
                csv.row(e.atMillis(), e.kind(), e.nodeId(), node == null ? null : node.plan.user(), e.parentId(),
                        parent == null ? null : parent.plan.user(), e.hopCount(), e.durationMicros(), e.detail());
                switch (e.kind()) {
                    case "reparent" -> {
                        if (e.durationMicros() >= 0) {
                            pushes.add(e.durationMicros() / 1000.0);
                        }
                    }
                    case "placement" -> {
                        if (e.detail() != null && e.detail().contains("failure report") && e.durationMicros() >= 0) {
                            reportPlacements.add(e.durationMicros() / 1000.0);
                        }
                    }
                    case "orphan-waiting" -> orphansWaiting++;
                    case "leave" -> leaveReasons.merge(e.detail() == null ? "?" : e.detail().replaceAll(" children=.*",
                            ""), 1, Integer::sum);
                    default -> {
                    }
                }
            }
        }
        Timer timer = rig.proxy().services().metrics().reparentLatency();

        // ---- report
        double peerHours = playedSeconds / 3600;
        report.section("Results");
        report.text(String.format(Locale.ROOT, "%d peer processes were launched over %.0f s (%d played; endings: "
                + "%s). Stalls count pictures that were due and absent at the %d ms playout delay, summed over every "
                + "peer, per hour of playing time (first played frame to departure). A recovery is one fail-over a "
                + "peer recorded; its gap runs from the old parent's last RTP packet to the new parent's first, and "
                + "its packets lost after repair are those still missing a second (the NACK repair window) after "
                + "they were due. The proxy's re-parent latency is its own record of each push: relay loss detected "
                + "(Logout, or its USCP session closed) to the orphans' ReStreamingConnection handed to the "
                + "network.", launched, plan.endSeconds(), played, endings, playoutDelayMs));
        ResultTable results = new ResultTable("Chaos results", "metric", List.of("this run"));
        results.row("peer sessions launched / played", List.of(launched + " / " + played));
        results.row("departures SIGTERM / SIGKILL", List.of(departuresTerm.get() + " / " + departuresKill.get()));
        results.row("join to first frame p50 / p95 (peers' own clocks)", List.of(firstFrames.isEmpty() ? "-"
                : String.format(Locale.ROOT, "%.0f / %.0f ms", firstFrames.quantile(0.5), firstFrames.quantile(0.95))));
        results.row("peer-hours played", List.of(String.format(Locale.ROOT, "%.2f", peerHours)));
        results.row("stalls (all peers)", List.of(String.valueOf(stalls)));
        results.row("stalls per peer-hour", List.of(peerHours > 0 ? String.format(Locale.ROOT, "%.1f",
                stalls / peerHours) : "-"));
        results.row("stall time per peer-hour", List.of(peerHours > 0 ? String.format(Locale.ROOT, "%.1f s",
                stallMs / 1000.0 / peerHours) : "-"));
        results.row("recoveries counted by peers / recorded here", List.of(recoveriesTotal + " / " + gaps.size()));
        results.row("recovery gap p50 / p95 / p99 / max", List.of(allGaps.isEmpty() ? "-" : String.format(
                Locale.ROOT, "%.0f / %.0f / %.0f / %.0f ms", allGaps.quantile(0.5), allGaps.quantile(0.95),
                allGaps.quantile(0.99), allGaps.max())), PAPER_TRECOVERY);
        results.row("recoveries without a new parent's first packet", List.of(String.valueOf(allLoss[1])));
        results.row("packets lost after repair (in recoveries)", List.of(allLoss[2] + " in " + allLoss[3] + " of "
                + allLoss[0] + " recoveries"));
        results.row("packets lost / repaired (all peers, whole run)", List.of(packetsLost + " / " + packetsRepaired));
        results.row("proxy re-parent latency p50 / p95 / max (pushes)", List.of(pushes.isEmpty() ? "-"
                : String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms (%d orphans)", pushes.quantile(0.5),
                        pushes.quantile(0.95), pushes.max(), pushes.size())), "target < 100 ms");
        results.row("proxy re-placement after a child's report p50 / p95 / max", List.of(reportPlacements.isEmpty()
                ? "-" : String.format(Locale.ROOT, "%.2f / %.2f / %.2f ms (%d)", reportPlacements.quantile(0.5),
                        reportPlacements.quantile(0.95), reportPlacements.max(), reportPlacements.size())));
        results.row("orphans left waiting for a slot", List.of(String.valueOf(orphansWaiting)));
        results.row("proxy timer omnicast.proxy.reparent.latency", List.of(String.format(Locale.ROOT,
                "%d pushes written, mean %.2f ms, p95 <= %s", timer.count(), timer.mean(TimeUnit.MILLISECONDS),
                bucketQuantile(timer, 0.95))));
        report.table(results);
        String setUp = String.format(Locale.ROOT, "%d peers under churn for %.0f s (%s, %.0f %% SIGKILL, %d sessions, "
                + "%.2f peer-hours)", peers, plan.endSeconds(), topology, killShare * 100, launched, peerHours);
        report.headline("Chaos: stalls per peer-hour, " + setUp, peerHours > 0 ? String.format(Locale.ROOT,
                "%.1f stalls per peer-hour (%.1f s of stall per peer-hour)", stalls / peerHours,
                stallMs / 1000.0 / peerHours) : "-", "");
        report.headline("Chaos: recovery gap (old parent's last packet to the new parent's first) and packets lost "
                + "after repair, " + setUp, allGaps.isEmpty() ? "-" : String.format(Locale.ROOT,
                        "p50 %.0f ms, p95 %.0f ms, max %.0f ms over %d recoveries; %d packets lost after repair",
                        allGaps.quantile(0.5), allGaps.quantile(0.95), allGaps.max(), gaps.size(), allLoss[2]), "");
        report.headline("Chaos: proxy re-parent latency (relay loss detected to the orphans' pushes written), "
                + setUp, pushes.isEmpty() ? "-" : String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms (%d orphans)",
                        pushes.quantile(0.5), pushes.quantile(0.95), pushes.size()), "");

        ResultTable byFate = new ResultTable("Recovery gaps by how the old parent left", "old parent",
                List.of("recoveries", "p50", "p95", "p99", "max", "unfinished", "lost after repair"));
        for (Map.Entry<String, long[]> e : lossByFate.entrySet()) {
            Samples s = gapsByFate.getOrDefault(e.getKey(), new Samples());
            long[] l = e.getValue();
            byFate.row(e.getKey(), List.of(String.valueOf(l[0]), ms(s.quantile(0.5)), ms(s.quantile(0.95)),
                    ms(s.quantile(0.99)), ms(s.max()), String.valueOf(l[1]), l[2] + " (in " + l[3] + ")"));
        }
        if (byFate.rowCount() > 0) {
            report.table(byFate);
        }
        report.text("Causes the peers recorded: " + causes + ". The proxy's leave events by reason: " + leaveReasons
                + ". \"parent still running\" covers fail-overs away from a parent that did not leave (a timeout, "
                + "or a move the proxy ordered); \"origin or unknown\" a parent that is not one of this run's peers.");
        if (!exitLogs.isEmpty()) {
            report.section("Peers that exited on their own");
            exitLogs.forEach((user, tail) -> report.text("`" + user + "`:\n\n```\n" + tail + "\n```"));
        }
        charts(gapsByFate, allGaps, pushes, recoveryBins);
        say(String.format(Locale.ROOT, "%d sessions, %.2f peer-hours, %d stalls (%.1f per peer-hour), %d recoveries "
                + "(gap p50 %s, p95 %s), %d packets lost after repair, re-parent push p95 %s", launched, peerHours,
                stalls, peerHours > 0 ? stalls / peerHours : 0, gaps.size(), ms(allGaps.quantile(0.5)),
                ms(allGaps.quantile(0.95)), allLoss[2], pushes.isEmpty() ? "-" : String.format(Locale.ROOT,
                        "%.2f ms", pushes.quantile(0.95))));
    }

    private void charts(Map<String, Samples> gapsByFate, Samples allGaps, Samples pushes, double[] recoveryBins) {
        XYChart cdf = Charts.lines("Recovery gap (old parent's last packet to new parent's first)",
                "gap (ms)", "recoveries at or below (%)");
        cdf.getStyler().setYAxisMin(0.0);
        cdf.getStyler().setYAxisMax(100.0);
        cdf.getStyler().setYAxisDecimalPattern("#0");
        int series = 0;
        addCdf(cdf, series++, "all (" + allGaps.size() + ")", allGaps);
        for (Map.Entry<String, Samples> e : gapsByFate.entrySet()) {
            addCdf(cdf, series++, e.getKey() + " (" + e.getValue().size() + ")", e.getValue());
        }
        report.chart(Charts.save(run, "recovery-gap-cdf", cdf), "CDF of the recovery gaps of every recovery, by how "
                + "the old parent left");
        XYChart zoom = Charts.lines("Recovery gap, the first 2 s", "gap (ms)", "recoveries at or below (%)");
        zoom.getStyler().setYAxisMin(0.0);
        zoom.getStyler().setYAxisMax(100.0);
        zoom.getStyler().setYAxisDecimalPattern("#0");
        zoom.getStyler().setXAxisMin(0.0);
        zoom.getStyler().setXAxisMax(2000.0);
        series = 0;
        addCdf(zoom, series++, "all (" + allGaps.size() + ")", allGaps);
        for (Map.Entry<String, Samples> e : gapsByFate.entrySet()) {
            addCdf(zoom, series++, e.getKey() + " (" + e.getValue().size() + ")", e.getValue());
        }
        report.chart(Charts.save(run, "recovery-gap-cdf-2s", zoom), "The same CDF with the gap axis cut at 2 s (the "
                + "paper's 100-120 ms is at the left edge)");

        XYChart pop = Charts.lines("Population over time", "time (s)", "peers");
        List<double[]> rows = readPopulation();
        Charts.addLine(pop, 0, "processes (incl. starting and held)", column(rows, 0), column(rows, 1));
        Charts.addLine(pop, 1, "playing", column(rows, 0), column(rows, 5));
        Charts.addLine(pop, 2, "recovering", column(rows, 0), column(rows, 6));
        Charts.addLine(pop, 3, "target", column(rows, 0), column(rows, 7));
        Charts.addLine(pop, 4, "joining", column(rows, 0), column(rows, 4));
        pop.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        pop.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        report.chart(Charts.save(run, "population", pop), "Peer processes running (including those starting up "
                + "or held ahead of their join), joining, playing and recovering (polled each second; before 0 s "
                + "the first processes start ahead of the plan), and the target population");

        CategoryChart churn = Charts.bars("Departures and recoveries per " + BIN_SECONDS + " s", "time (s, start of "
                + "the " + BIN_SECONDS + " s window)", "count per " + BIN_SECONDS + " s");
        List<String> bins = new ArrayList<>();
        List<Double> kills = new ArrayList<>();
        List<Double> terms = new ArrayList<>();
        List<Double> stallsPerBin = new ArrayList<>();
        List<Double> recoveriesPerBin = new ArrayList<>();
        for (int i = 0; i < stallBins.length; i++) {
            bins.add(String.valueOf(i * BIN_SECONDS));
            kills.add(0.0);
            terms.add(0.0);
            stallsPerBin.add((double) stallBins[i]);
            recoveriesPerBin.add(recoveryBins[i]);
        }
        for (ChaosPeer p : all) {
            double t = seconds(p.endNanos());
            if (t >= 0 && ("sigkill".equals(p.endKind()) || "sigterm".equals(p.endKind()))) {
                int bin = Math.min(bins.size() - 1, (int) (t / BIN_SECONDS));
                List<Double> list = "sigkill".equals(p.endKind()) ? kills : terms;
                list.set(bin, list.get(bin) + 1);
            }
        }
        Charts.addBars(churn, 0, "departures by SIGTERM", bins, terms);
        Charts.addBars(churn, 1, "departures by SIGKILL", bins, kills);
        Charts.addBars(churn, 2, "recoveries", bins, recoveriesPerBin);
        churn.getStyler().setXAxisLabelRotation(bins.size() > 12 ? 90 : 0);
        churn.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        churn.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        report.chart(Charts.save(run, "churn-timeline", churn), "Departures and recoveries (when first seen) per "
                + BIN_SECONDS + " s");
        CategoryChart stallChart = Charts.bars("Stalls per " + BIN_SECONDS + " s (all peers)", "time (s, start of the "
                + BIN_SECONDS + " s window)", "stalls per " + BIN_SECONDS + " s");
        Charts.addBars(stallChart, 3, "stalls", bins, stallsPerBin);
        stallChart.getStyler().setXAxisLabelRotation(bins.size() > 12 ? 90 : 0);
        stallChart.getStyler().setLegendVisible(false);
        report.chart(Charts.save(run, "stalls-timeline", stallChart), "Stalls of all peers per " + BIN_SECONDS
                + " s (from the per-second polls)");

        XYChart proxy = Charts.lines("Proxy re-parent latency (relay loss detected to push)", "latency (ms)",
                "orphans at or below (%)");
        proxy.getStyler().setYAxisMin(0.0);
        proxy.getStyler().setYAxisMax(100.0);
        proxy.getStyler().setYAxisDecimalPattern("#0");
        addCdf(proxy, 0, "re-parent pushes (" + pushes.size() + ")", pushes);
        report.chart(Charts.save(run, "reparent-latency-cdf", proxy), "CDF of the proxy's re-parent latency per "
                + "orphan, from its event records");
    }

    /** The empirical CDF as a step line (a straight line between few points would invent values). */
    private static void addCdf(XYChart chart, int index, String name, Samples samples) {
        double[][] cdf = samples.cdf(500);
        int n = cdf[0].length;
        if (n == 0) {
            Charts.addLine(chart, index, name, new double[] {0}, new double[] {0});
            return;
        }
        double[] x = new double[2 * n];
        double[] y = new double[2 * n];
        double previous = 0;
        for (int i = 0; i < n; i++) {
            x[2 * i] = cdf[0][i];
            y[2 * i] = previous;
            x[2 * i + 1] = cdf[0][i];
            y[2 * i + 1] = cdf[1][i];
            previous = cdf[1][i];
        }
        Charts.addLine(chart, index, name, x, y);
    }

    private List<double[]> readPopulation() {
        List<double[]> rows = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(run.path().resolve("population.csv"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                double[] row = new double[8];
                for (int i = 0; i < 8; i++) {
                    row[i] = f[i].isEmpty() ? 0 : Double.parseDouble(f[i]);
                }
                rows.add(row);
            }
        } catch (IOException | RuntimeException e) {
            say("cannot read population.csv back: " + e);
        }
        return rows;
    }

    private static double[] column(List<double[]> rows, int index) {
        return rows.stream().mapToDouble(r -> r[index]).toArray();
    }

    /** The upper bound of the histogram bucket holding quantile {@code q} of a Micrometer timer. */
    private static String bucketQuantile(Timer timer, double q) {
        HistogramSnapshot snapshot = timer.takeSnapshot();
        double target = q * snapshot.count();
        for (CountAtBucket b : snapshot.histogramCounts()) {
            if (snapshot.count() > 0 && b.count() >= target) {
                return String.format(Locale.ROOT, "%.1f ms", b.bucket(TimeUnit.MILLISECONDS));
            }
        }
        return "-";
    }

    private double seconds(long nanos) {
        return nanos < 0 ? -1 : (nanos - t0) / 1e9;
    }

    private static String tail(PeerProcess p) {
        try {
            List<String> lines = Files.readAllLines(p.log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void quietly(Action action) {
        try {
            action.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the process is gone either way; what matters is recorded in the timeline
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
