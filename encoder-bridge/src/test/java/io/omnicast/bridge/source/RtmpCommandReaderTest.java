package io.omnicast.bridge.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtmpCommandReaderTest {
    /** An AMF0 command message, as OBS and ffmpeg send them. */
    private static byte[] command(String name, double transaction, Object... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        string(out, name);
        out.write(0x00);
        long bits = Double.doubleToLongBits(transaction);
        for (int i = 7; i >= 0; i--) {
            out.write((int) (bits >>> (8 * i)));
        }
        for (Object value : values) {
            if (value == null) {
                out.write(0x05);
            } else if (value instanceof String s) {
                string(out, s);
            } else if (value instanceof String[] properties) { // an object: name, string value, name, value...
                out.write(0x03);
                for (int i = 0; i < properties.length; i += 2) {
                    byte[] key = properties[i].getBytes(StandardCharsets.UTF_8);
                    out.write(key.length >> 8);
                    out.write(key.length);
                    out.writeBytes(key);
                    if (properties[i + 1].equals("true")) {
                        out.write(0x01);
                        out.write(0x01);
                    } else {
                        string(out, properties[i + 1]);
                    }
                }
                out.write(0);
                out.write(0);
                out.write(0x09);
            }
        }
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(0x02);
        out.write(b.length >> 8);
        out.write(b.length);
        out.writeBytes(b);
    }

    /** Splits a message into chunks: a type 0 header, then type 3 continuations every {@code chunkSize} bytes. */
    private static void chunks(ByteArrayOutputStream out, int chunkStream, int type, byte[] message, int chunkSize) {
        out.write(chunkStream);
        out.writeBytes(new byte[] {0, 0, 0});
        out.write(message.length >> 16);
        out.write(message.length >> 8);
        out.write(message.length);
        out.write(type);
        out.writeBytes(new byte[] {0, 0, 0, 0});
        for (int pos = 0; pos < message.length; pos += chunkSize) {
            if (pos > 0) {
                out.write(0xC0 | chunkStream);
            }
            out.write(message, pos, Math.min(chunkSize, message.length - pos));
        }
    }

    private static byte[] obsSession(String app, String key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[RtmpCommandReader.HANDSHAKE_BYTES]);
        // connect is longer than the default 128-byte chunk: it comes in several chunks
        chunks(out, 3, 20, command("connect", 1, (Object) new String[] {"app", app, "type", "nonprivate",
            "flashVer", "FMLE/3.0 (compatible; FMSc/1.0)", "swfUrl", "rtmp://127.0.0.1:1935/" + app, "fpad", "true",
            "tcUrl", "rtmp://127.0.0.1:1935/" + app}), 128);
        chunks(out, 2, 1, new byte[] {0, 0, 0x10, 0}, 128); // Set Chunk Size 4096
        chunks(out, 3, 20, command("releaseStream", 2, null, key), 4096);
        chunks(out, 3, 20, command("FCPublish", 3, null, key), 4096);
        chunks(out, 3, 20, command("createStream", 4, (Object) null), 4096);
        chunks(out, 4, 20, command("publish", 5, null, key, "live"), 4096);
        chunks(out, 4, 9, new byte[9000], 4096); // a video message: reassembled and dropped
        return out.toByteArray();
    }

    private static List<RtmpCommandReader.Command> feedInPieces(byte[] bytes, int piece) {
        RtmpCommandReader reader = new RtmpCommandReader();
        List<RtmpCommandReader.Command> commands = new ArrayList<>();
        for (int pos = 0; pos < bytes.length; pos += piece) {
            commands.addAll(reader.feed(bytes, pos, Math.min(piece, bytes.length - pos)));
        }
        return commands;
    }

    @Test
    void readsTheApplicationAndTheStreamKeyOfAnObsSessionWhateverTheReadSizes() {
        byte[] session = obsSession("live", "the-key");
        for (int piece : new int[] {1, 7, 128, 1500, session.length}) {
            List<RtmpCommandReader.Command> commands = feedInPieces(session, piece);
            assertEquals(List.of("connect", "releaseStream", "FCPublish", "createStream", "publish"),
                    commands.stream().map(RtmpCommandReader.Command::name).toList(), "read size " + piece);
            assertEquals("live", commands.get(0).app());
            assertEquals("the-key", commands.get(4).streamName());
        }
    }

    @Test
    void readsCommandsAtANonZeroOffset() {
        byte[] session = obsSession("live", "k");
        byte[] shifted = new byte[session.length + 5];
        System.arraycopy(session, 0, shifted, 5, session.length);
        List<RtmpCommandReader.Command> commands = new RtmpCommandReader().feed(shifted, 5, session.length);
        assertEquals("k", commands.get(commands.size() - 1).streamName());
    }

    @Test
    void refusesOversizedMessagesAndChunkSizes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[RtmpCommandReader.HANDSHAKE_BYTES]);
        chunks(out, 3, 20, new byte[RtmpCommandReader.MAX_COMMAND_BYTES + 1], 128);
        assertThrows(IllegalArgumentException.class, () -> feedInPieces(out.toByteArray(), 4096));
        ByteArrayOutputStream size = new ByteArrayOutputStream();
        size.writeBytes(new byte[RtmpCommandReader.HANDSHAKE_BYTES]);
        chunks(size, 2, 1, new byte[] {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, 128);
        assertThrows(IllegalArgumentException.class, () -> feedInPieces(size.toByteArray(), 4096));
    }

    @Test
    void garbageFailsWithIllegalArgumentOrWaitsButNeverWithAnythingElse() {
        Random random = new Random(6);
        byte[] session = obsSession("live", "key");
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = round % 2 == 0 ? new byte[RtmpCommandReader.HANDSHAKE_BYTES + random.nextInt(20_000)]
                    : session.clone();
            if (round % 2 == 0) {
                random.nextBytes(bytes);
            } else {
                for (int i = 0; i < 8; i++) { // flip bytes after the handshake
                    int at = RtmpCommandReader.HANDSHAKE_BYTES + random.nextInt(bytes.length
                            - RtmpCommandReader.HANDSHAKE_BYTES);
                    bytes[at] = (byte) random.nextInt(256);
                }
            }
            try {
                feedInPieces(bytes, 1 + random.nextInt(3000));
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains("RTMP"), expected.getMessage());
            }
        }
    }
}
