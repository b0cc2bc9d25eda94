package io.omnicast.media.sdp;

import io.omnicast.media.sdp.SdpTypes.Attribute;
import io.omnicast.media.sdp.SdpTypes.Connection;
import io.omnicast.media.sdp.SdpTypes.Direction;
import io.omnicast.media.sdp.SdpTypes.Origin;
import io.omnicast.media.sdp.SdpTypes.Timing;

import java.util.List;
import java.util.Optional;

/**
 * A parsed session description (<a href="https://www.rfc-editor.org/rfc/rfc8866#section-5">RFC 8866 section
 * 5</a>). Immutable; read with {@link SdpParser}, written with {@link SdpWriter}. Fields that may be absent are
 * null (single values) or empty lists.
 */
public record SessionDescription(int version, Origin origin, String sessionName, String information, String uri,
                                 List<String> emails, List<String> phones, Connection connection,
                                 List<String> bandwidths, List<Timing> timings, String timeZones, String key,
                                 List<Attribute> attributes, List<MediaDescription> media) {
    public SessionDescription {
        emails = List.copyOf(emails);
        phones = List.copyOf(phones);
        bandwidths = List.copyOf(bandwidths);
        timings = List.copyOf(timings);
        attributes = List.copyOf(attributes);
        media = List.copyOf(media);
    }

    /** A session as an RTSP server describes one: {@code t=0 0}, the given origin, name and media. */
    public static SessionDescription of(Origin origin, String sessionName, Connection connection,
                                        List<Attribute> attributes, List<MediaDescription> media) {
        return new SessionDescription(0, origin, sessionName, null, null, List.of(), List.of(), connection,
                List.of(), List.of(Timing.permanent()), null, null, attributes, media);
    }

    public Optional<String> attribute(String name) {
        for (Attribute attribute : attributes) {
            if (attribute.name().equals(name)) {
                return Optional.of(attribute.value() == null ? "" : attribute.value());
            }
        }
        return Optional.empty();
    }

    /** Session-level {@code a=control}, the base for relative track URLs. */
    public Optional<String> control() {
        return attribute("control");
    }

    /** {@code a=range} as sent (for example {@code npt=0-} for a live stream). */
    public Optional<String> range() {
        return attribute("range");
    }

    /** The direction of a media section: its own attribute, else the session's, else sendrecv. */
    public Direction direction(MediaDescription section) {
        Direction own = section.direction();
        if (own != null) {
            return own;
        }
        Direction session = Direction.fromAttributes(attributes);
        return session == null ? Direction.SENDRECV : session;
    }

    /** The first media section of this kind ({@code video}, {@code audio}). */
    public Optional<MediaDescription> firstMedia(String kind) {
        return media.stream().filter(m -> m.media().equals(kind)).findFirst();
    }
}
