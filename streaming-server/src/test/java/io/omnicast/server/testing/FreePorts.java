package io.omnicast.server.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports for one test: a TCP port and an even/odd UDP pair, probed before use. */
public final class FreePorts {
    private FreePorts() {
    }

    public static int tcp() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free TCP port", e);
        }
    }

    /** An even UDP port whose successor is free too. */
    public static int udpPair() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20000 + 2 * ThreadLocalRandom.current().nextInt(15000);
            try (DatagramSocket a = new DatagramSocket(port); DatagramSocket b = new DatagramSocket(port + 1)) {
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free UDP port pair");
    }
}
