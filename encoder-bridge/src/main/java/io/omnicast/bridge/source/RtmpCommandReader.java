package io.omnicast.bridge.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the client-to-server half of an RTMP connection far enough to see its commands: the handshake is skipped,
 * the chunk stream is reassembled into messages, and AMF0 command messages give their name, the {@code app} of
 * {@code connect} and the stream name of {@code publish} / {@code play}. Media messages are reassembled and
 * dropped. Not thread-safe; one per connection. Every size is bounded: bad input fails with
 * {@link IllegalArgumentException}, never with an unbounded allocation.
 *
 * <p>Chunk format, <a href="https://rtmp.veriskope.com/docs/spec/#53chunking">RTMP spec section 5.3</a>:
 *
 * <pre>
 * +--------------+----------------+--------------------+--------------+
 * | Basic Header | Message Header | Extended Timestamp |  Chunk Data  |
 * +--------------+----------------+--------------------+--------------+
 * basic header: fmt (2 bits) | chunk stream id (6 bits; 0 -> one more byte + 64, 1 -> two more bytes + 64)
 * message header: fmt 0 = 11 bytes (timestamp 3, length 3, type 1, stream id 4 LE), fmt 1 = 7, fmt 2 = 3, fmt 3 = 0
 * extended timestamp: 4 bytes when the 3-byte timestamp field is 0xFFFFFF
 * </pre>
 */
final class RtmpCommandReader {
    /** C0 (version) + C1 + C2, each of C1/C2 1536 bytes (RTMP spec section 5.2). */
    static final int HANDSHAKE_BYTES = 1 + 1536 + 1536;
    /** Largest message reassembled; a command is a few hundred bytes, a keyframe may be a few hundred kilobytes. */
    static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
    /** Largest command message: a connect with all its properties is well under 1 KiB. */
    static final int MAX_COMMAND_BYTES = 65_536;
    /** Unparsed bytes held at most (one chunk with its header; chunk sizes are capped below). */
    static final int MAX_CHUNK_BYTES = 65_536;
    private static final int DEFAULT_CHUNK_SIZE = 128;
    private static final int MAX_CHUNK_STREAMS = 64;
    private static final int TYPE_SET_CHUNK_SIZE = 1;
    private static final int TYPE_AMF3_COMMAND = 17;
    private static final int TYPE_AMF0_COMMAND = 20;
    private static final int[] MESSAGE_HEADER_BYTES = {11, 7, 3, 0};

    /** One command the client sent: {@code app} for connect, {@code streamName} for publish and play, else null. */
    record Command(String name, String app, String streamName) {
    }

    private static final class ChunkStream {
        int length;
        int type;
        boolean extendedTimestamp;
        byte[] payload = new byte[0];
        int received;
    }

    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private byte[] pending = new byte[4096];
    private int pendingLength;
    private int handshakeLeft = HANDSHAKE_BYTES;
    private int chunkSize = DEFAULT_CHUNK_SIZE;

    /** Feeds the next bytes the client sent; returns the commands they completed (often none). */
    List<Command> feed(byte[] data, int offset, int length) {
        int skip = Math.min(handshakeLeft, length);
        handshakeLeft -= skip;
        offset += skip;
        length -= skip;
        if (length == 0) {
            return List.of();
        }
        if (pendingLength + length > pending.length) {
            // pendingLength is at most MAX_CHUNK_BYTES here, so this grows by no more than the caller's read.
            pending = Arrays.copyOf(pending, Math.max(pendingLength + length, pending.length * 2));
        }
        System.arraycopy(data, offset, pending, pendingLength, length);
        pendingLength += length;
        List<Command> commands = new ArrayList<>(1);
        int position = 0;
        int consumed;
        while ((consumed = readChunk(position, commands)) > 0) {
            position += consumed;
        }
        System.arraycopy(pending, position, pending, 0, pendingLength - position);
        pendingLength -= position;
        if (pendingLength > MAX_CHUNK_BYTES) {
            throw new IllegalArgumentException("RTMP chunk larger than " + MAX_CHUNK_BYTES + " bytes");
        }
        return commands;
    }

