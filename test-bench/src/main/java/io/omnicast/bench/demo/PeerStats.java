package io.omnicast.bench.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a peer's {@code /api/stats} JSON and picks the few fields the demo and the benchmark show. */
public final class PeerStats {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String json;

    /** Stats parsed from the JSON of {@code GET /api/stats}. */
    static PeerStats of(String json) {
        return new PeerStats(json);
    }

    private PeerStats(String json) {
        this.json = json;
    }

    /** The peer's stats, or null while its endpoint is not up. */
    public static PeerStats fetch(int statsPort) throws InterruptedException {
        try {
            return new PeerStats(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort
                    + "/api/stats")).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString())
                    .body());
        } catch (IOException e) {
            return null;
        }
    }

    public String json() {
        return json;
    }

    public String text(String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** The first boolean value of {@code field}, or null. */
    public Boolean bool(String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(true|false)").matcher(json);
        return m.find() ? Boolean.valueOf(m.group(1)) : null;
    }

    /** The first numeric value of {@code field}, or {@code fallback}. */
    public double number(String field, double fallback) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : fallback;
    }

    /**
     * The recoveries list: one {cause, from, to, gapMs, packetsLostAfterRepair} per fail-over. Each object is read
     * field by field, so fields the peer adds (resumeSeq, firstSeq, ...) or reorders do not hide a recovery.
     */
    public List<Recovery> recoveries() {
        List<Recovery> list = new ArrayList<>();
        Matcher object = Pattern.compile("\\{\"cause\":[^{}]*\\}").matcher(json);
        while (object.find()) {
            PeerStats one = new PeerStats(object.group());
            list.add(new Recovery(one.text("cause"), one.text("from"), one.text("to"),
                    (long) one.number("gapMs", -1), (long) one.number("packetsLostAfterRepair", 0)));
        }
        return list;
    }

    /** One fail-over as the peer recorded it. */
    public record Recovery(String cause, String from, String to, long gapMs, long packetsLostAfterRepair) {
    }
}
