package io.omnicast.proxy.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test peer's relay endpoint: a real listening socket on a 127.0.0.x address that accepts (and closes) the
 * proxy's connect-back probes, so the peer may get children.
 */
public final class RelayListener implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();

    public RelayListener(String host) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(host), 0), 50);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket probe = server.accept()) {
                    accepted.incrementAndGet();
                    probe.shutdownOutput();
                } catch (IOException e) {
                    return;
                }
            }
        }, "relay-" + host);
        t.setDaemon(true);
        t.start();
    }

    public String host() {
        return server.getInetAddress().getHostAddress();
    }

    public int port() {
        return server.getLocalPort();
    }

    public int probes() {
        return accepted.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
