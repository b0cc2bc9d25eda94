package io.omnicast.proxy;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.omnicast.proxy.auth.AccountService;
import io.omnicast.proxy.auth.CredentialCache;
import io.omnicast.proxy.auth.LoginThrottle;
import io.omnicast.proxy.auth.PasswordHasher;
import io.omnicast.proxy.auth.PasswordPolicy;
import io.omnicast.proxy.auth.SigningKeys;
import io.omnicast.proxy.config.ProxyConfig;
import io.omnicast.proxy.directory.EventRecorder;
import io.omnicast.proxy.directory.NodeDirectory;
import io.omnicast.proxy.http.ApiHandler;
import io.omnicast.proxy.http.HttpApiServer;
import io.omnicast.proxy.metrics.ProxyMetrics;
import io.omnicast.proxy.session.ConnectBackProber;
import io.omnicast.proxy.session.NodeIds;
import io.omnicast.proxy.session.ProxyServices;
import io.omnicast.proxy.session.Replies;
import io.omnicast.proxy.session.TicketBatcher;
import io.omnicast.proxy.session.UscpServer;
import io.omnicast.proxy.topology.TopologyRegistry;
import io.omnicast.proxy.topology.spi.TopologyAlgorithm;
import io.omnicast.uscp.UscpCodec;
import io.omnicast.uscp.ticket.TicketSigner;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy server, wired: node directory (H2), accounts, ticket key, topology plugin, channel threads, the USCP
 * listener and the HTTP API. {@link #start} returns once both ports listen; {@link #close} stops everything.
 *
 * <p>Threads: Netty event loops for network I/O; {@code channel.threads} single-threaded executors that own the
 * channel trees and call the plugins; {@code auth.threads} for PBKDF2 and account look-ups; one API thread for
 * snapshots and database reads; one event writer. No database work runs on an event loop.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxyConfig config;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private NodeDirectory directory;
    private EventRecorder recorder;
    private ProxyServices services;
    private UscpServer uscp;
    private HttpApiServer http;

    private ProxyServer(ProxyConfig config) {
        this.config = config;
    }

    /**
     * Starts the proxy; with {@link ProxyConfig#warmupRounds()} above 0 it first runs that many rounds of traffic
     * against a private proxy ({@link ProxyWarmup}), so it serves with its hot paths loaded and compiled.
     */
    public static ProxyServer start(ProxyConfig config) {
        if (config.warmupRounds() > 0) {
            ProxyWarmup.run(config);
        }
        ProxyServer server = new ProxyServer(config);
        try {
            server.startUp();
            return server;
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
            throw new IllegalStateException("interrupted while starting the proxy", e);
        }
    }

    private void startUp() throws InterruptedException {
        TopologyRegistry registry = TopologyRegistry.load(ProxyServer.class.getClassLoader(), config.pluginDir());
        TopologyAlgorithm algorithm = registry.require(config.topology());
        LOG.info("topology plugin '{}' selected: {}", algorithm.id(), algorithm.description());
        UscpCodec.get(); // build the JAXB context and schema now, not on the first login

        directory = NodeDirectory.open(config.dbPath());
        closeables.add(directory);
        recorder = new EventRecorder(directory);
        closeables.add(0, recorder);
        KeyPair keys = SigningKeys.loadOrCreate(directory);

        AccountService accounts = new AccountService(directory, new PasswordHasher(config.pbkdf2Iterations()),
                new PasswordPolicy(config.passwordMinLength()),
                new LoginThrottle(config.loginFailureLimit(), config.loginFailureWindow(), config.loginLockoutMax(),
                        System::nanoTime),
                new CredentialCache(config.credentialCacheTtl(), System::nanoTime));
        ExecutorService auth = Executors.newFixedThreadPool(config.authThreads(), new DefaultThreadFactory("auth", true));
        closeables.add(0, () -> shutdown(auth));
        ExecutorService api = Executors.newSingleThreadExecutor(new DefaultThreadFactory("http-api", true));
        closeables.add(0, () -> shutdown(api));
        EventLoopGroup channelThreads = new DefaultEventLoopGroup(config.channelThreads(),
                new DefaultThreadFactory("channel", true));
        closeables.add(0, () -> channelThreads.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
        EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("accept", true));
        EventLoopGroup workers = new NioEventLoopGroup(0, new DefaultThreadFactory("uscp-io", true));
        closeables.add(0, () -> {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        });

        ProxyMetrics metrics = new ProxyMetrics();
        TicketBatcher batcher = new TicketBatcher(new TicketSigner(keys.getPrivate()));
        closeables.add(0, batcher);
        Replies replies = new Replies(batcher, keys.getPublic().getEncoded(),
                Math.toIntExact(config.beatInterval().toMillis()), config.ticketLifetime());
        services = new ProxyServices(config, algorithm, accounts, new NodeIds(directory), replies, metrics, recorder,
                auth, channelThreads, new ConnectBackProber(workers, config.probeTimeout()));
        uscp = new UscpServer(boss, workers, services, config.bindAddress(), config.uscpPort());
        closeables.add(0, uscp::close);
        http = new HttpApiServer(boss, workers, new ApiHandler(services, directory, api), config.bindAddress(),
                config.httpPort());
        closeables.add(0, http::close);
        LOG.info("proxy listening: USCP {} HTTP {} database {} topology {}", uscp.address(), http.address(),
                config.dbPath().toAbsolutePath(), algorithm.id());
    }

    private static void shutdown(ExecutorService executor) throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    public ProxyConfig config() {
        return config;
    }

    public InetSocketAddress uscpAddress() {
        return uscp.address();
    }

    public InetSocketAddress httpAddress() {
        return http.address();
    }

    public ProxyServices services() {
        return services;
    }

    public NodeDirectory directory() {
        return directory;
    }

    /** Waits until every event recorded so far is committed. */
    public boolean flushEvents(Duration timeout) throws InterruptedException {
        return recorder.flush(timeout);
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("error while stopping the proxy", e);
            }
        }
        closeables.clear();
    }
}