    /** Reads one chunk at {@code start}; returns its size, or 0 when it is not complete yet. */
    private int readChunk(int start, List<Command> commands) {
        int available = pendingLength - start;
        if (available < 1) {
            return 0;
        }
        int first = pending[start] & 0xFF;
        int format = first >>> 6;
        int streamId = first & 0x3F;
        int header = 1;
        if (streamId == 0) {
            if (available < 2) {
                return 0;
            }
            streamId = 64 + (pending[start + 1] & 0xFF);
            header = 2;
        } else if (streamId == 1) {
            if (available < 3) {
                return 0;
            }
            streamId = 64 + (pending[start + 1] & 0xFF) + (pending[start + 2] & 0xFF) * 256;
            header = 3;
        }
        int messageHeader = MESSAGE_HEADER_BYTES[format];
        if (available < header + messageHeader) {
            return 0;
        }
        ChunkStream stream = streams.get(streamId);
        if (stream == null && format != 0) {
            throw new IllegalArgumentException("RTMP chunk stream " + streamId + " starts without a full header");
        }
        int at = start + header;
        boolean extended;
        int length = stream == null ? 0 : stream.length;
        int type = stream == null ? 0 : stream.type;
        if (format < 3) {
            extended = uint24(at) == 0xFFFFFF;
            if (format <= 1) {
                length = uint24(at + 3);
                type = pending[at + 6] & 0xFF;
            }
        } else {
            extended = stream.extendedTimestamp;
        }
        int total = header + messageHeader + (extended ? 4 : 0);
        if (length > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("RTMP message of " + length + " bytes (limit " + MAX_MESSAGE_BYTES
                    + ")");
        }
        int received = stream == null ? 0 : stream.received;
        if (format <= 1 && received != 0) {
            throw new IllegalArgumentException("RTMP chunk stream " + streamId + " starts a message inside another");
        }
        int data = Math.min(chunkSize, length - received);
        if (available < total + data) {
            return 0;
        }
        if (stream == null) {
            if (streams.size() >= MAX_CHUNK_STREAMS) {
                throw new IllegalArgumentException("more than " + MAX_CHUNK_STREAMS + " RTMP chunk streams");
            }
            stream = new ChunkStream();
            streams.put(streamId, stream);
        }
        stream.length = length;
        stream.type = type;
        stream.extendedTimestamp = extended;
        boolean keep = type == TYPE_AMF0_COMMAND || type == TYPE_AMF3_COMMAND || type == TYPE_SET_CHUNK_SIZE;
        if (keep) {
            if (length > MAX_COMMAND_BYTES) {
                throw new IllegalArgumentException("RTMP command message of " + length + " bytes (limit "
                        + MAX_COMMAND_BYTES + ")");
            }
            if (stream.payload.length < length) {
                stream.payload = new byte[length];
            }
            System.arraycopy(pending, start + total, stream.payload, received, data);
        }
        stream.received = received + data;
        if (stream.received == length) {
            stream.received = 0;
            if (keep) {
                onMessage(type, Arrays.copyOf(stream.payload, length), commands);
            }
        }
        return total + data;
    }

    private void onMessage(int type, byte[] payload, List<Command> commands) {
        if (type == TYPE_SET_CHUNK_SIZE) {
            if (payload.length < 4) {
                throw new IllegalArgumentException("RTMP Set Chunk Size message of " + payload.length + " bytes");
            }
            int size = ((payload[0] & 0x7F) << 24) | (payload[1] & 0xFF) << 16 | (payload[2] & 0xFF) << 8
                    | (payload[3] & 0xFF);
            if (size < 1 || size > MAX_CHUNK_BYTES - 32) {
                throw new IllegalArgumentException("RTMP chunk size must be between 1 and " + (MAX_CHUNK_BYTES - 32)
                        + " bytes (was " + size + ")");
            }
            chunkSize = size;
            return;
        }
        // An AMF3 command message starts with one format byte, then AMF0 values (RTMP spec section 7.1.1).
        Amf0 amf = new Amf0(payload, type == TYPE_AMF3_COMMAND ? 1 : 0);
        String name = amf.readString();
        amf.skipValue(0); // transaction id
        String app = null;
        String streamName = null;
        if (name.equals("connect")) {
            app = amf.readProperty("app");
        } else if (name.equals("publish") || name.equals("play")) {
            amf.skipValue(0); // command object (null)
            streamName = amf.readString();
        }
        commands.add(new Command(name, app, streamName));
    }

