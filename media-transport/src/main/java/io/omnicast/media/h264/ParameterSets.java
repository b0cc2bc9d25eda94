package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * An immutable pair of H.264 sequence and picture parameter sets (NAL types 7 and 8, header byte included), as
 * found in-band or in SDP {@code sprop-parameter-sets} (<a href="https://www.rfc-editor.org/rfc/rfc6184#section-8.1">
 * RFC 6184 section 8.1</a>). Either may be absent (empty). Safe to share between threads.
 */
public final class ParameterSets {
    public static final ParameterSets NONE = new ParameterSets(new byte[0], new byte[0]);
    /** sprop-parameter-sets longer than this are refused: real ones are well under 1 KiB. */
    public static final int MAX_SPROP_CHARS = 8192;

    private final byte[] sps;
    private final byte[] pps;

    private ParameterSets(byte[] sps, byte[] pps) {
        this.sps = sps;
        this.pps = pps;
    }

    /** Copies both NAL units; either may be null or empty. */
    public static ParameterSets of(byte[] sps, byte[] pps) {
        byte[] spsCopy = sps == null ? new byte[0] : sps.clone();
        byte[] ppsCopy = pps == null ? new byte[0] : pps.clone();
        check(spsCopy, NalUnitTypes.SPS, "SPS");
        check(ppsCopy, NalUnitTypes.PPS, "PPS");
        return new ParameterSets(spsCopy, ppsCopy);
    }

    private static void check(byte[] nalUnit, int type, String name) {
        if (nalUnit.length > 0 && NalUnitTypes.typeOf(nalUnit[0]) != type) {
            throw new H264FormatException(name + " NAL unit must have type " + type + " (was "
                    + NalUnitTypes.typeOf(nalUnit[0]) + ")");
        }
    }

    /**
     * Decodes {@code sprop-parameter-sets}: comma-separated base64 NAL units. The first SPS and the first PPS are
     * kept; other NAL types are ignored.
     *
     * @throws H264FormatException on bad base64, an empty entry, or a value longer than {@link #MAX_SPROP_CHARS}
     */
    public static ParameterSets fromSprop(String spropParameterSets) {
        if (spropParameterSets.length() > MAX_SPROP_CHARS) {
            throw new H264FormatException("sprop-parameter-sets is " + spropParameterSets.length()
                    + " characters, the limit is " + MAX_SPROP_CHARS);
        }
        byte[] sps = null;
        byte[] pps = null;
        for (String part : spropParameterSets.trim().split(",", -1)) {
            byte[] nalUnit;
            try {
                nalUnit = Base64.getDecoder().decode(part.trim());
            } catch (IllegalArgumentException e) {
                throw new H264FormatException("sprop-parameter-sets entry '" + part + "' is not base64", e);
            }
            if (nalUnit.length == 0) {
                throw new H264FormatException("sprop-parameter-sets has an empty entry: '" + spropParameterSets + "'");
            }
            int type = NalUnitTypes.typeOf(nalUnit[0]);
            if (type == NalUnitTypes.SPS && sps == null) {
                sps = nalUnit;
            } else if (type == NalUnitTypes.PPS && pps == null) {
                pps = nalUnit;
            }
        }
        return new ParameterSets(sps == null ? new byte[0] : sps, pps == null ? new byte[0] : pps);
    }

    public boolean hasSps() {
        return sps.length > 0;
    }

    public boolean hasPps() {
        return pps.length > 0;
    }

    /** True when both are known, i.e. a decoder can start at an IDR. */
    public boolean isComplete() {
        return hasSps() && hasPps();
    }

    /** A copy of the SPS NAL unit (empty if unknown). */
    public byte[] sps() {
        return sps.clone();
    }

    /** A copy of the PPS NAL unit (empty if unknown). */
    public byte[] pps() {
        return pps.clone();
    }

    /** Read-only buffers over SPS then PPS (only those known); no release needed. */
    public List<ByteBuf> nalUnits() {
        List<ByteBuf> result = new ArrayList<>(2);
        if (hasSps()) {
            result.add(Unpooled.wrappedBuffer(sps).asReadOnly());
        }
        if (hasPps()) {
            result.add(Unpooled.wrappedBuffer(pps).asReadOnly());
        }
        return result;
    }

    /** The SDP form, {@code base64(SPS),base64(PPS)}; empty when neither is known. */
    public String toSprop() {
        List<String> parts = new ArrayList<>(2);
        if (hasSps()) {
            parts.add(Base64.getEncoder().encodeToString(sps));
        }
        if (hasPps()) {
            parts.add(Base64.getEncoder().encodeToString(pps));
        }
        return String.join(",", parts);
    }

    /**
     * {@code profile-level-id} (RFC 6184 section 8.1): the three bytes after the SPS header (profile_idc,
     * constraint flags, level_idc) in hex, or null without an SPS of at least 4 bytes.
     */
    public String profileLevelId() {
        if (sps.length < 4) {
            return null;
        }
        return ByteBufUtil.hexDump(sps, 1, 3).toUpperCase(Locale.ROOT);
    }

    ParameterSets withSps(byte[] newSps) {
        return new ParameterSets(newSps, pps);
    }

    ParameterSets withPps(byte[] newPps) {
        return new ParameterSets(sps, newPps);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSets other && Arrays.equals(sps, other.sps) && Arrays.equals(pps, other.pps);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(sps) + Arrays.hashCode(pps);
    }

    @Override
    public String toString() {
        return "ParameterSets[sps=" + sps.length + " bytes, pps=" + pps.length + " bytes, profile-level-id="
                + profileLevelId() + "]";
    }
}
