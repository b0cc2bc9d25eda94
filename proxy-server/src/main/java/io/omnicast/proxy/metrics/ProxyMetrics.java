package io.omnicast.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.omnicast.uscp.v1.ErrorCode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The proxy's Micrometer meters, scraped as Prometheus text at {@code /metrics}: sessions, joins (a counter;
 * Prometheus' {@code rate()} gives joins/s), placement and re-parent latency histograms, errors by code.
 */
public final class ProxyMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final Counter joins;
    private final Counter reparents;
    private final Timer joinLatency;
    private final Timer reparentLatency;
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);

    public ProxyMetrics() {
        Gauge.builder("omnicast.proxy.sessions", sessions, AtomicInteger::get)
                .description("logged-in USCP sessions").register(registry);
        Gauge.builder("omnicast.proxy.connections", connections, AtomicInteger::get)
                .description("open USCP connections").register(registry);
        joins = Counter.builder("omnicast.proxy.joins").description("nodes placed on join").register(registry);
        reparents = Counter.builder("omnicast.proxy.reparents").description("orphans re-parented").register(registry);
        joinLatency = Timer.builder("omnicast.proxy.join.latency")
                .description("Login received to ReStreamingConnection written (includes password check)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
        reparentLatency = Timer.builder("omnicast.proxy.reparent.latency")
                .description("relay loss detected to an orphan's ReStreamingConnection written")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(1)).register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            errors.put(code, Counter.builder("omnicast.proxy.errors").tag("code", code.value())
                    .description("ERROR replies sent, by code").register(registry));
        }
    }

    public AtomicInteger sessions() {
        return sessions;
    }

    public AtomicInteger connections() {
        return connections;
    }

    public void joined(long latencyNanos) {
        joins.increment();
        joinLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    public void reparented(long latencyNanos) {
        reparents.increment();
        reparentLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    public double errorCount(ErrorCode code) {
        return errors.get(code).count();
    }

    public Timer reparentLatency() {
        return reparentLatency;
    }

    /** Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
