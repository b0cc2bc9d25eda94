package io.omnicast.proxy.http;

import java.util.ArrayDeque;

/** A minimal streaming JSON writer (RFC 8259): the API's few shapes do not need a mapping library. */
public final class JsonWriter {
    private final StringBuilder out = new StringBuilder(256);
    /** Per open container: true once it has a first element (so the next needs a comma). */
    private final ArrayDeque<boolean[]> stack = new ArrayDeque<>();
    private boolean afterName;

    public JsonWriter beginObject() {
        separator();
        out.append('{');
        stack.push(new boolean[1]);
        return this;
    }

    public JsonWriter endObject() {
        stack.pop();
        out.append('}');
        return this;
    }

    public JsonWriter beginArray() {
        separator();
        out.append('[');
        stack.push(new boolean[1]);
        return this;
    }

    public JsonWriter endArray() {
        stack.pop();
        out.append(']');
        return this;
    }

    public JsonWriter name(String name) {
        separator();
        string(name);
        out.append(':');
        afterName = true;
        return this;
    }

    public JsonWriter value(String value) {
        separator();
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        return this;
    }

    public JsonWriter value(long value) {
        separator();
        out.append(value);
        return this;
    }

    public JsonWriter value(double value) {
        separator();
        if (Double.isFinite(value)) {
            out.append(value);
        } else {
            out.append("null");
        }
        return this;
    }

    public JsonWriter value(boolean value) {
        separator();
        out.append(value);
        return this;
    }

    public JsonWriter field(String name, String value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, long value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, double value) {
        return name(name).value(value);
    }

    public JsonWriter field(String name, boolean value) {
        return name(name).value(value);
    }

    private void separator() {
        if (afterName) {
            afterName = false;
            return;
        }
        boolean[] top = stack.peek();
        if (top != null) {
            if (top[0]) {
                out.append(',');
            }
            top[0] = true;
        }
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<' -> out.append("\\u003c"); // safe to inline in HTML
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Writes an already rendered JSON value (produced by another writer) as the next value. */
    public JsonWriter raw(String json) {
        separator();
        out.append(json);
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
