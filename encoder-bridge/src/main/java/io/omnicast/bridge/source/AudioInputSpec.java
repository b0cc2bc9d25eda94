package io.omnicast.bridge.source;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A parsed {@code --audio-input}: where the audio of an input without its own comes from.
 *
 * <pre>
 * auto            v4l2 cameras: the default audio input where present (ALSA "default", then PulseAudio "default");
 *                 other inputs: their own audio
 * none            no audio from a device
 * FORMAT:DEVICE   an FFmpeg input device, e.g. alsa:default, alsa:hw:1,0, pulse:default, lavfi:sine=f=440;
 *                 it replaces the input's own audio
 * </pre>
 *
 * @param mode   auto, none or a device
 * @param format the FFmpeg input format (alsa, pulse, lavfi...) when {@code mode} is DEVICE, else null
 * @param device the device name (or lavfi filter graph) when {@code mode} is DEVICE, else null
 */
public record AudioInputSpec(Mode mode, String format, String device) {
    public enum Mode { AUTO, NONE, DEVICE }

    public static final AudioInputSpec AUTO = new AudioInputSpec(Mode.AUTO, null, null);
    public static final AudioInputSpec NONE = new AudioInputSpec(Mode.NONE, null, null);
    /** What "the default audio input" is on Linux, in the order tried. */
    static final List<AudioInputSpec> LINUX_DEFAULTS = List.of(new AudioInputSpec(Mode.DEVICE, "alsa", "default"),
            new AudioInputSpec(Mode.DEVICE, "pulse", "default"));
    private static final Pattern FORMAT = Pattern.compile("[a-z0-9_]{1,32}");
    private static final int MAX_DEVICE_CHARS = 1024;

    public AudioInputSpec {
        Objects.requireNonNull(mode, "mode");
        if ((mode == Mode.DEVICE) != (format != null && device != null)) {
            throw new IllegalArgumentException("a format and a device go with mode DEVICE only");
        }
    }

    public static AudioInputSpec parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("audioInput must not be empty: auto, none or FORMAT:DEVICE such as "
                    + "alsa:default or pulse:default");
        }
        String v = value.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals("auto")) {
            return AUTO;
        }
        if (lower.equals("none")) {
            return NONE;
        }
        int colon = v.indexOf(':');
        String format = colon < 0 ? "" : v.substring(0, colon).toLowerCase(Locale.ROOT);
        String device = colon < 0 ? "" : v.substring(colon + 1);
        if (!FORMAT.matcher(format).matches() || device.isEmpty() || device.length() > MAX_DEVICE_CHARS) {
            throw new IllegalArgumentException("audioInput must be auto, none or FORMAT:DEVICE such as alsa:default, "
                    + "pulse:default or lavfi:sine (was '" + v + "')");
        }
        return new AudioInputSpec(Mode.DEVICE, format, device);
    }

    /** The devices to try for {@code input}, in order; empty when the input's own audio (if any) is used. */
    public List<AudioInputSpec> candidates(SourceSpec.Kind input) {
        return switch (mode) {
            case NONE -> List.of();
            case DEVICE -> List.of(this);
            case AUTO -> input == SourceSpec.Kind.V4L2 ? LINUX_DEFAULTS : List.of();
        };
    }

    /** As given on the command line. */
    public String label() {
        return mode == Mode.DEVICE ? format + ":" + device : mode.name().toLowerCase(Locale.ROOT);
    }
}
