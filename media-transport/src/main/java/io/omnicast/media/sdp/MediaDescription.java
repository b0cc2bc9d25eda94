package io.omnicast.media.sdp;

import io.omnicast.media.sdp.SdpTypes.Attribute;
import io.omnicast.media.sdp.SdpTypes.Connection;
import io.omnicast.media.sdp.SdpTypes.Direction;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One media section (RFC 8866 section 5.14): {@code m=<media> <port>[/<count>] <proto> <fmt> ...} followed by
 * its i=, c=, b=, k= and a= lines. Immutable.
 *
 * @param portCount 0 when the m= line has no {@code /<count>}
 */
public record MediaDescription(String media, int port, int portCount, String protocol, List<String> formats,
                               String information, List<Connection> connections, List<String> bandwidths,
                               String key, List<Attribute> attributes) {
    public MediaDescription {
        formats = List.copyOf(formats);
        connections = List.copyOf(connections);
        bandwidths = List.copyOf(bandwidths);
        attributes = List.copyOf(attributes);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 (was " + port + ")");
        }
    }

    /** A minimal RTP/AVP section with the given formats and attributes, port 0 (as RTSP uses). */
    public static MediaDescription rtp(String media, List<String> formats, List<Attribute> attributes) {
        return new MediaDescription(media, 0, 0, "RTP/AVP", formats, null, List.of(), List.of(), null, attributes);
    }

    /** The value of the first attribute with this name; empty if absent, "" for a property attribute. */
    public Optional<String> attribute(String name) {
        for (Attribute attribute : attributes) {
            if (attribute.name().equals(name)) {
                return Optional.of(attribute.value() == null ? "" : attribute.value());
            }
        }
        return Optional.empty();
    }

    /** Every {@code a=rtpmap}, parsed. */
    public List<RtpMap> rtpMaps() {
        List<RtpMap> maps = new ArrayList<>();
        for (Attribute attribute : attributes) {
            if (attribute.name().equals("rtpmap")) {
                maps.add(RtpMap.parse(attribute.value()));
            }
        }
        return maps;
    }

    /** The rtpmap of the first format that has one. */
    public Optional<RtpMap> rtpMap() {
        List<RtpMap> maps = rtpMaps();
        return maps.isEmpty() ? Optional.empty() : Optional.of(maps.get(0));
    }

    /** The {@code a=fmtp} of a payload type. */
    public Optional<Fmtp> fmtp(int payloadType) {
        for (Attribute attribute : attributes) {
            if (attribute.name().equals("fmtp")) {
                Fmtp fmtp = Fmtp.parse(attribute.value());
                if (fmtp.payloadType() == payloadType) {
                    return Optional.of(fmtp);
                }
            }
        }
        return Optional.empty();
    }

    /** {@code a=control} (RFC 2326 C.1.1): the track URL, absolute or relative to the session's. */
    public Optional<String> control() {
        return attribute("control");
    }

    /** The media-level direction, or null if this section has none (then the session's applies). */
    public Direction direction() {
        return Direction.fromAttributes(attributes);
    }

    /** A copy with one attribute replaced (first of that name) or appended. */
    public MediaDescription withAttribute(Attribute replacement) {
        List<Attribute> updated = new ArrayList<>(attributes);
        boolean replaced = false;
        for (int i = 0; i < updated.size() && !replaced; i++) {
            if (updated.get(i).name().equals(replacement.name())) {
                updated.set(i, replacement);
                replaced = true;
            }
        }
        if (!replaced) {
            updated.add(replacement);
        }
        return new MediaDescription(media, port, portCount, protocol, formats, information, connections, bandwidths,
                key, updated);
    }
}
