package io.omnicast.server.channel;

import io.omnicast.media.MediaFormatException;
import io.omnicast.media.sdp.MediaDescription;
import io.omnicast.media.sdp.RtpMap;
import io.omnicast.media.sdp.SdpChecksum;
import io.omnicast.media.sdp.SdpParser;
import io.omnicast.media.sdp.SdpTypes.Attribute;
import io.omnicast.media.sdp.SdpTypes.Connection;
import io.omnicast.media.sdp.SdpWriter;
import io.omnicast.media.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The publisher's session description (parsed by media-transport's {@link SdpParser}, with its limits) reduced to
 * what the relay needs: its tracks, and the description readers get (the publisher's media sections with our own
 * {@code a=control} values and no connection address of the publisher).
 */
public final class PublishedSdp {
    /** More media sections than this are refused. */
    public static final int MAX_TRACKS = 8;

    private final SessionDescription session;
    private final List<MediaTrack> tracks;
    private final String readers;
    private final String readersChecksum;

    private PublishedSdp(SessionDescription session, List<MediaTrack> tracks) {
        this.session = session;
        this.tracks = List.copyOf(tracks);
        this.readers = render();
        this.readersChecksum = SdpChecksum.of(readers);
    }

    /** Parses an announced SDP; fails with {@link IllegalArgumentException} saying what is wrong. */
    public static PublishedSdp parse(String sdp) {
        SessionDescription session;
        try {
            session = SdpParser.parse(sdp);
        } catch (MediaFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (session.media().isEmpty()) {
            throw new IllegalArgumentException("SDP has no media section (m=)");
        }
        if (session.media().size() > MAX_TRACKS) {
            throw new IllegalArgumentException("SDP has more than " + MAX_TRACKS + " media sections");
        }
        List<MediaTrack> tracks = new ArrayList<>();
        for (MediaDescription m : session.media()) {
            tracks.add(track(tracks.size(), m));
        }
        return new PublishedSdp(session, tracks);
    }

    private static MediaTrack track(int index, MediaDescription m) {
        if (!m.protocol().toUpperCase(Locale.ROOT).startsWith("RTP/AVP")) {
            throw new IllegalArgumentException("media " + index + " uses unsupported protocol '" + m.protocol() + "'");
        }
        if (m.formats().isEmpty()) {
            throw new IllegalArgumentException("media " + index + " has no payload type");
        }
        int payloadType;
        try {
            payloadType = Integer.parseInt(m.formats().get(0));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("media " + index + " has a non-numeric payload type '"
                    + m.formats().get(0) + "'", e);
        }
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("media " + index + " payload type must be 0..127 (was " + payloadType
                    + ")");
        }
        String encoding;
        int clockRate;
        Optional<RtpMap> map;
        try {
            map = m.rtpMaps().stream().filter(r -> r.payloadType() == payloadType).findFirst();
        } catch (MediaFormatException | IllegalArgumentException e) {
            throw new IllegalArgumentException("media " + index + " has a bad a=rtpmap: " + e.getMessage(), e);
        }
        if (map.isPresent()) {
            encoding = map.get().encodingName();
            clockRate = map.get().clockRate();
        } else {
            encoding = switch (payloadType) { // RFC 3551 static payload types
                case 0 -> "PCMU";
                case 8 -> "PCMA";
                case 14 -> "MPA";
                default -> throw new IllegalArgumentException("media " + index + " has no a=rtpmap for payload type "
                        + payloadType);
            };
            clockRate = payloadType == 14 ? 90000 : 8000;
        }
        if (clockRate <= 0 || clockRate > 1_000_000) {
            throw new IllegalArgumentException("media " + index + " clock rate must be 1..1000000 Hz (was "
                    + clockRate + ")");
        }
        return new MediaTrack(index, m.media(), payloadType, encoding, clockRate, m.control().orElse(null), m);
    }

    public List<MediaTrack> tracks() {
        return tracks;
    }

    /**
     * The track a publisher's SETUP URL names: by its {@code a=control} (absolute or relative) or by a
     * {@code trackID=N}/{@code streamid=N} suffix; -1 if none matches.
     */
    public int trackForSetupUrl(String url, String suffix) {
        for (MediaTrack t : tracks) {
            String c = t.control();
            if (c != null && !c.isEmpty() && (url.equals(c) || url.endsWith("/" + c) || c.equals(suffix))) {
                return t.index();
            }
        }
        return tracks.size() == 1 && suffix == null ? 0 : -1;
    }

    /** The SDP readers get: the publisher's media, our controls, {@code c=IN IP4 0.0.0.0}. */
    public String describeToReaders() {
        return readers;
    }

    /** {@link SdpChecksum#of} {@link #describeToReaders()}: what a PLAY reply names. */
    public String readersChecksum() {
        return readersChecksum;
    }

    private String render() {
        List<Attribute> sessionAttributes = new ArrayList<>();
        sessionAttributes.add(new Attribute("control", "*"));
        for (Attribute a : session.attributes()) {
            if (!a.name().equals("control")) {
                sessionAttributes.add(a);
            }
        }
        List<MediaDescription> media = new ArrayList<>();
        for (MediaTrack t : tracks) {
            MediaDescription m = t.description();
            media.add(new MediaDescription(m.media(), 0, 0, m.protocol(), m.formats(), m.information(), List.of(),
                    m.bandwidths(), m.key(), m.attributes()).withAttribute(new Attribute("control",
                    "trackID=" + t.index())));
        }
        String name = session.sessionName() == null || session.sessionName().isBlank() ? "OmniCast"
                : session.sessionName();
        return SdpWriter.write(SessionDescription.of(session.origin(), name, new Connection("IN", "IP4", "0.0.0.0"),
                sessionAttributes, media));
    }
}
