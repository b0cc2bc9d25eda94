package io.omnicast.media.buffer;

import io.omnicast.media.h264.ParameterSets;

/**
 * Where a decoder can start in a {@link PacketRingBuffer}: the first packet of an access unit that contains an IDR
 * slice (so any SPS/PPS/SEI sent in-band before the IDR with the same timestamp are included), and the SPS/PPS known
 * at that moment (from SDP or in-band) for readers that need them out of band.
 *
 * @param packetIndex    the ring's running packet index of the first packet of the access unit
 * @param sequenceNumber that packet's RTP sequence number
 * @param timestamp      the access unit's RTP timestamp
 * @param parameterSets  SPS/PPS in force for this keyframe; {@link ParameterSets#NONE} if unknown
 */
public record Keyframe(long packetIndex, int sequenceNumber, long timestamp, ParameterSets parameterSets) {
}
