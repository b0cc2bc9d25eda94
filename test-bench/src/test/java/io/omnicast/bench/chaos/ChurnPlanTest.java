package io.omnicast.bench.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.omnicast.bench.sim.SessionLengths;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChurnPlanTest {
    private static final SessionLengths WEIBULL = new SessionLengths.Weibull(0.6, 100);

    private static ChurnPlan draw(long seed, double killShare) {
        return ChurnPlan.draw(50, 3000, 2, WEIBULL, killShare, 0.1, new int[] {0, 2, 2, 3}, seed);
    }

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnotherOne() {
        assertEquals(draw(7, 0.3).sessions(), draw(7, 0.3).sessions());
        assertNotEquals(draw(7, 0.3).sessions(), draw(8, 0.3).sessions());
    }

    @Test
    void theKillShareDoesNotMoveArrivalsOrSessionLengths() {
        List<ChurnPlan.Session> a = draw(7, 0.3).sessions();
        List<ChurnPlan.Session> b = draw(7, 0.9).sessions();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).joinAtSeconds(), b.get(i).joinAtSeconds());
            assertEquals(a.get(i).lengthSeconds(), b.get(i).lengthSeconds());
        }
    }

    @Test
    void initialPopulationIsRampedThenPoissonArrivalsKeepTheTargetOnAverage() {
        ChurnPlan plan = draw(11, 0.3);
        List<ChurnPlan.Session> initial = plan.sessions().stream().filter(ChurnPlan.Session::initial).toList();
        assertEquals(50, initial.size());
        for (int i = 0; i < initial.size(); i++) {
            assertEquals(i / 2.0, initial.get(i).joinAtSeconds(), 1e-9);
        }
        assertEquals(25.0, plan.rampEndSeconds(), 1e-9);
        assertEquals(50 / WEIBULL.meanSeconds(), plan.arrivalsPerSecond(), 1e-9);
        long arrivals = plan.sessions().size() - 50;
        double expected = plan.arrivalsPerSecond() * 3000; // 1000 arrivals; Poisson sd about 32
        assertTrue(Math.abs(arrivals - expected) < 5 * Math.sqrt(expected), arrivals + " arrivals, expected "
                + expected);
        double previous = plan.rampEndSeconds();
        for (ChurnPlan.Session s : plan.sessions().subList(50, plan.sessions().size())) {
            assertTrue(s.joinAtSeconds() >= previous && s.joinAtSeconds() < plan.endSeconds());
            previous = s.joinAtSeconds();
        }
    }

    @Test
    void departuresCapacitiesAndPlayersFollowTheirShares() {
        List<ChurnPlan.Session> sessions = draw(3, 0.3).sessions();
        double kills = sessions.stream().filter(s -> s.departure() == ChurnPlan.Departure.SIGKILL).count();
        double decoders = sessions.stream().filter(ChurnPlan.Session::decode).count();
        double leaves = sessions.stream().filter(s -> s.maxChildren() == 0).count();
        assertEquals(0.3, kills / sessions.size(), 0.05);
        assertEquals(0.1, decoders / sessions.size(), 0.04);
        assertEquals(0.25, leaves / sessions.size(), 0.05);
        assertTrue(sessions.stream().allMatch(s -> List.of(0, 2, 3).contains(s.maxChildren())));
    }

    @Test
    void initialViewersGetResidualSessionsWhichAreLongerOnAverageForAHeavyTail() {
        // Inspection paradox: a viewer found watching has, on average, more left than a new viewer's whole visit
        // when the coefficient of variation exceeds 1 (Weibull shape 0.6: residual mean E[L^2] / 2E[L] = 2.05 x mean;
        // the length-biased draw from a pool of 8192 sessions comes close).
        ChurnPlan plan = ChurnPlan.draw(4000, 1, 1000, WEIBULL, 0.3, 0, new int[] {2}, 5);
        double mean = plan.sessions().stream().filter(ChurnPlan.Session::initial)
                .mapToDouble(ChurnPlan.Session::lengthSeconds).average().orElseThrow();
        assertTrue(mean > 1.5 * WEIBULL.meanSeconds() && mean < 2.6 * WEIBULL.meanSeconds(), "residual mean " + mean);
    }

    @Test
    void aSessionModelWithoutAFiniteMeanIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChurnPlan.draw(10, 60, 2,
                new SessionLengths.Pareto(1.0, 10), 0.3, 0.1, new int[] {2}, 1));
        assertTrue(e.getMessage().contains("finite mean"), e.getMessage());
    }
}
