package org.pillars.db;

import io.vertx.pgclient.PgException;

/** The PostgreSQL error codes that mean something to the domain, by name (PostgreSQL manual, appendix A). */
public enum Sqlstate {
  UNIQUE_VIOLATION("23505"),
  FOREIGN_KEY_VIOLATION("23503");

  private final String code;

  Sqlstate(String code) {
    this.code = code;
  }

  /** Whether {@code failure} is a PostgreSQL error with this code. */
  public boolean of(Throwable failure) {
    return failure instanceof PgException pg && code.equals(pg.getSqlState());
  }
}
