package org.pillars.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
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
}
