package io.omnicast.bridge.media;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the latest SPS and PPS of a video track and puts them in front of every IDR access unit that lacks them,
 * so a player that joins at any keyframe can decode at once (in-band parameter sets, RFC 6184 section 8.4).
 * Access units that already carry both pass through untouched; every other NAL unit is never altered.
 * One per track; not thread-safe.
 */
public final class ParameterSetInjector {
    private byte[] sps;
    private byte[] pps;

    public ParameterSetInjector(byte[] sps, byte[] pps) {
        this.sps = sps;
        this.pps = pps;
    }

    /** The NAL units to send for {@code units}; remembers any SPS/PPS found in them. */
    public List<byte[]> apply(List<byte[]> units) {
        boolean hasSps = false;
        boolean hasPps = false;
        boolean idr = false;
        for (byte[] unit : units) {
            switch (H264Units.type(unit)) {
                case H264Units.SPS -> {
                    sps = unit;
                    hasSps = true;
                }
                case H264Units.PPS -> {
                    pps = unit;
                    hasPps = true;
                }
                case H264Units.IDR -> idr = true;
                default -> { }
            }
        }
        if (!idr || (hasSps && hasPps) || sps == null || pps == null) {
            return units;
        }
        List<byte[]> out = new ArrayList<>(units.size() + 2);
        int insertAt = 0;
        // An access unit delimiter must stay first (H.264 7.4.1.2.3).
        if (H264Units.type(units.get(0)) == H264Units.AUD) {
            out.add(units.get(0));
            insertAt = 1;
        }
        if (!hasSps) {
            out.add(sps);
        }
        if (!hasPps) {
            out.add(pps);
        }
        out.addAll(units.subList(insertAt, units.size()));
        return out;
    }

    public byte[] sps() {
        return sps;
    }

    public byte[] pps() {
        return pps;
    }
}
