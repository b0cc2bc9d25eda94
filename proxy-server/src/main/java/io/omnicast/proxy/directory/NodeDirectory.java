package io.omnicast.proxy.directory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory database: JDBC over an embedded H2 file ({@code jdbc:h2:file:...}). The schema is created or
 * migrated when it opens. Commits are written through at once ({@code WRITE_DELAY=0}), so a committed account or
 * event survives a kill -9 of the proxy. A small fixed pool of connections serves the calling threads.
 *
 * <p>Thread-safe; every method blocks and must not be called on a Netty event loop.
 */
public final class NodeDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeDirectory.class);
    /** The schema version this code writes; older databases are migrated step by step. */
    static final int SCHEMA_VERSION = 2;
    private static final int POOL_SIZE = 4;

    private final String url;
    private final BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(POOL_SIZE);
    private final List<Connection> all = new ArrayList<>();

    private NodeDirectory(String url) {
        this.url = url;
    }

    /** Opens (creating if needed) the database at {@code path} (without the {@code .mv.db} suffix). */
    public static NodeDirectory open(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            if (absolute.getParent() != null) {
                Files.createDirectories(absolute.getParent());
            }
        } catch (java.io.IOException e) {
            throw new DirectoryException("cannot create the directory for database " + absolute, e);
        }
        String url = "jdbc:h2:file:" + absolute + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
        NodeDirectory directory = new NodeDirectory(url);
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                Connection connection = DriverManager.getConnection(url, "omnicast", "");
                directory.all.add(connection);
                directory.pool.add(connection);
            }
            directory.migrate();
        } catch (SQLException e) {
            directory.close();
            String hint = e.getMessage() != null && e.getMessage().contains("locked")
                    ? " (is another proxy using it? stop it first)" : "";
            throw new DirectoryException("cannot open node directory " + absolute + hint, e);
        }
        LOG.info("node directory {} open (schema version {})", absolute, SCHEMA_VERSION);
        return directory;
    }

    public String url() {
        return url;
    }

    private void migrate() throws SQLException {
        try (Lease lease = lease(); Statement s = lease.connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)");
            int version = 0;
            try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                if (rs.next()) {
                    version = rs.getInt(1);
                }
            }
            if (version > SCHEMA_VERSION) {
                throw new SQLException("database schema version " + version + " is newer than this proxy's "
                        + SCHEMA_VERSION);
            }
            if (version < 1) {
                s.execute("CREATE TABLE accounts (user_name VARCHAR(32) PRIMARY KEY, password_hash VARCHAR(256) "
                        + "NOT NULL, role VARCHAR(16) NOT NULL, created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
                s.execute("CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY, at_ms BIGINT NOT NULL, "
                        + "kind VARCHAR(32) NOT NULL, channel VARCHAR(64), node_id VARCHAR(64), parent_id VARCHAR(64), "
                        + "hop_count INT NOT NULL, duration_us BIGINT NOT NULL, detail VARCHAR(1024))");
                s.execute("CREATE INDEX events_node ON events (node_id)");
                s.execute("CREATE TABLE signing_keys (id INT PRIMARY KEY, algorithm VARCHAR(16) NOT NULL, "
                        + "private_pkcs8 VARBINARY(256) NOT NULL, public_x509 VARBINARY(256) NOT NULL, "
                        + "created_at TIMESTAMP WITH TIME ZONE NOT NULL)");
                s.execute("CREATE TABLE node_id_blocks (id INT PRIMARY KEY, next_block BIGINT NOT NULL)");
                s.execute("INSERT INTO node_id_blocks VALUES (1, 0)");
                s.execute("INSERT INTO schema_version VALUES (1)");
                lease.connection.commit();
                LOG.info("node directory schema created (version 1)");
            }
            if (version < 2) {
                // The event ids' sequence stored itself (an MVStore chunk) every 32 ids, its default cache: under
                // 5,000 joins/s that was half of the event writer's CPU. Ids stay increasing after a crash (H2
                // skips the unused rest of a cached range), they may only jump.
                s.execute("ALTER TABLE events ALTER COLUMN id SET CACHE 10000");
                s.execute("INSERT INTO schema_version VALUES (2)");
                lease.connection.commit();
                LOG.info("node directory schema migrated to version 2 (event id cache)");
            }
        }
    }

    // ------------------------------------------------------------------------------------------ accounts

    public Optional<Account> findAccount(String user) {
        try (Lease lease = lease(); PreparedStatement ps = lease.connection.prepareStatement(
                "SELECT user_name, password_hash, role, created_at FROM accounts WHERE user_name = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(account(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DirectoryException("cannot look up account " + user, e);
        }
    }

    /** Stores a new account; false when the user name is taken. Committed before it returns. */
    public boolean createAccount(Account account) {
        try (Lease lease = lease(); PreparedStatement ps = lease.connection.prepareStatement(
                "INSERT INTO accounts (user_name, password_hash, role, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, account.user());
            ps.setString(2, account.passwordHash());
            ps.setString(3, account.role());
            ps.setTimestamp(4, Timestamp.from(account.createdAt()));
            ps.executeUpdate();
            lease.connection.commit();
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == org.h2.api.ErrorCode.DUPLICATE_KEY_1) {
                return false;
            }
            throw new DirectoryException("cannot create account " + account.user(), e);
        }
    }

    public boolean removeAccount(String user) {
        try (Lease lease = lease(); PreparedStatement ps = lease.connection.prepareStatement(
                "DELETE FROM accounts WHERE user_name = ?")) {
            ps.setString(1, user);
            int removed = ps.executeUpdate();
            lease.connection.commit();
            return removed > 0;
        } catch (SQLException e) {
            throw new DirectoryException("cannot remove account " + user, e);
        }
    }

    public List<Account> listAccounts() {
        try (Lease lease = lease(); Statement s = lease.connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT user_name, password_hash, role, created_at FROM accounts ORDER BY user_name")) {
            List<Account> accounts = new ArrayList<>();
            while (rs.next()) {
                accounts.add(account(rs));
            }
            return accounts;
        } catch (SQLException e) {
            throw new DirectoryException("cannot list accounts", e);
        }
    }

    private static Account account(ResultSet rs) throws SQLException {
        return new Account(rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getObject(4, java.time.OffsetDateTime.class).toInstant());
    }

    // ------------------------------------------------------------------------------------------ signing key

    /** The stored key pair as {PKCS#8 private, X.509 public}, if any. */
    public Optional<byte[][]> loadSigningKey() {
        try (Lease lease = lease(); Statement s = lease.connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT private_pkcs8, public_x509 FROM signing_keys WHERE id = 1")) {
            return rs.next() ? Optional.of(new byte[][] {rs.getBytes(1), rs.getBytes(2)}) : Optional.empty();
        } catch (SQLException e) {
            throw new DirectoryException("cannot load the ticket signing key", e);
        }
    }

    public void storeSigningKey(String algorithm, byte[] privatePkcs8, byte[] publicX509) {
        try (Lease lease = lease(); PreparedStatement ps = lease.connection.prepareStatement(
                "INSERT INTO signing_keys (id, algorithm, private_pkcs8, public_x509, created_at) VALUES (1, ?, ?, ?, ?)")) {
            ps.setString(1, algorithm);
            ps.setBytes(2, privatePkcs8);
            ps.setBytes(3, publicX509);
            ps.setTimestamp(4, Timestamp.from(Instant.now()));
            ps.executeUpdate();
            lease.connection.commit();
        } catch (SQLException e) {
            throw new DirectoryException("cannot store the ticket signing key", e);
        }
    }

    // ------------------------------------------------------------------------------------------ node ids

    /**
     * Reserves {@code size} node numbers and returns the first. Reserved numbers are never handed out again,
     * even after a crash, so node ids stay unique for the life of the directory.
     */
    public long reserveNodeIds(long size) {
        try (Lease lease = lease()) {
            Connection c = lease.connection;
            long first;
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT next_block FROM node_id_blocks WHERE id = 1 FOR UPDATE");
                    ResultSet rs = select.executeQuery()) {
                rs.next();
                first = rs.getLong(1);
            }
            try (PreparedStatement update = c.prepareStatement("UPDATE node_id_blocks SET next_block = ? WHERE id = 1")) {
                update.setLong(1, first + size);
                update.executeUpdate();
            }
            c.commit();
            return first;
        } catch (SQLException e) {
            throw new DirectoryException("cannot reserve node ids", e);
        }
    }

    // ------------------------------------------------------------------------------------------ events

    /** Appends events in one transaction, committed before it returns. */
    public void appendEvents(List<DirectoryEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try (Lease lease = lease(); PreparedStatement ps = lease.connection.prepareStatement(
                "INSERT INTO events (at_ms, kind, channel, node_id, parent_id, hop_count, duration_us, detail) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (DirectoryEvent e : events) {
                ps.setLong(1, e.atMillis());
                ps.setString(2, e.kind());
                ps.setString(3, e.channel());
                ps.setString(4, e.nodeId());
                ps.setString(5, e.parentId());
                ps.setInt(6, e.hopCount());
                ps.setLong(7, e.durationMicros());
                ps.setString(8, e.detail());
                ps.addBatch();
            }
            ps.executeBatch();
            lease.connection.commit();
        } catch (SQLException e) {
            throw new DirectoryException("cannot append " + events.size() + " events", e);
        }
    }

    /** Events with an id above {@code sinceId}, oldest first, at most {@code limit}. */
    public List<DirectoryEvent> eventsSince(long sinceId, int limit) {
        return queryEvents("SELECT id, at_ms, kind, channel, node_id, parent_id, hop_count, duration_us, detail "
                + "FROM events WHERE id > ? ORDER BY id LIMIT ?", sinceId, limit, null);
    }

    /** The latest events of one node, newest first. */
    public List<DirectoryEvent> eventsOfNode(String nodeId, int limit) {
        return queryEvents("SELECT id, at_ms, kind, channel, node_id, parent_id, hop_count, duration_us, detail "
                + "FROM events WHERE node_id = ? ORDER BY id DESC LIMIT ?", 0, limit, nodeId);
    }

    private List<DirectoryEvent> queryEvents(String sql, long since, int limit, String nodeId) {
        try (Lease lease = lease(); PreparedStatement ps = lease.connection.prepareStatement(sql)) {
            if (nodeId != null) {
                ps.setString(1, nodeId);
            } else {
                ps.setLong(1, since);
            }
            ps.setInt(2, limit);
            List<DirectoryEvent> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new DirectoryEvent(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getInt(7), rs.getLong(8), rs.getString(9)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new DirectoryException("cannot read events", e);
        }
    }

    public long eventCount() {
        try (Lease lease = lease(); Statement s = lease.connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM events")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new DirectoryException("cannot count events", e);
        }
    }

    // ------------------------------------------------------------------------------------------ pool

    private Lease lease() throws SQLException {
        Connection connection;
        try {
            connection = pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a database connection", e);
        }
        connection.setAutoCommit(false);
        return new Lease(connection);
    }

    /** A borrowed connection; rolls back anything uncommitted and returns it to the pool. */
    private final class Lease implements AutoCloseable {
        final Connection connection;

        Lease(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void close() {
            try {
                connection.rollback();
            } catch (SQLException e) {
                LOG.warn("rollback failed on {}", url, e);
            }
            pool.add(connection);
        }
    }

    @Override
    public void close() {
        for (Connection connection : all) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warn("closing a connection to {} failed", url, e);
            }
        }
        all.clear();
        pool.clear();
    }
}
