package io.omnicast.media.rtcp;

/** One RTCP packet of a compound packet; parsed and written by {@link RtcpCodec}. */
public sealed interface RtcpPacket permits SenderReport, ReceiverReport, SourceDescription, Goodbye, GenericNack,
        UnknownRtcpPacket {
    /** The RTCP packet type (PT). */
    int packetType();
}
