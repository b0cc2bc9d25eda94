package io.omnicast.bench.report;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams one CSV file (RFC 4180: comma separated, fields with commas, quotes or line breaks quoted), so that a
 * run with millions of measurements never holds them all as text. Numbers are written with {@link #num(double)}
 * so that every file uses the same decimal point whatever the locale. Not thread-safe.
 */
public final class CsvWriter implements Closeable {
    private final Path file;
    private final BufferedWriter out;
    private final int columns;
    private final StringBuilder line = new StringBuilder(128);
    private long rows;

    CsvWriter(Path file, String... header) {
        if (header.length == 0) {
            throw new IllegalArgumentException("a CSV file needs at least one column (" + file + ")");
        }
        this.file = file;
        this.columns = header.length;
        try {
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
        row((Object[]) header);
        rows = 0;
    }

    /** Writes one row; the number of values must match the header. */
    public CsvWriter row(Object... values) {
        if (values.length != columns) {
            throw new IllegalArgumentException(file.getFileName() + ": a row needs " + columns + " values (was "
                    + values.length + ")");
        }
        line.setLength(0);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            appendField(values[i]);
        }
        line.append('\n');
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        rows++;
        return this;
    }

    private void appendField(Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof Double d) {
            line.append(num(d));
            return;
        }
        if (value instanceof Float f) {
            line.append(num(f));
            return;
        }
        String text = value.toString();
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            line.append(text);
            return;
        }
        line.append('"').append(text.replace("\"", "\"\"")).append('"');
    }

    /**
     * A number as CSV text: integers without a fraction, others rounded to 6 decimal places (trailing zeros
     * dropped), NaN as an empty field. Plain long arithmetic: {@code String.format} would cost more than the
     * simulation that produced the number.
     */
    public static String num(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        if (Double.isInfinite(value) || Math.abs(value) >= 1e12) {
            return Double.toString(value);
        }
        long micros = Math.round(value * 1e6);
        StringBuilder text = new StringBuilder(24);
        if (micros < 0) {
            text.append('-');
            micros = -micros;
        }
        text.append(micros / 1_000_000);
        long fraction = micros % 1_000_000;
        if (fraction != 0) {
            String digits = Long.toString(fraction + 1_000_000).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            text.append('.').append(digits, 0, end);
        }
        return text.toString();
    }

    /** Data rows written so far (the header not counted). */
    public long rows() {
        return rows;
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file, e);
        }
    }
}
