package io.omnicast.peer.player;

import io.netty.buffer.ByteBuf;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Decodes H.264 access units (Annex-B) with FFmpeg's libavcodec. One per player; not thread-safe (the player's
 * thread owns it). {@link #close()} frees the native context.
 *
 * <p>Low-delay flags are set so that a frame comes out for every access unit in (no frame reordering buffer for
 * the baseline/main streams live encoders produce), which is what lets the player count a frame as decoded when
 * it is due.
 */
public final class H264Decoder implements AutoCloseable {
    /** Largest access unit accepted, in bytes (a 1080p IDR at high quality stays well under this). */
    public static final int MAX_ACCESS_UNIT_BYTES = 4 * 1024 * 1024;

    private final boolean produceImages;
    private final AVCodecContext context;
    private final AVPacket packet;
    private final AVFrame frame;
    private BytePointer input = new BytePointer(64 * 1024);
    private byte[] scratch = new byte[64 * 1024];
    private SwsContext scaler;
    private AVFrame rgb;
    private BytePointer rgbBuffer;
    private int rgbWidth;
    private int rgbHeight;
    private long framesDecoded;
    private long decodeErrors;

    /** @param produceImages convert every frame to an RGB {@link BufferedImage} (window mode) */
    public H264Decoder(boolean produceImages) {
        FfmpegLoader.load();
        this.produceImages = produceImages;
        AVCodec codec = avcodec.avcodec_find_decoder(avcodec.AV_CODEC_ID_H264);
        if (codec == null) {
            throw new IllegalStateException("FFmpeg has no H.264 decoder");
        }
        context = avcodec.avcodec_alloc_context3(codec);
        context.flags(context.flags() | avcodec.AV_CODEC_FLAG_LOW_DELAY);
        context.flags2(context.flags2() | avcodec.AV_CODEC_FLAG2_FAST);
        context.thread_count(1);
        int result = avcodec.avcodec_open2(context, codec, (PointerPointer<?>) null);
        if (result < 0) {
            avcodec.avcodec_free_context(context);
            throw new IllegalStateException("avcodec_open2 failed: " + errorText(result));
        }
        packet = avcodec.av_packet_alloc();
        frame = avutil.av_frame_alloc();
    }

    /**
     * Feeds one access unit in Annex-B form (the buffer's readable bytes; indexes untouched) and returns the
     * pictures that came out (usually one). A corrupt unit is counted in {@link #decodeErrors()} and yields none.
     */
    public List<DecodedFrame> decode(ByteBuf annexB, long rtpTimestamp) {
        int size = annexB.readableBytes();
        if (size > MAX_ACCESS_UNIT_BYTES) {
            throw new IllegalArgumentException("access unit of " + size + " bytes exceeds the decoder limit of "
                    + MAX_ACCESS_UNIT_BYTES + " bytes");
        }
        int padded = size + avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
        if (input.capacity() < padded) {
            input.close();
            input = new BytePointer(Math.max(padded, (int) input.capacity() * 2));
        }
        // Data and FFmpeg's zeroed padding go in with one copy from position 0. (Regression: the padding used to be
        // written with put(size + i, 0) after position(size); JavaCPP adds the position to that index, so the zeros
        // landed at 2 * size + i, past the native buffer for any access unit over a third of it: heap corruption.)
        if (scratch.length < padded) {
            scratch = new byte[Math.max(padded, scratch.length * 2)];
        }
        annexB.getBytes(annexB.readerIndex(), scratch, 0, size);
        java.util.Arrays.fill(scratch, size, padded, (byte) 0);
        input.position(0).put(scratch, 0, padded);
        input.position(0);
        packet.data(input);
        packet.size(size);
        packet.pts(rtpTimestamp);
        int sent = avcodec.avcodec_send_packet(context, packet);
        if (sent < 0 && sent != avutil.AVERROR_EAGAIN()) {
            decodeErrors++;
            return List.of();
        }
        List<DecodedFrame> out = new ArrayList<>(1);
        while (true) {
            int received = avcodec.avcodec_receive_frame(context, frame);
            if (received == avutil.AVERROR_EAGAIN() || received == avutil.AVERROR_EOF) {
                break;
            }
            if (received < 0) {
                decodeErrors++;
                break;
            }
            framesDecoded++;
            Optional<BufferedImage> image = produceImages ? Optional.of(toImage(frame)) : Optional.empty();
            out.add(new DecodedFrame(frame.width(), frame.height(), frame.pts(), image));
            avutil.av_frame_unref(frame);
        }
        return out;
    }

    public long framesDecoded() {
        return framesDecoded;
    }

    public long decodeErrors() {
        return decodeErrors;
    }

    private BufferedImage toImage(AVFrame source) {
        int width = source.width();
        int height = source.height();
        if (scaler == null || width != rgbWidth || height != rgbHeight) {
            freeScaler();
            scaler = swscale.sws_getContext(width, height, source.format(), width, height, avutil.AV_PIX_FMT_BGRA,
                    swscale.SWS_FAST_BILINEAR, null, null, (double[]) null);
            rgb = avutil.av_frame_alloc();
            int bytes = avutil.av_image_get_buffer_size(avutil.AV_PIX_FMT_BGRA, width, height, 1);
            rgbBuffer = new BytePointer(avutil.av_malloc(bytes)).capacity(bytes);
            avutil.av_image_fill_arrays(rgb.data(), rgb.linesize(), rgbBuffer, avutil.AV_PIX_FMT_BGRA, width, height,
                    1);
            rgbWidth = width;
            rgbHeight = height;
        }
        swscale.sws_scale(scaler, source.data(), source.linesize(), 0, height, rgb.data(), rgb.linesize());
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        // BGRA bytes in memory are one little-endian int 0xAARRGGBB per pixel: exactly TYPE_INT_RGB's layout.
        new IntPointer(rgbBuffer).get(pixels, 0, width * height);
        return image;
    }

    private void freeScaler() {
        if (scaler != null) {
            swscale.sws_freeContext(scaler);
            scaler = null;
            avutil.av_frame_free(rgb);
            avutil.av_free(rgbBuffer);
            rgbBuffer = null;
        }
    }

    private static String errorText(int code) {
        BytePointer text = new BytePointer(256);
        avutil.av_strerror(code, text, 256);
        return text.getString() + " (" + code + ")";
    }

    @Override
    public void close() {
        freeScaler();
        avutil.av_frame_free(frame);
        avcodec.av_packet_free(packet);
        avcodec.avcodec_free_context(context);
        input.close();
    }
}
