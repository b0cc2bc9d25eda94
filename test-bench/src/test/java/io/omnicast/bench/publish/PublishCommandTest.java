package io.omnicast.bench.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishCommandTest {
    @TempDir
    Path dir;

    @Test
    void linksToDataFilesLeftOutBecomePlainNamesSayingWhereTheyAre() throws Exception {
        Path report = dir.resolve("report.md");
        Files.writeString(report, "- [hops.csv](hops.csv)\n- [hop_latency.csv](hop_latency.csv)\n",
                StandardCharsets.UTF_8);

        PublishCommand.unlinkLeftOut(report, Map.of("hop_latency.csv", 2_097_152L), "scale-20261121-203807");

        assertEquals("- [hops.csv](hops.csv)\n- `hop_latency.csv` (2.0 MiB, not published; kept in the run directory "
                + "`reports/scale-20261121-203807`)\n", Files.readString(report, StandardCharsets.UTF_8));
    }
}
