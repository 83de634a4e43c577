package org.pillars.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Reads the audit log that V19's triggers write; nothing here can change it (nothing anywhere can). */
public final class AuditRepository {

  /**
   * One change. {@code actorId} null: the server itself (courses/ at start-up, seeds). {@code cohortName} and
   * {@code accountName}: the cohort and the account the row names, when they still exist.
   */
  public record Entry(long id, OffsetDateTime at, Long actorId, String actorName, String actorUsername, String subject,
                      String action, JsonObject before, JsonObject after, String cohortName, String accountName) { }

  /** What to show: {@code everything} for an admin, else the rows of {@code organisationId} and below. */
  public record Filter(boolean everything, long organisationId, String subject, String actor, LocalDate from, LocalDate to,
                       Long before, int limit) { }

  private static final String ENTRIES = """
      SELECT l.id, l.at, l.actor_id, a.display_name, a.username, l.subject, l.action, l.before, l.after,
             c.name AS cohort_name, t.display_name AS account_name
      FROM audit_log l
      LEFT JOIN accounts a ON a.id = l.actor_id
      LEFT JOIN cohorts c ON c.id = (coalesce(l.after, l.before)->>CASE l.subject WHEN 'cohorts' THEN 'id' ELSE 'cohort_id' END)::bigint
      LEFT JOIN accounts t ON t.id = (coalesce(l.after, l.before)->>CASE l.subject WHEN 'accounts' THEN 'id' ELSE 'account_id' END)::bigint
      WHERE ($1 OR l.organisations @> ARRAY[$2::bigint])
        AND ($3::text IS NULL OR l.subject = $3)
        AND ($4::text IS NULL OR a.username = $4)
        AND ($5::date IS NULL OR l.at >= $5::date)
        AND ($6::date IS NULL OR l.at < $6::date + 1)
        AND ($7::bigint IS NULL OR l.id < $7)
      ORDER BY l.id DESC LIMIT $8""";

  private final Pool pool;

  public AuditRepository(Pool pool) {
    this.pool = pool;
  }

  /** The newest first, at most {@code limit}, older than {@code before} when paging. */
  public Future<List<Entry>> entries(Filter f) {
    return pool.preparedQuery(ENTRIES).execute(Tuple.from(new Object[] {f.everything(), f.organisationId(), f.subject(), f.actor(),
        f.from(), f.to(), f.before(), f.limit()})).map(rows -> {
          List<Entry> list = new ArrayList<>();
          for (Row r : rows) {
            list.add(new Entry(r.getLong(0), r.getOffsetDateTime(1), r.getLong(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), (JsonObject) r.getValue(7), (JsonObject) r.getValue(8), r.getString(9), r.getString(10)));
          }
          return list;
        });
  }
}
