package org.pillars.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;

/**
 * Runs one unit of work in one PostgreSQL transaction that several repositories take part in (a roster import
 * writes accounts, which auth owns, and memberships, which cohorts own). Services pass the {@link Transaction}
 * along without touching SQL; repositories run their statements on it. The future completes after the commit.
 */
public final class Transactions {

  /** An open transaction; only repositories look inside. */
  public static final class Transaction {
    private final SqlConnection connection;

    private Transaction(SqlConnection connection) {
      this.connection = connection;
    }

    public SqlConnection connection() {
      return connection;
    }
  }

  private final Pool pool;

  public Transactions(Pool pool) {
    this.pool = pool;
  }

  public <T> Future<T> run(Function<Transaction, Future<T>> work) {
    return pool.withTransaction(conn -> work.apply(new Transaction(conn)));
  }

  /**
   * {@link #run} on behalf of an account: the audit log's triggers (V19) record {@code actorId} as who made each
   * change of the transaction. Every change a person makes goes through here.
   */
  public <T> Future<T> run(long actorId, Function<Transaction, Future<T>> work) {
    return pool.withTransaction(conn -> actAs(conn, actorId).compose(v -> work.apply(new Transaction(conn))));
  }

  /** Names the acting account for the rest of the transaction open on {@code conn} (for a repository's own transaction). */
  public static Future<Void> actAs(SqlConnection conn, long actorId) {
    return conn.preparedQuery(SET_ACTOR).execute(Tuple.of(Long.toString(actorId))).mapEmpty();
  }

  private static final String SET_ACTOR = "SELECT set_config('pillars.actor', $1, true)";
}
