package org.pillars.support;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A database session of the test's own beside a test server, to make a fault strike at one exact statement
 * rather than at a moment hoped for: it holds locks, sets triggers, waits until the server's backends are
 * blocked behind them and ends those backends. Closing it releases whatever it still holds.
 */
public final class Saboteur implements AutoCloseable {

  private static final String BLOCKED = """
      SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND cardinality(pg_blocking_pids(pid)) > 0 ORDER BY query_start""";

  private final Connection connection;

  private Saboteur(Connection connection) {
    this.connection = connection;
  }

  /** A session on the database the server uses. */
  public static Saboteur on(TestApp server) {
    String database = server.app().database().pool().query("SELECT current_database()").execute().await()
        .iterator().next().getString(0);
    try {
      return new Saboteur(DriverManager.getConnection(TestPostgres.jdbcUrl(database)));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs one statement with {@code ?} parameters; in autocommit unless {@link #begin()} opened a transaction. */
  public void execute(String sql, Object... parameters) {
    try (PreparedStatement s = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      s.execute();
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Opens a transaction, so that the row locks taken next are held until {@link #rollback()}. */
  public void begin() {
    try {
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void rollback() {
    try {
      connection.rollback();
      connection.setAutoCommit(true);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The other backends of this database waiting for a lock, by pid, each with the statement it waits in. */
  public Map<Integer, String> blocked() {
    execute("SELECT pg_stat_clear_snapshot()");  // inside a transaction pg_stat_activity would stay as first read
    Map<Integer, String> blocked = new LinkedHashMap<>();
    try (PreparedStatement s = connection.prepareStatement(BLOCKED); ResultSet rows = s.executeQuery()) {
      while (rows.next()) {
        blocked.put(rows.getInt(1), rows.getString(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return blocked;
  }

  /** Waits (30 s at most) until {@code count} backends wait for a lock; returns them as {@link #blocked()} does. */
  public Map<Integer, String> awaitBlocked(int count) {
    return await("backends blocked on a lock: " + count).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
        .until(this::blocked, found -> found.size() >= count);
  }

  /**
   * The backends of this database whose connection carries {@code applicationName} and, unless null, that sit idle
   * after answering {@code lastQuery}.
   */
  public List<Integer> backends(String applicationName, String lastQuery) {
    execute("SELECT pg_stat_clear_snapshot()");
    List<Integer> pids = new ArrayList<>();
    try (PreparedStatement s = connection.prepareStatement(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?"
            + " AND (?::text IS NULL OR (state = 'idle' AND query = ?))")) {
      s.setString(1, applicationName);
      s.setString(2, lastQuery);
      s.setString(3, lastQuery);
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          pids.add(rows.getInt(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return pids;
  }

  /** Ends a backend as an administrator would (SQLSTATE 57P01) and waits until it is gone. */
  public void terminate(int pid) {
    execute("SELECT pg_terminate_backend(?, 10000)", pid);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
