package io.omnicast.bench.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The viewers' access links: classes with a share of the population and measured down/up rates. A peer's
 * capacity for children follows the paper's rule (OmniCast264, section 4.3.1): one child needs the stream's
 * bitrate plus 5 % RTP/UDP/IP overhead plus 25 % headroom for bitrate peaks, so
 * {@code maxChildren = floor(uplink / (bitrate x 1.05 x 1.25))}.
 *
 * <p>File format, one class per line, {@code #} starts a comment line:
 * <pre>
 *   # name           = share  down-kbit/s  up-kbit/s
 *   vdsl             = 40     40400        7700
 * </pre>
 * Shares are relative weights (they need not add up to 100).
 */
public final class CapacityMix {
    /** RTP/UDP/IP header overhead over the payload bitrate (paper: 5 %). */
    public static final double PROTOCOL_OVERHEAD = 1.05;
    /** Headroom for variable-bitrate peaks (paper: 25 %). */
    public static final double PEAK_HEADROOM = 1.25;
    /** The proxy's bound on children per node (the USCP schema's). */
    public static final int MAX_CHILDREN = 1024;

    /**
     * The paper-era measured access links (down/up, kbit/s): Wibro 354/992, HSDPA 2,590/51, VDSL 40,400/7,700,
     * a hospital's wired LAN 91,100/79,700 and its wireless LAN 2,880/2,830. The measurements come without
     * population shares; the shares below are ours (a residential-heavy audience with a hospital site) and say so.
     */
    public static final String PAPER_2007 = """
            # Paper-era measured access links (down/up kbit/s). Shares are our assumption, not measured.
            # name             = share  down-kbit/s  up-kbit/s
            wibro              = 15     354          992
            hsdpa              = 20     2590         51
            vdsl               = 40     40400        7700
            hospital-lan       = 10     91100        79700
            hospital-wireless  = 15     2880         2830
            """;

    /** A present-day residential mix (typical advertised tiers; uplinks are what matters for relaying). */
    public static final String BROADBAND = """
            # Present-day residential access (down/up kbit/s), typical advertised tiers.
            # name    = share  down-kbit/s  up-kbit/s
            adsl      = 10     16000        1000
            vdsl      = 25     100000       40000
            cable     = 25     500000       50000
            fibre     = 25     1000000      500000
            mobile-4g = 15     50000        10000
            """;

    private static final Map<String, String> BUILT_IN = Map.of("paper-2007", PAPER_2007, "broadband", BROADBAND);

    /** One access class. */
    public record PeerClass(String name, double share, long downKbps, long upKbps) {
    }

    private final String name;
    private final List<PeerClass> classes;
    private final double[] cumulative;

    private CapacityMix(String name, List<PeerClass> classes) {
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("capacity mix " + name + " has no classes");
        }
        if (classes.size() > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("capacity mix " + name + " has more than " + Byte.MAX_VALUE
                    + " classes (was " + classes.size() + ")");
        }
        this.name = name;
        this.classes = List.copyOf(classes);
        this.cumulative = new double[classes.size()];
        double total = 0;
        for (int i = 0; i < classes.size(); i++) {
            total += classes.get(i).share();
            cumulative[i] = total;
        }
        for (int i = 0; i < cumulative.length; i++) {
            cumulative[i] /= total;
        }
    }

    /** True for the names of the built-in mixes. */
    public static boolean isBuiltIn(String name) {
        return BUILT_IN.containsKey(name);
    }

    /** A built-in mix by name ({@code paper-2007}, {@code broadband}) or a mix file. */
    public static CapacityMix named(String nameOrFile) {
        String builtIn = BUILT_IN.get(nameOrFile);
        if (builtIn != null) {
            return parse(nameOrFile, builtIn);
        }
        Path file = Path.of(nameOrFile);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("capacity-mix must be " + BUILT_IN.keySet().stream().sorted().toList()
                    + " or a mix file (was '" + nameOrFile + "', not a file)");
        }
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read capacity mix " + file, e);
        }
    }

    /** Parses the mix format (see the class comment); {@code source} names it in errors. */
    public static CapacityMix parse(String source, String text) {
        List<PeerClass> classes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1);
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(where + ": expected 'name = share down-kbit/s up-kbit/s' (was '"
                        + line + "')");
            }
            String className = line.substring(0, eq).strip();
            String[] fields = line.substring(eq + 1).strip().split("\\s+");
            if (fields.length != 3) {
                throw new IllegalArgumentException(where + ": class " + className
                        + " needs 3 numbers: share down-kbit/s up-kbit/s (was '" + line.substring(eq + 1).strip()
                        + "')");
            }
            if (!names.add(className)) {
                throw new IllegalArgumentException(where + ": class " + className + " is defined twice");
            }
            double share = number(where, className, "share", fields[0]);
            double down = number(where, className, "down-kbit/s", fields[1]);
            double up = number(where, className, "up-kbit/s", fields[2]);
            if (!(share > 0)) {
                throw new IllegalArgumentException(where + ": share of " + className + " must be > 0 (was " + share
                        + ")");
            }
            if (down < 0 || up < 0) {
                throw new IllegalArgumentException(where + ": rates of " + className + " must be >= 0 kbit/s");
            }
            classes.add(new PeerClass(className, share, Math.round(down), Math.round(up)));
        }
        return new CapacityMix(source, classes);
    }

    private static double number(String where, String className, String field, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + field + " of " + className + " is not a number (was '"
                    + text + "')", e);
        }
    }

    /** The class index of a random peer. */
    public int sample(SplittableRandom random) {
        double u = random.nextDouble();
        for (int i = 0; i < cumulative.length - 1; i++) {
            if (u < cumulative[i]) {
                return i;
            }
        }
        return cumulative.length - 1;
    }

    /** The paper's rule: children an uplink can feed at {@code streamKbps}, capped at {@value #MAX_CHILDREN}. */
    public static int maxChildren(long upKbps, double streamKbps) {
        double perChild = streamKbps * PROTOCOL_OVERHEAD * PEAK_HEADROOM;
        return (int) Math.min(MAX_CHILDREN, Math.floor(upKbps / perChild));
    }

    /** Share of class {@code index} in the population (0..1). */
    public double shareOf(int index) {
        return cumulative[index] - (index == 0 ? 0 : cumulative[index - 1]);
    }

    public String name() {
        return name;
    }

    public List<PeerClass> classes() {
        return classes;
    }

    public PeerClass get(int index) {
        return classes.get(index);
    }

    /** One line per class, for reports. */
    public String describe(double streamKbps) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < classes.size(); i++) {
            PeerClass c = classes.get(i);
            text.append(String.format(Locale.ROOT, "%s %.0f%% %d/%d kbit/s -> %d children; ", c.name(),
                    100 * shareOf(i), c.downKbps(), c.upKbps(), maxChildren(c.upKbps(), streamKbps)));
        }
        return text.toString().strip();
    }
}