    private int uint24(int at) {
        return (pending[at] & 0xFF) << 16 | (pending[at + 1] & 0xFF) << 8 | (pending[at + 2] & 0xFF);
    }

    /** The part of AMF0 (Adobe AMF0 spec) that command messages use. */
    private static final class Amf0 {
        private static final int MAX_DEPTH = 8;
        private final byte[] data;
        private int position;

        Amf0(byte[] data, int position) {
            this.data = data;
            this.position = position;
        }

        String readString() {
            int marker = u8();
            if (marker != 0x02) {
                throw new IllegalArgumentException("RTMP command: expected an AMF0 string, found marker " + marker);
            }
            return utf8(u16());
        }

        /** Reads an object and returns its string property {@code key} (null when absent or not a string). */
        String readProperty(String key) {
            int marker = u8();
            if (marker != 0x03 && marker != 0x08) {
                throw new IllegalArgumentException("RTMP connect: expected an AMF0 object, found marker " + marker);
            }
            if (marker == 0x08) {
                skip(4);
            }
            String found = null;
            while (true) {
                String name = utf8(u16());
                if (name.isEmpty() && peek() == 0x09) {
                    position++;
                    return found;
                }
                if (name.equals(key) && peek() == 0x02) {
                    found = readString();
                } else {
                    skipValue(1);
                }
            }
        }

        void skipValue(int depth) {
            if (depth > MAX_DEPTH) {
                throw new IllegalArgumentException("RTMP command: AMF0 values nested deeper than " + MAX_DEPTH);
            }
            int marker = u8();
            switch (marker) {
                case 0x00 -> skip(8); // number
                case 0x01 -> skip(1); // boolean
                case 0x02 -> skip(u16()); // string
                case 0x05, 0x06 -> { } // null, undefined
                case 0x03, 0x08 -> { // object, ECMA array
                    if (marker == 0x08) {
                        skip(4);
                    }
                    while (true) {
                        int nameLength = u16();
                        if (nameLength == 0 && peek() == 0x09) {
                            position++;
                            return;
                        }
                        skip(nameLength);
                        skipValue(depth + 1);
                    }
                }
                case 0x0A -> { // strict array
                    long count = (long) u16() << 16 | u16();
                    for (long i = 0; i < count; i++) {
                        skipValue(depth + 1);
                    }
                }
                case 0x0B -> skip(10); // date
                case 0x0C -> skip((int) Math.min(Integer.MAX_VALUE, (long) u16() << 16 | u16())); // long string
                default -> throw new IllegalArgumentException("RTMP command: unsupported AMF0 marker " + marker);
            }
        }

        private int peek() {
            need(1);
            return data[position] & 0xFF;
        }

        private int u8() {
            need(1);
            return data[position++] & 0xFF;
        }

        private int u16() {
            need(2);
            int value = (data[position] & 0xFF) << 8 | (data[position + 1] & 0xFF);
            position += 2;
            return value;
        }

        private void skip(int count) {
            need(count);
            position += count;
        }

        private String utf8(int length) {
            need(length);
            String value = new String(data, position, length, StandardCharsets.UTF_8);
            position += length;
            return value;
        }

        private void need(int count) {
            if (count < 0 || data.length - position < count) {
                throw new IllegalArgumentException("RTMP command truncated (need " + count + " bytes at "
                        + position + " of " + data.length + ")");
            }
        }
    }
}
