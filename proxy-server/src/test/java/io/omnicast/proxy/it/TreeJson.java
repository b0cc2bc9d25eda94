package io.omnicast.proxy.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the tree JSON of {@code /api/channels/{c}/tree} just enough to check its consistency in tests. */
final class TreeJson {
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern PARENT = Pattern.compile("\"parent\":(null|\"([^\"]+)\")");
    private static final Pattern HOP = Pattern.compile("\"hopCount\":(-?\\d+)");
    private static final Pattern MAX = Pattern.compile("\"maxChildren\":(\\d+)");
    private static final Pattern CHILDREN = Pattern.compile("\"children\":\\[([^\\]]*)\\]");

    record Row(String id, String parent, int hop, int maxChildren, List<String> children) {
    }

    private TreeJson() {
    }

    static Map<String, Row> parse(String body) {
        Map<String, Row> rows = new LinkedHashMap<>();
        String nodes = body.substring(body.indexOf("\"nodes\":["));
        String[] parts = nodes.split("\\{\"id\":");
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            String obj = "\"id\":" + part;
            Matcher id = ID.matcher(obj);
            Matcher parent = PARENT.matcher(obj);
            Matcher hop = HOP.matcher(obj);
            Matcher max = MAX.matcher(obj);
            Matcher children = CHILDREN.matcher(obj);
            if (!(id.find() && parent.find() && hop.find() && max.find() && children.find())) {
                throw new AssertionError("unreadable node in " + obj);
            }
            List<String> kids = new ArrayList<>();
            for (String k : children.group(1).split(",")) {
                if (!k.isBlank()) {
                    kids.add(k.replace("\"", ""));
                }
            }
            rows.put(id.group(1), new Row(id.group(1), parent.group(2), Integer.parseInt(hop.group(1)),
                    Integer.parseInt(max.group(1)), kids));
        }
        return rows;
    }

    /** Parent/child links agree, hops are parent + 1, no node over capacity. */
    static void assertConsistent(Map<String, Row> rows) {
        for (Row row : rows.values()) {
            if (row.parent() != null) {
                Row parent = rows.get(row.parent());
                if (parent == null || !parent.children().contains(row.id())) {
                    throw new AssertionError(row.id() + " names parent " + row.parent() + " which does not list it");
                }
                if (row.hop() != parent.hop() + 1) {
                    throw new AssertionError(row.id() + " at hop " + row.hop() + " under " + parent.id() + " at hop "
                            + parent.hop());
                }
            }
            if (row.children().size() > row.maxChildren()) {
                throw new AssertionError(row.id() + " has " + row.children().size() + " children, capacity "
                        + row.maxChildren());
            }
            for (String child : row.children()) {
                Row c = rows.get(child);
                if (c == null || !row.id().equals(c.parent())) {
                    throw new AssertionError(row.id() + " lists child " + child + " whose parent is "
                            + (c == null ? "missing" : c.parent()));
                }
            }
        }
    }
}
