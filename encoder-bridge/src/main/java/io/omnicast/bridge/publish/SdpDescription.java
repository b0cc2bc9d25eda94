package io.omnicast.bridge.publish;

import io.omnicast.bridge.media.AudioTrack;
import io.omnicast.bridge.media.StreamInfo;
import io.omnicast.bridge.media.VideoTrack;
import io.omnicast.media.h264.ParameterSets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The SDP (<a href="https://www.rfc-editor.org/rfc/rfc8866">RFC 8866</a>) the bridge ANNOUNCEs, written from the
 * streams the source actually delivers: H.264 per <a href="https://www.rfc-editor.org/rfc/rfc6184#section-8.1">RFC
 * 6184 section 8.1</a> ({@code profile-level-id} and {@code sprop-parameter-sets} from the real SPS/PPS, via
 * media-transport's {@link ParameterSets}), AAC as {@code mpeg4-generic} AAC-hbr per
 * <a href="https://www.rfc-editor.org/rfc/rfc3640#section-4.1">RFC 3640 section 4.1</a> with the real
 * AudioSpecificConfig.
 *
 * <p>A small adapter: media-transport's SDP writer had not landed when the bridge was written; the H.264 parameter
 * arithmetic is theirs, only the text layout is here.
 */
public final class SdpDescription {
    public static final int VIDEO_PAYLOAD_TYPE = 96;
    public static final int AUDIO_PAYLOAD_TYPE = 97;
    public static final int VIDEO_CLOCK_RATE = 90_000;
    public static final int VIDEO_TRACK = 0;
    public static final int AUDIO_TRACK = 1;

    private SdpDescription() {
    }

    /** Control attribute of track {@code index}, resolved by the server against the ANNOUNCE URL. */
    public static String control(int index) {
        return "trackID=" + index;
    }

    public static String write(StreamInfo info, long sessionId) {
        StringBuilder sdp = new StringBuilder(512);
        line(sdp, "v=0");
        line(sdp, "o=- " + sessionId + " 1 IN IP4 127.0.0.1");
        line(sdp, "s=OmniCast encoder-bridge");
        line(sdp, "c=IN IP4 0.0.0.0");
        line(sdp, "t=0 0");
        line(sdp, "a=tool:OmniCast encoder-bridge");
        line(sdp, "a=control:*");
        video(sdp, info.video());
        info.audio().ifPresent(audio -> audio(sdp, audio));
        return sdp.toString();
    }

    private static void video(StringBuilder sdp, VideoTrack video) {
        ParameterSets sets = ParameterSets.of(video.sps(), video.pps());
        line(sdp, "m=video 0 RTP/AVP " + VIDEO_PAYLOAD_TYPE);
        line(sdp, "a=rtpmap:" + VIDEO_PAYLOAD_TYPE + " H264/" + VIDEO_CLOCK_RATE);
        line(sdp, "a=fmtp:" + VIDEO_PAYLOAD_TYPE + " packetization-mode=1; profile-level-id=" + sets.profileLevelId()
                + "; sprop-parameter-sets=" + sets.toSprop());
        if (video.width() > 0 && video.height() > 0) {
            line(sdp, "a=cliprect:0,0," + video.height() + "," + video.width());
        }
        if (video.frameRate() > 0) {
            line(sdp, String.format(Locale.ROOT, "a=framerate:%.3f", video.frameRate()));
        }
        line(sdp, "a=control:" + control(VIDEO_TRACK));
    }

    private static void audio(StringBuilder sdp, AudioTrack audio) {
        line(sdp, "m=audio 0 RTP/AVP " + AUDIO_PAYLOAD_TYPE);
        line(sdp, "a=rtpmap:" + AUDIO_PAYLOAD_TYPE + " mpeg4-generic/" + audio.sampleRate() + "/" + audio.channels());
        line(sdp, "a=fmtp:" + AUDIO_PAYLOAD_TYPE + " streamtype=5; profile-level-id=1; mode=AAC-hbr; sizelength="
                + AacPacketizer.SIZE_LENGTH_BITS + "; indexlength=3; indexdeltalength=3; config="
                + HexFormat.of().formatHex(audio.audioSpecificConfig()));
        line(sdp, "a=control:" + control(AUDIO_TRACK));
    }

    private static void line(StringBuilder sdp, String line) {
        sdp.append(line).append("\r\n");
    }
}
