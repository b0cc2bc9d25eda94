package io.omnicast.bench.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a scenario file: the simulation's settings as {@code key = value} lines, the same keys as the command
 * line's options without the leading dashes (every key and its default: {@link SimConfig#KEYS}).
 *
 * <pre>
 *   # a comment line (only whole lines; '#' inside a value is part of it)
 *   topology = hop-count,random
 *   peers    = 100000
 * </pre>
 * Blank lines are ignored, a key may appear once, and unknown keys are refused with their line number, so a typo
 * never silently falls back to a default. A {@code capacity-mix} that names a file is resolved relative to the
 * scenario file's directory.
 */
public final class ScenarioFile {
    private ScenarioFile() {
    }

    /** The settings of {@code file}, in file order. */
    public static Map<String, String> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scenario file " + file, e);
        }
        Map<String, String> settings = parse(file.toString(), text);
        String mix = settings.get("capacity-mix");
        if (mix != null) {
            Path dir = file.toAbsolutePath().getParent();
            settings.put("capacity-mix", SimConfig.resolveRelative(mix, dir));
        }
        return settings;
    }

    /** Parses scenario text; {@code source} names it in errors. */
    public static Map<String, String> parse(String source, String text) {
        Map<String, String> settings = new LinkedHashMap<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(where + ": expected 'key = value' (was '" + line + "')");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!SimConfig.DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (known: "
                        + String.join(", ", SimConfig.DEFAULTS.keySet()) + ")");
            }
            if (settings.put(key, value) != null) {
                throw new IllegalArgumentException(where + ": key '" + key + "' is set twice");
            }
        }
        return settings;
    }
}
