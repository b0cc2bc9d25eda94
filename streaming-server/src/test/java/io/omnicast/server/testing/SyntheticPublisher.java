package io.omnicast.server.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.media.rtsp.RtspClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A publisher of a synthetic H.264 + audio stream through {@link RtspClient}: every GOP starts with SPS, PPS and
 * an IDR (same timestamp), then P frames; the audio track sends one packet per video frame. Packets are recorded
 * so tests can compare what readers get byte for byte.
 */
public final class SyntheticPublisher implements AutoCloseable {
    public static final long VIDEO_SSRC = 0x11223344L;
    public static final long AUDIO_SSRC = 0x55667788L;
    public static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=synthetic\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1;profile-level-id=42e01e\r\na=control:streamid=0\r\n"
            + "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\n"
            + "a=fmtp:97 streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;"
            + "config=1190\r\na=control:streamid=1\r\n";

    private final RtspClient client;
    private final RtpPacketWriter video = new RtpPacketWriter(VIDEO_SSRC, 96, 65000); // wraps soon on purpose
    private final RtpPacketWriter audio = new RtpPacketWriter(AUDIO_SSRC, 97, 100);
    private final List<byte[]> sentVideo = new ArrayList<>();
    private final int gopFrames;
    private int frame;

    private SyntheticPublisher(RtspClient client, int gopFrames) {
        this.client = client;
        this.gopFrames = gopFrames;
    }

    /** ANNOUNCE, SETUP (record) both tracks over TCP or UDP, RECORD. */
    public static SyntheticPublisher start(String url, boolean tcp, int gopFrames, EventLoopGroup group,
            RtspClient.Options options) throws Exception {
        RtspClient c = RtspClient.connect(url, options, group).get(5, TimeUnit.SECONDS);
        c.announce(SDP).get(5, TimeUnit.SECONDS);
        for (int track = 0; track < 2; track++) {
            String control = c.url() + "/streamid=" + track;
            if (tcp) {
                c.setupTcp(control, track, true).get(5, TimeUnit.SECONDS);
            } else {
                c.setupUdp(control, track, true).get(5, TimeUnit.SECONDS);
            }
        }
        c.record().get(5, TimeUnit.SECONDS);
        return new SyntheticPublisher(c, gopFrames);
    }

    public RtspClient client() {
        return client;
    }

    /** Sends one video frame (a whole GOP start when due) and one audio packet. */
    public void sendFrame() {
        long ts = 3000L * frame;
        if (frame % gopFrames == 0) {
            send(ts, false, nal(0x67, 10, frame));
            send(ts, false, nal(0x68, 4, frame));
            send(ts, true, nal(0x65, 300, frame));
        } else {
            send(ts, true, nal(0x41, 120, frame));
        }
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {0, 16, 0, 16, 1, 2});
        client.sendRtp(1, audio.write(ByteBufAllocator.DEFAULT, 1600L * frame, true, payload));
        frame++;
    }

    private void send(long ts, boolean marker, byte[] nal) {
        ByteBuf packet = video.write(ByteBufAllocator.DEFAULT, ts, marker, Unpooled.wrappedBuffer(nal));
        byte[] copy = new byte[packet.readableBytes()];
        packet.getBytes(packet.readerIndex(), copy);
        synchronized (sentVideo) {
            sentVideo.add(copy);
        }
        client.sendRtp(0, packet);
    }

    /** Sends one large video frame of {@code packets} single-NAL packets of 1400 bytes (no audio). */
    public void sendLargeFrame(int packets) {
        long ts = 3000L * frame;
        boolean keyframe = frame % gopFrames == 0;
        if (keyframe) {
            send(ts, false, nal(0x67, 10, frame));
            send(ts, false, nal(0x68, 4, frame));
        }
        for (int i = 0; i < packets; i++) {
            send(ts, i == packets - 1, nal(keyframe ? 0x65 : 0x41, 1400, frame + i));
        }
        frame++;
    }

    private static byte[] nal(int header, int size, int frame) {
        byte[] b = new byte[size];
        b[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            b[i] = (byte) (frame * 31 + i);
        }
        return b;
    }

    public int framesSent() {
        return frame;
    }

    /** Every video packet sent so far, as bytes. */
    public List<byte[]> sentVideo() {
        synchronized (sentVideo) {
            return new ArrayList<>(sentVideo);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
