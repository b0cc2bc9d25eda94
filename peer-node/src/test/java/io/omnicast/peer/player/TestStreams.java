package io.omnicast.peer.player;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.omnicast.media.h264.AnnexB;
import io.omnicast.media.h264.NalUnitTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Real H.264 made by the Debian ffmpeg (the independent encoder), cut into access units at the AUDs. */
public final class TestStreams {
    private TestStreams() {
    }

    /** {@code frames} frames of testsrc at {@code width}x{@code height}, 30 fps, GOP {@code gop}, Annex-B. */
    public static byte[] encode(Path dir, int width, int height, int frames, int gop)
            throws IOException, InterruptedException {
        Path out = dir.resolve("test-" + width + "x" + height + "-" + frames + ".h264");
        Process process = new ProcessBuilder("/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc=size=" + width + "x" + height + ":rate=30",
                "-frames:v", String.valueOf(frames), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                "-profile:v", "baseline", "-g", String.valueOf(gop), "-pix_fmt", "yuv420p",
                "-bsf:v", "h264_metadata=aud=insert", "-f", "h264", out.toString())
                .redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("ffmpeg failed: " + log);
        }
        return Files.readAllBytes(out);
    }

    /** Access units (NAL unit lists, AUD dropped), each a fresh buffer of Annex-B bytes. */
    public static List<List<byte[]>> accessUnits(byte[] stream) {
        List<List<byte[]>> units = new ArrayList<>();
        ByteBuf buffer = Unpooled.wrappedBuffer(stream);
        List<byte[]> current = null;
        for (ByteBuf nal : AnnexB.split(buffer)) {
            int type = NalUnitTypes.typeOf(nal.getByte(nal.readerIndex()));
            if (type == NalUnitTypes.ACCESS_UNIT_DELIMITER) {
                current = new ArrayList<>();
                units.add(current);
                continue;
            }
            if (current == null) {
                current = new ArrayList<>();
                units.add(current);
            }
            byte[] bytes = new byte[nal.readableBytes()];
            nal.getBytes(nal.readerIndex(), bytes);
            current.add(bytes);
        }
        buffer.release();
        return units;
    }

    public static ByteBuf annexB(List<byte[]> nalUnits) {
        ByteBuf out = Unpooled.buffer();
        for (byte[] nal : nalUnits) {
            AnnexB.write(Unpooled.wrappedBuffer(nal), out);
        }
        return out;
    }
}
