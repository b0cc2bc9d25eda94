package io.omnicast.media.h264;

import io.netty.buffer.ByteBuf;
import io.omnicast.media.rtp.RtpPacket;

/**
 * Answers, from one RTP packet alone and without copying, whether it starts an IDR slice (a decoder can start
 * there) or carries a parameter set (RFC 6184): a single NAL unit packet of the type, a STAP-A containing one, or an
 * FU-A start fragment of one. The ring buffer calls it on every packet, so it reads a few bytes and never allocates.
 */
public final class KeyframeDetector {
    private KeyframeDetector() {
    }

    /** True if the packet holds an IDR slice or the first fragment of one. */
    public static boolean startsIdrSlice(RtpPacket packet) {
        return carriesStartOf(packet, NalUnitTypes.IDR_SLICE, NalUnitTypes.IDR_SLICE);
    }

    /** True if the packet holds an SPS or PPS (whole, in a STAP-A, or as an FU-A start). */
    public static boolean carriesParameterSet(RtpPacket packet) {
        return carriesStartOf(packet, NalUnitTypes.SPS, NalUnitTypes.PPS);
    }

    private static boolean carriesStartOf(RtpPacket packet, int typeA, int typeB) {
        int length = packet.payloadLength();
        if (length == 0) {
            return false;
        }
        ByteBuf buffer = packet.backingBuffer();
        int start = packet.payloadOffset();
        int type = NalUnitTypes.typeOf(buffer.getByte(start));
        if (type == typeA || type == typeB) {
            return true;
        }
        if (type == NalUnitTypes.FU_A) {
            if (length < NalUnitTypes.FU_A_HEADER_BYTES) {
                return false;
            }
            int fuHeader = buffer.getByte(start + 1);
            int fragmentType = NalUnitTypes.typeOf(fuHeader);
            return (fuHeader & NalUnitTypes.FU_START_BIT) != 0 && (fragmentType == typeA || fragmentType == typeB);
        }
        if (type == NalUnitTypes.STAP_A) {
            int end = start + length;
            int position = start + NalUnitTypes.STAP_A_HEADER_BYTES;
            while (position + NalUnitTypes.STAP_A_SIZE_BYTES < end) {
                int size = buffer.getUnsignedShort(position);
                position += NalUnitTypes.STAP_A_SIZE_BYTES;
                if (size == 0 || position + size > end) {
                    return false;
                }
                int inner = NalUnitTypes.typeOf(buffer.getByte(position));
                if (inner == typeA || inner == typeB) {
                    return true;
                }
                position += size;
            }
        }
        return false;
    }
}
