package io.omnicast.uscp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every XML example in protocol-xsd/README.md must decode, validate and round-trip: the docs cannot drift. */
class ReadmeExamplesTest {
    private static final Pattern XML_BLOCK = Pattern.compile("```xml\\n(.*?)```", Pattern.DOTALL);
    private final UscpCodec codec = UscpCodec.get();

    static List<String> examples() throws IOException {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        List<String> blocks = new ArrayList<>();
        Matcher m = XML_BLOCK.matcher(readme);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @TestFactory
    Stream<DynamicTest> everyReadmeExampleDecodesAndRoundTrips() throws IOException {
        return examples().stream().map(xml -> DynamicTest.dynamicTest(firstLine(xml), () -> {
            Object message = codec.decode(xml);
            String rootName = xml.substring(1, xml.indexOf(' '));
            assertEquals(rootName, UscpMessages.name(message));
            String encoded = codec.encodeToString(message);
            Object again = codec.decode(encoded);
            assertEquals(encoded, codec.encodeToString(again), "encode(decode(x)) must be stable");
        }));
    }

    @Test
    void readmeHasAnExampleOfEveryMessage() throws Exception {
        Set<String> seen = new TreeSet<>();
        for (String xml : examples()) {
            seen.add(UscpMessages.name(codec.decode(xml)));
        }
        Set<String> all = new TreeSet<>();
        UscpMessages.TYPES.forEach(t -> all.add(t.getSimpleName()));
        assertEquals(all, seen);
        assertTrue(examples().size() >= all.size());
    }

    private static String firstLine(String xml) {
        return xml.lines().findFirst().orElse("").trim();
    }
}
