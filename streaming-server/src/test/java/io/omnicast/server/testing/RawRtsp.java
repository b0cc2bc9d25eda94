package io.omnicast.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A plain socket speaking RTSP text, for requests no well-behaved client would send. */
public final class RawRtsp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    public RawRtsp(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
    }

    public void send(String text) throws IOException {
        send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Reads one response (status line, headers, Content-Length body) as text, skipping interleaved frames. */
    public String response() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed; read so far: " + head);
            }
            if (head.size() == 0 && b == '$') {
                in.read();
                int length = in.read() << 8 | in.read();
                in.readNBytes(length);
                continue;
            }
            head.write(b);
            String s = head.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                int length = 0;
                for (String line : s.split("\r\n")) {
                    if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                return s + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Sends a request and returns the reply. */
    public String exchange(String request) throws IOException {
        send(request);
        return response();
    }

    /** True when the server closed the connection (reads EOF within the socket timeout). */
    public boolean closedByServer() {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (IOException e) {
            return e instanceof java.net.SocketException;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
