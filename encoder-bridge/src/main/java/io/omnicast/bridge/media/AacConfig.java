package io.omnicast.bridge.media;

/**
 * AAC framing helpers: the ADTS header MPEG-TS carries in front of every frame (ISO 13818-7 6.2) and the 2-byte
 * AudioSpecificConfig (ISO 14496-3 1.6.2.1) that RTP's mpeg4-generic {@code config=} needs instead.
 *
 * <pre>
 * ADTS: syncword(12)=0xFFF id(1) layer(2) protection_absent(1) profile(2) sampling_frequency_index(4) private(1)
 *       channel_configuration(3) ... frame_length(13) ...   7 bytes, 9 with CRC
 * ASC:  audioObjectType(5) samplingFrequencyIndex(4) channelConfiguration(4) 000
 * </pre>
 */
public final class AacConfig {
    private static final int[] SAMPLE_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
        11025, 8000, 7350};
    /** AAC low complexity, what every encoder we meet produces. */
    public static final int AAC_LC = 2;

    private AacConfig() {
    }

    public static boolean hasAdtsHeader(byte[] frame, int offset, int length) {
        return length >= 7 && (frame[offset] & 0xFF) == 0xFF && (frame[offset + 1] & 0xF6) == 0xF0;
    }

    /** Bytes of the ADTS header at {@code offset}: 7, or 9 with a CRC. */
    public static int adtsHeaderBytes(byte[] frame, int offset) {
        return (frame[offset + 1] & 0x01) == 1 ? 7 : 9;
    }

    /** The AudioSpecificConfig equivalent to an ADTS header. */
    public static byte[] fromAdts(byte[] frame, int offset) {
        int objectType = ((frame[offset + 2] & 0xC0) >> 6) + 1;
        int frequencyIndex = (frame[offset + 2] & 0x3C) >> 2;
        int channels = (frame[offset + 2] & 0x01) << 2 | (frame[offset + 3] & 0xC0) >> 6;
        return audioSpecificConfig(objectType, frequencyIndex, channels);
    }

    public static byte[] audioSpecificConfig(int objectType, int frequencyIndex, int channels) {
        int value = objectType << 11 | frequencyIndex << 7 | channels << 3;
        return new byte[] {(byte) (value >> 8), (byte) value};
    }

    /** The ADTS/ASC index of {@code sampleRate}; fails for rates AAC has no index for. */
    public static int frequencyIndex(int sampleRate) {
        for (int i = 0; i < SAMPLE_RATES.length; i++) {
            if (SAMPLE_RATES[i] == sampleRate) {
                return i;
            }
        }
        throw new IllegalArgumentException("AAC has no sampling frequency index for " + sampleRate + " Hz");
    }

    public static int sampleRateOf(byte[] audioSpecificConfig) {
        int index = (audioSpecificConfig[0] & 0x07) << 1 | (audioSpecificConfig[1] & 0x80) >> 7;
        return index < SAMPLE_RATES.length ? SAMPLE_RATES[index] : 0;
    }

    public static int channelsOf(byte[] audioSpecificConfig) {
        return (audioSpecificConfig[1] & 0x78) >> 3;
    }
}
