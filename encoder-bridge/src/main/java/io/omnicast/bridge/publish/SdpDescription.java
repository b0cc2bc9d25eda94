package io.omnicast.bridge.publish;

import io.omnicast.bridge.media.AudioTrack;
import io.omnicast.bridge.media.StreamInfo;
import io.omnicast.bridge.media.VideoTrack;
import io.omnicast.media.h264.ParameterSets;
import io.omnicast.media.sdp.AacTrackFormat;
import io.omnicast.media.sdp.Fmtp;
import io.omnicast.media.sdp.H264TrackFormat;
import io.omnicast.media.sdp.MediaDescription;
import io.omnicast.media.sdp.SdpTypes.Attribute;
import io.omnicast.media.sdp.SdpTypes.Connection;
import io.omnicast.media.sdp.SdpTypes.Origin;
import io.omnicast.media.sdp.SdpWriter;
import io.omnicast.media.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SDP (<a href="https://www.rfc-editor.org/rfc/rfc8866">RFC 8866</a>) the bridge ANNOUNCEs, built from the
 * streams the source actually delivers and written by media-transport's {@link SdpWriter}: H.264 per
 * <a href="https://www.rfc-editor.org/rfc/rfc6184#section-8.1">RFC 6184 section 8.1</a> ({@code profile-level-id}
 * and {@code sprop-parameter-sets} from the real SPS/PPS), AAC as {@code mpeg4-generic} AAC-hbr per
 * <a href="https://www.rfc-editor.org/rfc/rfc3640#section-4.1">RFC 3640 section 4.1</a> with the real
 * AudioSpecificConfig.
 */
public final class SdpDescription {
    public static final int VIDEO_PAYLOAD_TYPE = 96;
    public static final int AUDIO_PAYLOAD_TYPE = 97;
    public static final int VIDEO_CLOCK_RATE = 90_000;
    public static final int VIDEO_TRACK = 0;
    public static final int AUDIO_TRACK = 1;
    private static final String TOOL = "OmniCast encoder-bridge";

    private SdpDescription() {
    }

    /** Control attribute of track {@code index}, resolved by the server against the ANNOUNCE URL. */
    public static String control(int index) {
        return "trackID=" + index;
    }

    public static String write(StreamInfo info, long sessionId) {
        List<MediaDescription> media = new ArrayList<>(2);
        media.add(video(info.video()));
        info.audio().ifPresent(audio -> media.add(audio(audio)));
        SessionDescription session = SessionDescription.of(
                new Origin("-", Long.toString(sessionId), "1", "IN", "IP4", "127.0.0.1"), TOOL,
                new Connection("IN", "IP4", "0.0.0.0"),
                List.of(new Attribute("tool", TOOL), new Attribute("control", "*")), media);
        return SdpWriter.write(session);
    }

    private static MediaDescription video(VideoTrack video) {
        ParameterSets sets = ParameterSets.of(video.sps(), video.pps());
        Fmtp fmtp = new H264TrackFormat(VIDEO_PAYLOAD_TYPE, VIDEO_CLOCK_RATE, 1, sets.profileLevelId(), sets).toFmtp();
        List<Attribute> attributes = new ArrayList<>();
        attributes.add(new Attribute("rtpmap", VIDEO_PAYLOAD_TYPE + " " + H264TrackFormat.ENCODING_NAME + "/"
                + VIDEO_CLOCK_RATE));
        attributes.add(new Attribute("fmtp", fmtp.toString()));
        if (video.width() > 0 && video.height() > 0) {
            attributes.add(new Attribute("cliprect", "0,0," + video.height() + "," + video.width()));
        }
        if (video.frameRate() > 0) {
            attributes.add(new Attribute("framerate", String.format(Locale.ROOT, "%.3f", video.frameRate())));
        }
        attributes.add(new Attribute("control", control(VIDEO_TRACK)));
        return MediaDescription.rtp("video", List.of(Integer.toString(VIDEO_PAYLOAD_TYPE)), attributes);
    }

    private static MediaDescription audio(AudioTrack audio) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("streamtype", "5");
        parameters.put("profile-level-id", "1");
        parameters.put("mode", AacTrackFormat.MODE_AAC_HBR);
        parameters.put("sizelength", Integer.toString(AacPacketizer.SIZE_LENGTH_BITS));
        parameters.put("indexlength", "3");
        parameters.put("indexdeltalength", "3");
        parameters.put("config", HexFormat.of().formatHex(audio.audioSpecificConfig()));
        List<Attribute> attributes = List.of(
                new Attribute("rtpmap", AUDIO_PAYLOAD_TYPE + " mpeg4-generic/" + audio.sampleRate() + "/"
                        + audio.channels()),
                new Attribute("fmtp", new Fmtp(AUDIO_PAYLOAD_TYPE, parameters).toString()),
                new Attribute("control", control(AUDIO_TRACK)));
        return MediaDescription.rtp("audio", List.of(Integer.toString(AUDIO_PAYLOAD_TYPE)), attributes);
    }
}
