package io.omnicast.launcher;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "development" when run from classes. */
final class OmniCastVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = OmniCast.class.getPackage().getImplementationVersion();
        return new String[] {"omnicast " + (version != null ? version : "development build"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
