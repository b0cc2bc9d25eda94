package io.omnicast.bench.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Shows how a long run is going. On a terminal it rewrites one line in place (carriage return) at most
 * {@value #TERMINAL_UPDATES_PER_SECOND} times a second; otherwise (CI logs, redirected output) it prints a plain
 * line every {@code plainIntervalMillis}. Callers report as often as they like: {@link #update} costs one clock
 * read when nothing is printed. One per run, one thread.
 */
public final class Progress {
    static final int TERMINAL_UPDATES_PER_SECOND = 5;

    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final String label;
    private long lastPrint;
    private int lastLength;
    private boolean printed;

    Progress(PrintStream out, boolean terminal, long plainIntervalMillis, LongSupplier nanoClock, String label) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = terminal ? 1_000_000_000L / TERMINAL_UPDATES_PER_SECOND : plainIntervalMillis * 1_000_000L;
        this.nanoClock = nanoClock;
        this.label = label;
        this.lastPrint = nanoClock.getAsLong();
    }

    /** Progress on standard error: one updating line on a terminal, a line every 10 s otherwise. */
    public static Progress onStderr(String label) {
        return new Progress(System.err, System.console() != null, 10_000, System::nanoTime, label);
    }

    /** Progress on {@code out}, never as an updating line (for tests and logs). */
    public static Progress plain(PrintStream out, long intervalMillis, LongSupplier nanoClock, String label) {
        return new Progress(out, false, intervalMillis, nanoClock, label);
    }

    /**
     * Reports {@code done} of {@code total} units (total <= 0 when unknown) and a free-form detail; prints only
     * when the display interval has passed (and only then builds the detail).
     */
    public void update(long done, long total, Supplier<String> detail) {
        long now = nanoClock.getAsLong();
        if (now - lastPrint < intervalNanos) {
            return;
        }
        lastPrint = now;
        print(line(done, total, detail.get()));
    }

    /** Prints the final state whatever the interval and ends an updating line. */
    public void finish(long done, long total, String detail) {
        print(line(done, total, detail));
        if (terminal) {
            out.println();
        }
        out.flush();
        printed = false;
        lastLength = 0;
    }

    private String line(long done, long total, String detail) {
        String amount = total > 0
                ? String.format(Locale.ROOT, "%,d/%,d (%.0f%%)", done, total, 100.0 * done / total)
                : String.format(Locale.ROOT, "%,d", done);
        return label + ": " + amount + (detail == null || detail.isEmpty() ? "" : " " + detail);
    }

    private void print(String line) {
        if (terminal) {
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
        printed = true;
    }

    boolean printedAnything() {
        return printed;
    }
}
