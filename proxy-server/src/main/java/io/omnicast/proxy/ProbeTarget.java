package io.omnicast.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * A stand-in for a relay's endpoint that the proxy's connect-back probe can reach: accepts each connection and
 * closes it at once, on a daemon thread of its own. For the proxy's start-up warm-up and load benches, whose relays
 * exist only as USCP sessions.
 */
public final class ProbeTarget implements AutoCloseable {
    private final ServerSocket socket = new ServerSocket();

    /** Listens on {@code address} (any free port) and accepts on a thread named {@code threadName}. */
    public ProbeTarget(InetAddress address, String threadName) throws IOException {
        socket.bind(new InetSocketAddress(address, 0), 100);
        Thread acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    socket.accept().close();
                } catch (IOException e) {
                    return;
                }
            }
        }, threadName);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
