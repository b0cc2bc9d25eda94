package io.omnicast.bench.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.bench.report.Samples;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The workload models against their closed forms, with fixed seeds. Bounds are several standard errors wide, so
 * the tests are deterministic for these seeds and would still hold for others.
 */
class ModelsTest {
    private static final int DRAWS = 200_000;

    @Test
    void poissonGapsAreExponentialWithTheConfiguredRate() {
        ArrivalProcess poisson = new ArrivalProcess.Poisson(50);
        SplittableRandom random = new SplittableRandom(7);
        Samples gaps = new Samples();
        long t = 0;
        for (int i = 0; i < DRAWS; i++) {
            long next = poisson.next(t, random);
            assertTrue(next > t, "arrivals move forward");
            gaps.add((next - t) / 1e9);
            t = next;
        }
        // exponential: mean 1/rate = 20 ms, standard deviation equal to the mean, median ln2 / rate
        assertEquals(0.020, gaps.mean(), 0.020 * 0.01);
        assertEquals(0.020, gaps.stdDev(), 0.020 * 0.02);
        assertEquals(Math.log(2) / 50, gaps.quantile(0.5), 0.020 * 0.02);
        // over the whole run the count is rate x time
        assertEquals(DRAWS / (t / 1e9), 50, 50 * 0.01);
    }

    @Test
    void flashCrowdJumpsToItsPeakThenDecaysToTheBaseRate() {
        ArrivalProcess.FlashCrowd flash = new ArrivalProcess.FlashCrowd(10, 20, 100, 30);
        assertEquals(10, flash.rateAt(50_000_000_000L), 1e-9);
        assertEquals(200, flash.rateAt(100_000_000_000L), 1e-9);
        assertEquals(10 * (1 + 19 * Math.exp(-1)), flash.rateAt(130_000_000_000L), 1e-9);
        SplittableRandom random = new SplittableRandom(11);
        int before = 0;
        int firstMinuteOfFlash = 0;
        long t = 0;
        while (t < 400_000_000_000L) {
            t = flash.next(t, random);
            double s = t / 1e9;
            if (s < 100) {
                before++;
            } else if (s < 160) {
                firstMinuteOfFlash++;
            }
        }
        // expected: 10/s x 100 s = 1000 before; integral of the rate over [100, 160) = 600 + 190 x 30 x (1 - e^-2)
        double expectedFlash = 600 + 190 * 30 * (1 - Math.exp(-2));
        assertEquals(1000, before, 5 * Math.sqrt(1000));
        assertEquals(expectedFlash, firstMinuteOfFlash, 5 * Math.sqrt(expectedFlash));
    }

    @Test
    void weibullSessionsHaveTheClosedFormMeanAndMedian() {
        SessionLengths.Weibull weibull = new SessionLengths.Weibull(0.6, 600);
        // mean = 600 x Gamma(1 + 1/0.6) = 600 x Gamma(2.6667) = 902.4 s
        assertEquals(902.4, weibull.meanSeconds(), 0.5);
        Samples s = draw(weibull, 3);
        assertEquals(weibull.meanSeconds(), s.mean(), weibull.meanSeconds() * 0.02);
        // median = scale x (ln 2)^(1/k)
        assertEquals(600 * Math.pow(Math.log(2), 1 / 0.6), s.quantile(0.5), 600 * 0.02);
        // shape < 1 is heavy-tailed: more spread than an exponential of the same mean
        assertTrue(s.stdDev() > s.mean(), "a Weibull with shape 0.6 has a coefficient of variation above 1");
    }

    @Test
    void paretoSessionsFollowTheirTail() {
        SessionLengths.Pareto pareto = new SessionLengths.Pareto(2.5, 120);
        assertEquals(2.5 * 120 / 1.5, pareto.meanSeconds(), 1e-9);
        Samples s = draw(pareto, 5);
        assertEquals(120, s.min(), 1.0);
        assertEquals(pareto.meanSeconds(), s.mean(), pareto.meanSeconds() * 0.02);
        // survival: P(X > x) = (min / x)^alpha
        double share = 1 - s.shareAtMost(480);
        assertEquals(Math.pow(120.0 / 480, 2.5), share, 0.002);
        assertEquals(Double.POSITIVE_INFINITY, new SessionLengths.Pareto(1.0, 60).meanSeconds());
    }

