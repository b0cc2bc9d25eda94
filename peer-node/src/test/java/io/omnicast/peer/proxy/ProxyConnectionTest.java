package io.omnicast.peer.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.omnicast.peer.config.PeerConfig;
import io.omnicast.uscp.v1.Capacity;
import io.omnicast.uscp.v1.FailureReason;
import io.omnicast.uscp.v1.Health;
import io.omnicast.uscp.v1.Login;
import io.omnicast.uscp.v1.Logout;
import io.omnicast.uscp.v1.LogoutReason;
import io.omnicast.uscp.v1.NodeInformation;
import io.omnicast.uscp.v1.PlacementReason;
import io.omnicast.uscp.v1.ReConfiguration;
import io.omnicast.uscp.v1.Subscription;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProxyConnectionTest {
    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final BlockingQueue<Placement> placements = new LinkedBlockingQueue<>();
    private final BlockingQueue<ProxySession> sessions = new LinkedBlockingQueue<>();
    private final ProxyListener listener = new ProxyListener() {
        @Override
        public void onSession(ProxySession session) {
            sessions.add(session);
        }

        @Override
        public void onPlacement(Placement placement) {
            placements.add(placement);
        }
    };

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private PeerConfig config(int port, boolean subscribe) {
        return PeerConfig.builder().proxy("127.0.0.1:" + port).user("alice").password("secret-pass")
                .channel("demo").subscribe(subscribe).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .build();
    }

    private static ProxyConnection.Report report() {
        Capacity capacity = new Capacity();
        capacity.setMaxChildren(3);
        capacity.setUplinkKbps(20_000);
        Health health = new Health();
        health.setFps(30.0);
        health.setBufferMs(500);
        health.setStalls(0);
        return new ProxyConnection.Report(capacity, health);
    }

    private static <T> T next(BlockingQueue<?> queue, Class<T> type) throws InterruptedException {
        while (true) {
            Object message = queue.poll(10, TimeUnit.SECONDS);
            assertNotNull(message, "nothing arrived waiting for " + type.getSimpleName());
            if (type.isInstance(message)) {
                return type.cast(message);
            }
        }
    }

    @Test
    void logsInBeatsReportsFailureAndLogsOut() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(group, 0)) {
            ProxyConnection connection = new ProxyConnection(config(proxy.port(), false),
                    new InetSocketAddress("127.0.0.1", 9554), ProxyConnectionTest::report, listener, group);
            connection.start();
            Login login = next(proxy.received, Login.class);
            assertEquals("demo", login.getChannel().get(0));
            assertEquals(9554, login.getRelayEndpoint().getPort());
            assertEquals(3, login.getCapacity().getMaxChildren());
            ProxySession session = sessions.poll(10, TimeUnit.SECONDS);
            assertEquals("n-1", session.nodeId());
            assertEquals(Duration.ofMillis(100), session.beatInterval());
            Placement placement = placements.poll(10, TimeUnit.SECONDS);
            assertEquals("origin-1", placement.parent().nodeId());
            assertFalse(placement.pushed());
            assertTrue(connection.lastLoginMillis() >= 0);

            NodeInformation beat = next(proxy.received, NodeInformation.class);
            assertEquals(30.0, beat.getHealth().getFps());

            Placement moved = connection.reportParentFailure("origin-1", FailureReason.RTP_TIMEOUT, 65535,
                    "no RTP for 100 ms").get(10, TimeUnit.SECONDS);
            assertEquals("n-7", moved.parent().nodeId());
            ReConfiguration rc = next(proxy.received, ReConfiguration.class);
            assertEquals(65535, rc.getLastSequence());
            assertEquals(FailureReason.RTP_TIMEOUT, rc.getReason());

            connection.logout(LogoutReason.USER, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            Logout logout = next(proxy.received, Logout.class);
            assertEquals(LogoutReason.USER, logout.getReason());
        }
    }

    @Test
    void handsPushedPlacementsToTheListener() throws Exception {
        try (ScriptedProxy proxy = new ScriptedProxy(group, 0)) {
            ProxyConnection connection = new ProxyConnection(config(proxy.port(), false), null,
                    ProxyConnectionTest::report, listener, group);
            connection.start();
            placements.poll(10, TimeUnit.SECONDS);
            proxy.push(ScriptedProxy.placement(null, PlacementReason.REPARENT, "n-9", 3));
            Placement pushed = placements.poll(10, TimeUnit.SECONDS);
            assertEquals("n-9", pushed.parent().nodeId());
            assertTrue(pushed.pushed());
            assertEquals(PlacementReason.REPARENT, pushed.reason());
            connection.close();
        }
    }

    @Test
    void subscribesOnceThenLogsInAgainWhenTheProxyReturns() throws Exception {
        ScriptedProxy first = new ScriptedProxy(group, 0);
        int port = first.port();
        ProxyConnection connection = new ProxyConnection(config(port, true), null, ProxyConnectionTest::report,
                listener, group);
        connection.start();
        assertInstanceOf(Subscription.class, first.received.poll(10, TimeUnit.SECONDS));
        sessions.poll(10, TimeUnit.SECONDS);
        first.close();
        // the proxy is gone for a while; the connection keeps retrying
        Thread.sleep(300);
        try (ScriptedProxy second = new ScriptedProxy(group, port)) {
            next(second.received, Login.class);
            assertNotNull(sessions.poll(10, TimeUnit.SECONDS));
            assertEquals(2, connection.logins());
            connection.close();
        }
    }
}
