package io.omnicast.bench.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.omnicast.media.rtp.RtpPacketWriter;
import io.omnicast.media.rtsp.RtspClient;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a synthetic H.264 video stream of a given bit rate over RTSP (TCP interleaved): 30 frames per second, a
 * GOP of 2 s starting with SPS, PPS and an IDR, every frame split into FU-A packets of at most 1200 bytes of payload.
 * The bytes are not a decodable picture; the server only looks at RTP headers and NAL types, like for real video.
 */
final class SyntheticVideoPublisher implements AutoCloseable {
    static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=fanout\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
            + "a=fmtp:96 packetization-mode=1;profile-level-id=42e01f\r\na=control:streamid=0\r\n";
    private static final int FPS = 30;
    private static final int GOP_FRAMES = 60;
    private static final int MAX_FRAGMENT = 1200;

    private final RtspClient client;
    private final RtpPacketWriter writer = new RtpPacketWriter(0x0DDBA11L, 96, 1);
    private final int pFrameBytes;
    private final int idrBytes;
    private ScheduledFuture<?> ticker;
    private int frame;

    private SyntheticVideoPublisher(RtspClient client, int bitsPerSecond) {
        this.client = client;
        // an IDR 5x a P frame; the GOP's bytes add up to the bit rate
        int gopBytes = bitsPerSecond / 8 * GOP_FRAMES / FPS;
        this.pFrameBytes = gopBytes / (GOP_FRAMES - 1 + 5);
        this.idrBytes = 5 * pFrameBytes;
    }

    static SyntheticVideoPublisher start(String url, int bitsPerSecond, EventLoopGroup group) throws Exception {
        RtspClient c = RtspClient.connect(url, RtspClient.Options.defaults(), group).get(10, TimeUnit.SECONDS);
        c.announce(SDP).get(10, TimeUnit.SECONDS);
        c.setupTcp(c.url() + "/streamid=0", 0, true).get(10, TimeUnit.SECONDS);
        c.record().get(10, TimeUnit.SECONDS);
        SyntheticVideoPublisher p = new SyntheticVideoPublisher(c, bitsPerSecond);
        p.ticker = c.channel().eventLoop().scheduleAtFixedRate(p::sendFrame, 0, 1000 / FPS, TimeUnit.MILLISECONDS);
        return p;
    }

    private void sendFrame() {
        long ts = 3000L * frame;
        boolean idr = frame % GOP_FRAMES == 0;
        if (idr) {
            send(ts, false, new byte[] {0x67, 0x42, 0x00, 0x1f, 1, 2, 3, 4});
            send(ts, false, new byte[] {0x68, (byte) 0xce, 0x3c, (byte) 0x80});
        }
        int size = idr ? idrBytes : pFrameBytes;
        int nalHeader = idr ? 0x65 : 0x41;
        int offset = 0;
        while (offset < size) {
            int chunk = Math.min(MAX_FRAGMENT, size - offset);
            boolean first = offset == 0;
            boolean last = offset + chunk == size;
            byte[] fu = new byte[2 + chunk];
            fu[0] = (byte) ((nalHeader & 0xE0) | 28);
            fu[1] = (byte) ((first ? 0x80 : 0) | (last ? 0x40 : 0) | (nalHeader & 0x1F));
            for (int i = 2; i < fu.length; i++) {
                fu[i] = (byte) (frame + i);
            }
            send(ts, last, fu);
            offset += chunk;
        }
        frame++;
    }

    private void send(long ts, boolean marker, byte[] payload) {
        ByteBuf packet = writer.write(ByteBufAllocator.DEFAULT, ts, marker, Unpooled.wrappedBuffer(payload));
        client.sendRtp(0, packet);
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        client.close();
    }
}
