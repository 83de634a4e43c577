package org.pillars.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real PostgreSQL for the whole test run, started by the first test class that asks for it and
 * stopped when the run ends. Each caller of {@link #newDatabase()} gets a fresh empty database in it.
 */
public final class TestPostgres implements BeforeAllCallback {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static volatile Server server;

  // JUnit 5.13+ closes AutoCloseable values of the root store when the run ends (CloseableResource is deprecated)
  private record Server(EmbeddedPostgres postgres) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      postgres.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    synchronized (TestPostgres.class) {
      if (server == null) {
        org.pillars.Logging.configure();
        Path dir = Files.createTempDirectory("pillars-test-pg");
        server = new Server(EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start());
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(TestPostgres.class.getName(), server);
      }
    }
  }

  /** A new empty database; returns its postgresql:// URL. */
  public static String newDatabase() {
    String name = "pillars_test_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(server.postgres().getJdbcUrl("postgres", "postgres"));
         Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return url(name);
  }

  public static String url(String database) {
    return "postgresql://postgres@localhost:" + server.postgres().getPort() + "/" + database;
  }

  public static String jdbcUrl(String database) {
    return server.postgres().getJdbcUrl("postgres", database);
  }
}
