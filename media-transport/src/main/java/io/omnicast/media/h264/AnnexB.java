package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * The H.264 byte-stream format (ITU-T H.264 Annex B): NAL units separated by start codes {@code 00 00 01} or
 * {@code 00 00 00 01}. Encoders write it to files and pipes; RTP never carries start codes.
 */
public final class AnnexB {
    /** The 4-byte start code we write (decoders accept both lengths; 4 is what x264 and ffmpeg emit first). */
    public static final int START_CODE = 0x00000001;
    public static final int START_CODE_BYTES = 4;

    private AnnexB() {
    }

    /**
     * Splits the readable bytes into NAL units, as slices of {@code stream} (no copy, no retain; indexes untouched).
     * Bytes before the first start code are ignored; trailing zero bytes before a start code are not part of the
     * NAL unit (they are {@code trailing_zero_8bits}). Empty NAL units are skipped.
     */
    public static List<ByteBuf> split(ByteBuf stream) {
        List<ByteBuf> nalUnits = new ArrayList<>();
        int end = stream.writerIndex();
        int nalStart = -1;
        int i = stream.readerIndex();
        while (i + 2 < end) {
            if (stream.getUnsignedByte(i + 2) > 1) {
                i += 3; // no start code can end anywhere in i..i+2
                continue;
            }
            if (stream.getByte(i) == 0 && stream.getByte(i + 1) == 0 && stream.getByte(i + 2) == 1) {
                if (nalStart >= 0) {
                    addTrimmed(stream, nalStart, i, nalUnits);
                }
                i += 3;
                nalStart = i;
            } else {
                i++;
            }
        }
        if (nalStart >= 0) {
            addTrimmed(stream, nalStart, end, nalUnits);
        }
        return nalUnits;
    }

    private static void addTrimmed(ByteBuf stream, int start, int end, List<ByteBuf> out) {
        int trimmedEnd = end;
        while (trimmedEnd > start && stream.getByte(trimmedEnd - 1) == 0) {
            trimmedEnd--;
        }
        if (trimmedEnd > start) {
            out.add(stream.slice(start, trimmedEnd - start));
        }
    }

    /** Appends a 4-byte start code and the readable bytes of {@code nalUnit} (its indexes untouched). */
    public static void write(ByteBuf nalUnit, ByteBuf out) {
        out.writeInt(START_CODE);
        out.writeBytes(nalUnit, nalUnit.readerIndex(), nalUnit.readableBytes());
    }

    /** Appends every NAL unit with a start code in front. */
    public static void write(List<ByteBuf> nalUnits, ByteBuf out) {
        for (ByteBuf nalUnit : nalUnits) {
            write(nalUnit, out);
        }
    }
}