    @Test
    void sessionParamsAreParsedAndCheckedByName() {
        assertEquals(new SessionLengths.Weibull(0.5, 300), SessionLengths.parse("weibull", "shape=0.5,scale-s=300"));
        assertEquals(new SessionLengths.Pareto(1.5, 120), SessionLengths.parse("pareto", ""));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> SessionLengths.parse("pareto", "shape=2"));
        assertTrue(unknown.getMessage().contains("shape"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> SessionLengths.parse("weibull", "shape=-1"));
        assertTrue(bad.getMessage().contains("shape must be > 0"), bad.getMessage());
    }

    @Test
    void logGammaMatchesKnownValues() {
        assertEquals(0, SessionLengths.logGamma(1), 1e-12);
        assertEquals(Math.log(24), SessionLengths.logGamma(5), 1e-12);
        assertEquals(Math.log(Math.sqrt(Math.PI)), SessionLengths.logGamma(0.5), 1e-12);
    }

    @Test
    void capacityRuleIsThePapersBitrateTimesOverheadTimesHeadroom() {
        // paper 4.3.1: (300 + 64) x 1.05 x 1.25 = 477.75 kbit/s per child
        assertEquals(2, CapacityMix.maxChildren(992, 364));      // Wibro uplink
        assertEquals(0, CapacityMix.maxChildren(51, 364));       // HSDPA uplink: a leaf
        assertEquals(16, CapacityMix.maxChildren(7_700, 364));   // VDSL
        assertEquals(166, CapacityMix.maxChildren(79_700, 364)); // hospital wired LAN
        assertEquals(5, CapacityMix.maxChildren(2_830, 364));    // hospital wireless
        assertEquals(209, CapacityMix.maxChildren(100_000, 364));
        assertEquals(CapacityMix.MAX_CHILDREN, CapacityMix.maxChildren(10_000_000, 364));
    }

    @Test
    void paperMixCarriesTheMeasuredFiguresAndSamplesByShare() {
        CapacityMix mix = CapacityMix.named("paper-2007");
        assertEquals(5, mix.classes().size());
        assertEquals(new CapacityMix.PeerClass("wibro", 15, 354, 992), mix.get(0));
        assertEquals(new CapacityMix.PeerClass("hsdpa", 20, 2590, 51), mix.get(1));
        assertEquals(new CapacityMix.PeerClass("vdsl", 40, 40400, 7700), mix.get(2));
        assertEquals(new CapacityMix.PeerClass("hospital-lan", 10, 91100, 79700), mix.get(3));
        assertEquals(new CapacityMix.PeerClass("hospital-wireless", 15, 2880, 2830), mix.get(4));
        SplittableRandom random = new SplittableRandom(13);
        int[] counts = new int[5];
        for (int i = 0; i < DRAWS; i++) {
            counts[mix.sample(random)]++;
        }
        for (int c = 0; c < 5; c++) {
            double p = mix.shareOf(c);
            assertEquals(p * DRAWS, counts[c], 5 * Math.sqrt(DRAWS * p * (1 - p)), mix.get(c).name());
        }
    }

    @Test
    void mixFileErrorsNameTheLineAndTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CapacityMix.parse("my.mix", "# comment\nfibre = 10 1000000\n"));
        assertTrue(e.getMessage().startsWith("my.mix line 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CapacityMix.parse("my.mix", "a = 0 1 1\n"));
        assertTrue(e.getMessage().contains("share of a must be > 0"), e.getMessage());
    }

    private static Samples draw(SessionLengths model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Samples s = new Samples();
        for (int i = 0; i < DRAWS; i++) {
            s.add(model.sampleSeconds(random));
        }
        return s;
    }
}
