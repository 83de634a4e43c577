package org.pillars.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.pillars.config.AppConfig;
import org.pillars.db.EmbeddedPostgresServer;

/**
 * A PostgreSQL of a test's own, unlike the shared one of {@link TestPostgres}: stopped and started again at the same
 * address and with the same data, for what a server does while its database is away.
 */
public final class StoppablePostgres implements AutoCloseable {

  private final Path data;
  private final int port;
  private EmbeddedPostgresServer postgres;

  private StoppablePostgres(Path data, EmbeddedPostgresServer postgres) {
    this.data = data;
    this.postgres = postgres;
    this.port = postgres.port();
  }

  public static StoppablePostgres start() throws IOException {
    Path data = Files.createTempDirectory("pillars-stoppable");
    return new StoppablePostgres(data, EmbeddedPostgresServer.start(data.resolve("postgres"), 0));
  }

  /** A server on this database; {@code env} overrides any other key. */
  public TestApp serve(Map<String, String> env) {
    Map<String, String> all = new java.util.HashMap<>(Map.of(
        AppConfig.DATABASE_URL, "postgresql://postgres@localhost:" + port + "/" + postgres.database(),
        AppConfig.JWT_KEY_FILE, TestApp.keyFile().toString()));
    all.putAll(env);
    return TestApp.start(all);
  }

  /** The outage: every connection to it breaks. */
  public void stop() throws IOException {
    postgres.close();
  }

  /** Back, at the same address with the same data. */
  public void restart() throws IOException {
    postgres = EmbeddedPostgresServer.start(data.resolve("postgres"), port);
  }

  @Override
  public void close() throws IOException {
    postgres.close();
    Trees.delete(data);
  }
}
