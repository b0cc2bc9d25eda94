package io.omnicast.proxy.session;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionCompareTest {
    @Test
    void comparesDottedVersionsNumerically() {
        assertTrue(UscpSessionHandler.compareVersions("0.1.0", "0.1.0") == 0);
        assertTrue(UscpSessionHandler.compareVersions("0.0.9", "0.1.0") < 0);
        assertTrue(UscpSessionHandler.compareVersions("0.10.0", "0.9") > 0);
        assertTrue(UscpSessionHandler.compareVersions("1.0-beta", "0.9.9") > 0);
        assertTrue(UscpSessionHandler.compareVersions("0.1", "0.1.0") == 0);
    }
}
