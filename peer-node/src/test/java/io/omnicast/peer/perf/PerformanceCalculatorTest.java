package io.omnicast.peer.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PerformanceCalculatorTest {
    private static final LoadSample IDLE = new LoadSample(10, 20);

    @Test
    void appliesThePapersOverheadAndHeadroomRule() {
        PerformanceCalculator calculator = new PerformanceCalculator(OptionalLong.of(20_000), OptionalInt.empty(),
                () -> IDLE);
        // 20000 / (2000 x 1.05 x 1.25) = 7.62 -> 7 children
        assertEquals(7, calculator.maxChildren(2_000, IDLE));
        // 20000 / (1000 x 1.3125) = 15.2 -> 15
        assertEquals(15, calculator.maxChildren(1_000, IDLE));
    }

    @Test
    void lowersCapacityWhenTheMachineIsLoaded() {
        PerformanceCalculator calculator = new PerformanceCalculator(OptionalLong.of(20_000), OptionalInt.empty(),
                () -> IDLE);
        assertEquals(15, calculator.maxChildren(1_000, new LoadSample(80, 20)));
        assertEquals(7, calculator.maxChildren(1_000, new LoadSample(90, 20)), "half way from 80 to 100 % CPU");
        assertEquals(0, calculator.maxChildren(1_000, new LoadSample(100, 20)));
        assertEquals(7, calculator.maxChildren(1_000, new LoadSample(10, 95)), "half way from 90 to 100 % memory");
    }

    @Test
    void aConfiguredLimitWinsUnlessTheMachineIsBusy() {
        PerformanceCalculator calculator = new PerformanceCalculator(OptionalLong.of(20_000), OptionalInt.of(1),
                () -> IDLE);
        assertEquals(1, calculator.maxChildren(1_000, IDLE));
        PerformanceCalculator eight = new PerformanceCalculator(OptionalLong.empty(), OptionalInt.of(8), () -> IDLE);
        assertEquals(8, eight.maxChildren(2_000, IDLE));
        assertEquals(4, eight.maxChildren(2_000, new LoadSample(90, 0)));
    }

    @Test
    void usesTheMeasuredUplinkWhenNoneIsConfigured() {
        PerformanceCalculator calculator = new PerformanceCalculator(OptionalLong.empty(), OptionalInt.empty(),
                () -> IDLE);
        assertEquals(PerformanceCalculator.DEFAULT_UPLINK_KBPS, calculator.uplinkKbps());
        calculator.observeUplink(50_000);
        calculator.observeUplink(30_000);
        assertEquals(50_000, calculator.uplinkKbps());
    }

    @Test
    void systemLoadIsAPercentage() {
        LoadSample sample = new SystemLoad().get();
        assertTrue(sample.cpuPercent() >= 0 && sample.cpuPercent() <= 100);
        assertTrue(sample.memoryPercent() > 0 && sample.memoryPercent() <= 100);
        assertThrows(IllegalArgumentException.class, () -> new LoadSample(101, 0));
    }
}
