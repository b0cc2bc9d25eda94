package io.omnicast.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The defaults file is the component's configuration reference: it must load and document every key. */
class DefaultsFileTest {
    private static final String RESOURCE = "server-defaults.properties";

    @Test
    void everyKeyIsDocumentedByTheCommentAboveIt() throws Exception {
        List<String> lines;
        try (InputStream in = getClass().getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " is missing");
            lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
        }
        int keys = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.isBlank() && !line.startsWith("#")) {
                keys++;
                assertTrue(line.contains("="), "not a key=value line: " + line);
                assertTrue(i > 0 && lines.get(i - 1).startsWith("#"), "key without a comment: " + line);
            }
        }
        Properties properties = new Properties();
        try (InputStream in = getClass().getResourceAsStream(RESOURCE)) {
            properties.load(in);
        }
        assertFalse(properties.isEmpty());
        assertTrue(properties.size() == keys, "duplicate keys in " + RESOURCE);
    }
}
