package io.omnicast.peer.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatsServerTest {
    @Test
    void servesTheStatsAsJson() throws Exception {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("nodeId", "n-\"1\"");
        stats.put("fps", 29.97);
        stats.put("stalls", 0L);
        stats.put("recoveries", List.of(Map.of("cause", "rtcp-bye")));
        try (StatsServer server = new StatsServer(0, () -> stats)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/stats")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("{\"nodeId\":\"n-\\\"1\\\"\",\"fps\":29.97,\"stalls\":0,"
                    + "\"recoveries\":[{\"cause\":\"rtcp-bye\"}]}", response.body());
        }
    }
}
