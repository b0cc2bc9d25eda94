package io.omnicast.bridge.media;

import java.util.Objects;

/**
 * The H.264 video track as published: size, nominal rate and the parameter sets the SDP advertises.
 *
 * @param frameRate frames per second as the source declares it (0 when unknown)
 */
public record VideoTrack(int width, int height, double frameRate, byte[] sps, byte[] pps) {
    public VideoTrack {
        Objects.requireNonNull(sps, "sps");
        Objects.requireNonNull(pps, "pps");
        if (sps.length == 0 || pps.length == 0) {
            throw new IllegalArgumentException("video track needs an SPS and a PPS (sps " + sps.length + " bytes, pps "
                    + pps.length + " bytes)");
        }
        sps = sps.clone();
        pps = pps.clone();
    }

    @Override
    public byte[] sps() {
        return sps.clone();
    }

    @Override
    public byte[] pps() {
        return pps.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VideoTrack v && v.width == width && v.height == height
                && java.util.Arrays.equals(v.sps, sps) && java.util.Arrays.equals(v.pps, pps);
    }

    @Override
    public int hashCode() {
        return Objects.hash(width, height, java.util.Arrays.hashCode(sps), java.util.Arrays.hashCode(pps));
    }

    @Override
    public String toString() {
        return "H.264 " + width + "x" + height + (frameRate > 0 ? String.format(" @%.2f fps", frameRate) : "");
    }
}
