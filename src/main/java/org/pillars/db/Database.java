package org.pillars.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.flywaydb.core.Flyway;
import org.pillars.config.AppConfig;
import org.pillars.config.ConfigException;

/** The connection pool, where it points, and the embedded server behind it when there is one. */
public final class Database {

  private static final Logger LOG = Logger.getLogger(Database.class.getName());

  private final Vertx vertx;
  private final Pool pool;
  private final PgConnectOptions options;
  private final Optional<EmbeddedPostgresServer> embedded;
  private final List<Notifications> listening = new CopyOnWriteArrayList<>();

  private Database(Vertx vertx, Pool pool, PgConnectOptions options, Optional<EmbeddedPostgresServer> embedded) {
    this.vertx = vertx;
    this.pool = pool;
    this.options = options;
    this.embedded = embedded;
  }

  /** Connects to the configured database, or starts the embedded one, and checks that it answers. */
  public static Future<Database> open(Vertx vertx, AppConfig config) {
    Future<Optional<EmbeddedPostgresServer>> server = config.embeddedDatabase()
        ? vertx.executeBlocking(() -> Optional.of(EmbeddedPostgresServer.start(config.dataDir().resolve("postgres"))), false)
            .recover(e -> Future.failedFuture(new StartupException(
                "embedded database in " + config.dataDir().resolve("postgres") + " could not start: " + rootMessage(e))))
        : Future.succeededFuture(Optional.empty());
    return server.compose(embedded -> {
      PgConnectOptions options = embedded.map(Database::embeddedOptions).orElseGet(() -> externalOptions(config))
          // each connection keeps its prepared statements: a query is parsed once, not at every execution
          .setCachePreparedStatements(true);
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(16).setConnectionTimeout(10).setConnectionTimeoutUnit(TimeUnit.SECONDS))
          .connectingTo(options)
          .using(vertx)
          .build();
      Database db = new Database(vertx, pool, options, embedded);
      return db.ping()
          .map(db)
          .recover(e -> db.close().transform(ignored -> Future.failedFuture(new StartupException(
              "database " + db.describe() + " is unreachable: " + rootMessage(e)))));
    });
  }

  public Pool pool() {
    return pool;
  }

  public Optional<EmbeddedPostgresServer> embedded() {
    return embedded;
  }

  /** Where the database is, for messages: never includes the password. */
  public String describe() {
    return "postgresql://" + options.getUser() + "@" + options.getHost() + ":" + options.getPort() + "/"
        + options.getDatabase() + (embedded.isPresent() ? " (embedded)" : "");
  }

  /**
   * V20 as released first (stop 32), and as a later release ran it with what is now V21 written into it (stop 33),
   * by Flyway's checksum. A database that ran the later one is recorded as having run the first: V21 then finds
   * what it creates already there and changes nothing. See V21.
   */
  static final int V20_RELEASED = 1673523385;
  static final int V20_AMENDED = -223329477;
  private static final String RECORD_V20_AS_RELEASED = """
      DO $$ BEGIN
        IF to_regclass('flyway_schema_history') IS NOT NULL THEN
          UPDATE flyway_schema_history SET checksum = %d WHERE version = '20' AND checksum = %d;
        END IF;
      END $$""".formatted(V20_RELEASED, V20_AMENDED);

  /** Runs the Flyway migrations under db/migration, off the event loop. */
  public Future<Void> migrate() {
    return pool.query(RECORD_V20_AS_RELEASED).execute().mapEmpty().compose(v -> vertx.<Void>executeBlocking(() -> {
      String url = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase()
          + (options.getSslMode() != null && options.getSslMode() != SslMode.DISABLE
              ? "?sslmode=" + options.getSslMode().name().toLowerCase().replace('_', '-') : "");
      var result = Flyway.configure()
          .dataSource(url, options.getUser(), options.getPassword())
          .locations("classpath:db/migration")
          .load()
          .migrate();
      LOG.info(() -> result.migrationsExecuted == 0 ? "database schema is up to date"
          : "database schema migrated to version " + result.targetSchemaVersion + " (" + result.migrationsExecuted + " migration(s))");
      return null;
    }, false)).recover(e -> Future.failedFuture(new StartupException(
        "database " + describe() + " could not be migrated: " + rootMessage(e))));
  }

  /** Succeeds when the database answers a trivial query. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  /**
   * Listens on a notification channel over a connection of its own, kept until {@link #close()}: see
   * {@link Notifications}.
   */
  public Future<Notifications> listen(String channel, Notifications.Listener listener) {
    return Notifications.listen(vertx, options, channel, listener).onSuccess(listening::add);
  }

  /** Stops listening, closes the pool, then stops the embedded server if we started one. */
  public Future<Void> close() {
    listening.forEach(Notifications::close);
    return pool.close().eventually(() -> embedded
        .map(server -> vertx.<Void>executeBlocking(() -> {
          server.close();
          return null;
        }, false))
        .orElse(Future.succeededFuture()));
  }

  private static PgConnectOptions embeddedOptions(EmbeddedPostgresServer server) {
    return new PgConnectOptions()
        .setHost("localhost")
        .setPort(server.port())
        .setDatabase(server.database())
        .setUser(server.user())
        .setPassword("");
  }

  private static PgConnectOptions externalOptions(AppConfig config) {
    if (config.databaseUrl().isPresent()) {
      try {
        return PgConnectOptions.fromUri(config.databaseUrl().get());
      } catch (RuntimeException e) {
        throw new ConfigException(AppConfig.DATABASE_URL
            + " must look like postgresql://user:password@host:5432/database (" + rootMessage(e) + ")");
      }
    }
    return PgConnectOptions.fromEnv();
  }

  /** The innermost cause's message on one line: what an operator needs, without the wrapping. */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null || message.isBlank() ? t.getClass().getSimpleName() : message.replaceAll("\\s+", " ").trim();
  }
}
