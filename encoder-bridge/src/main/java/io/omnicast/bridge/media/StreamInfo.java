package io.omnicast.bridge.media;

import java.util.Objects;
import java.util.Optional;

/** What a source delivers once open: one H.264 video track and at most one AAC audio track. */
public record StreamInfo(VideoTrack video, Optional<AudioTrack> audio, String description) {
    public StreamInfo {
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(description, "description");
    }

    /** True when a publisher announced for {@code other} can carry this stream unchanged (same tracks and codecs). */
    public boolean sameLayout(StreamInfo other) {
        return video.equals(other.video) && audio.equals(other.audio);
    }

    @Override
    public String toString() {
        return description + " [" + video + audio.map(a -> ", " + a).orElse("") + "]";
    }
}
