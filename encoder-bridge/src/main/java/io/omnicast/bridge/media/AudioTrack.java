package io.omnicast.bridge.media;

import java.util.Arrays;
import java.util.Objects;

/**
 * The AAC audio track as published.
 *
 * @param audioSpecificConfig the MPEG-4 AudioSpecificConfig (ISO 14496-3 1.6.2.1), the SDP's {@code config=}
 */
public record AudioTrack(int sampleRate, int channels, byte[] audioSpecificConfig) {
    public AudioTrack {
        Objects.requireNonNull(audioSpecificConfig, "audioSpecificConfig");
        if (sampleRate <= 0 || channels <= 0 || audioSpecificConfig.length < 2) {
            throw new IllegalArgumentException("AAC track needs a sample rate, channels and an AudioSpecificConfig "
                    + "(was " + sampleRate + " Hz, " + channels + " ch, config " + audioSpecificConfig.length + " bytes)");
        }
        audioSpecificConfig = audioSpecificConfig.clone();
    }

    @Override
    public byte[] audioSpecificConfig() {
        return audioSpecificConfig.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AudioTrack a && a.sampleRate == sampleRate && a.channels == channels
                && Arrays.equals(a.audioSpecificConfig, audioSpecificConfig);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sampleRate, channels, Arrays.hashCode(audioSpecificConfig));
    }

    @Override
    public String toString() {
        return "AAC " + sampleRate + " Hz " + channels + " ch";
    }
}
