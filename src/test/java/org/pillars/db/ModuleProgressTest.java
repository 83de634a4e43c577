package org.pillars.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/** module_progress (V4) is kept by triggers; whatever the writes, it must say what the base tables say. */
@ExtendWith(TestPostgres.class)
class ModuleProgressTest {

  /** The same summary, recomputed from lesson_reads, attempts and certificates. */
  private static final String RECOMPUTED = """
      SELECT k.account_id, k.module_id, coalesce(r.n, 0), coalesce(t.n, 0), t.best, c.score, c.issued_at
      FROM (SELECT account_id, module_id FROM lesson_reads UNION SELECT account_id, module_id FROM attempts WHERE submitted_at IS NOT NULL
            UNION SELECT account_id, module_id FROM certificates) k
      LEFT JOIN (SELECT account_id, module_id, count(*) AS n FROM lesson_reads GROUP BY 1, 2) r USING (account_id, module_id)
      LEFT JOIN (SELECT account_id, module_id, count(*) AS n, max(score) AS best FROM attempts WHERE submitted_at IS NOT NULL
                 GROUP BY 1, 2) t USING (account_id, module_id)
      LEFT JOIN (SELECT * FROM certificates WHERE revoked_at IS NULL) c USING (account_id, module_id)
      WHERE k.account_id = ANY($1) ORDER BY 1, 2""";
  private static final String STORED = """
      SELECT account_id, module_id, lessons_read, attempts, best_score, certificate_score, completed_at FROM module_progress
      WHERE account_id = ANY($1) AND (lessons_read > 0 OR attempts > 0 OR certificate_score IS NOT NULL) ORDER BY 1, 2""";
  private static final String READ = "INSERT INTO lesson_reads (account_id, module_id, lesson_id) VALUES ($1, $2, $3) "
      + "ON CONFLICT (account_id, module_id, lesson_id) DO UPDATE SET last_read_at = now()";
  private static final String OPEN = "INSERT INTO attempts (id, account_id, module_id, module_version) VALUES ($1, $2, $3, 1)";
  private static final String SUBMIT = "UPDATE attempts SET submitted_at = now(), answers = '{}', score = $2, passed = $2 >= 80, "
      + "result = '{}' WHERE id = $1 AND submitted_at IS NULL";

  private static TestApp server;
  private static Pool pool;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    pool = server.app().database().pool();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long learner() {
    return Accounts.id(server, Accounts.create(server, "learner"));
  }

  private static void assertMatchesBaseTables(Long... accounts) {
    Tuple ids = Tuple.of((Object) accounts);
    List<String> expected = rows(pool.preparedQuery(RECOMPUTED).execute(ids).await());
    List<String> stored = rows(pool.preparedQuery(STORED).execute(ids).await());
    assertFalse(expected.isEmpty(), "the scenario wrote nothing");
    assertEquals(expected, stored);
  }

  private static List<String> rows(io.vertx.sqlclient.RowSet<Row> rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.deepToString()));
    return out;
  }

  @Test
  @DisplayName("reads, re-reads, bulk loads, submits, certificates and deletions all leave module_progress equal to the base tables")
  void followsEveryKindOfWrite() {
    long a = learner();
    long b = learner();
    pool.preparedQuery(READ).execute(Tuple.of(a, "alpha", "first")).await();
    pool.preparedQuery(READ).execute(Tuple.of(a, "alpha", "first")).await();  // a re-read updates, it adds nothing
    pool.preparedQuery(READ).executeBatch(List.of(Tuple.of(a, "alpha", "second"), Tuple.of(a, "beta", "only"),
        Tuple.of(b, "alpha", "first"))).await();
    pool.preparedQuery("INSERT INTO lesson_reads (account_id, module_id, lesson_id) SELECT $1, 'gamma', 'l' || g FROM generate_series(1, 50) g")
        .execute(Tuple.of(b)).await();
    UUID open = UUID.randomUUID();
    UUID failed = UUID.randomUUID();
    UUID passed = UUID.randomUUID();
    pool.preparedQuery(OPEN).execute(Tuple.of(failed, a, "alpha")).await();
    assertMatchesBaseTables(a, b);  // an open attempt is not progress yet
    pool.preparedQuery(SUBMIT).execute(Tuple.of(failed, 40)).await();
    pool.preparedQuery(SUBMIT).execute(Tuple.of(failed, 99)).await();  // a second submit of the same attempt changes nothing
    pool.preparedQuery(OPEN).execute(Tuple.of(passed, a, "alpha")).await();
    pool.preparedQuery(SUBMIT).execute(Tuple.of(passed, 90)).await();
    pool.preparedQuery(OPEN).execute(Tuple.of(open, b, "alpha")).await();
    pool.preparedQuery("DELETE FROM attempts WHERE id = $1 AND submitted_at IS NULL").execute(Tuple.of(open)).await();
    pool.preparedQuery("INSERT INTO attempts (id, account_id, module_id, module_version, submitted_at, answers, score, passed, result) "
        + "SELECT gen_random_uuid(), $1, 'gamma', 1, now(), '{}', g * 10, g >= 8, '{}' FROM generate_series(1, 9) g").execute(Tuple.of(b)).await();
    pool.preparedQuery("INSERT INTO certificates (code, account_id, module_id, module_title, module_version, score) "
        + "VALUES ($1, $2, 'alpha', 'Alpha', 1, 90) ON CONFLICT (account_id, module_id) WHERE revoked_at IS NULL DO NOTHING").execute(Tuple.of("C-" + a, a)).await();
    pool.preparedQuery("INSERT INTO certificates (code, account_id, module_id, module_title, module_version, score) "
        + "VALUES ($1, $2, 'alpha', 'Alpha', 1, 95) ON CONFLICT (account_id, module_id) WHERE revoked_at IS NULL DO NOTHING").execute(Tuple.of("D-" + a, a)).await();
    pool.preparedQuery("DELETE FROM lesson_reads WHERE account_id = $1 AND module_id = 'gamma' AND lesson_id IN ('l1', 'l2', 'l3')")
        .execute(Tuple.of(b)).await();
    assertMatchesBaseTables(a, b);
    assertEquals("[alpha,2,2,90,90]", pool.preparedQuery("SELECT module_id, lessons_read, attempts, best_score, certificate_score "
        + "FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'").execute(Tuple.of(a)).await().iterator().next().deepToString());
    // a revocation takes the completion away (V20); a certificate earned again brings it back
    pool.preparedQuery("UPDATE certificates SET revoked_at = now(), revoked_reason = 'test' WHERE code = $1").execute(Tuple.of("C-" + a)).await();
    assertMatchesBaseTables(a, b);
    pool.preparedQuery("INSERT INTO certificates (code, account_id, module_id, module_title, module_version, score) "
        + "VALUES ($1, $2, 'alpha', 'Alpha', 1, 97) ON CONFLICT (account_id, module_id) WHERE revoked_at IS NULL DO NOTHING").execute(Tuple.of("E-" + a, a)).await();
    assertMatchesBaseTables(a, b);
    assertEquals("[alpha,97]", pool.preparedQuery("SELECT module_id, certificate_score FROM module_progress WHERE account_id = $1 "
        + "AND module_id = 'alpha'").execute(Tuple.of(a)).await().iterator().next().deepToString());

    pool.preparedQuery("DELETE FROM accounts WHERE id = $1").execute(Tuple.of(b)).await();
    assertEquals(0L, pool.preparedQuery("SELECT count(*) FROM module_progress WHERE account_id = $1").execute(Tuple.of(b)).await()
        .iterator().next().getLong(0));
  }

  @Test
  @DisplayName("concurrent writers for one learner and module are all counted, and a rolled-back write leaves nothing")
  void concurrentAndRolledBack() {
    long a = learner();
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String lesson = "lesson-" + i;
      UUID attempt = UUID.randomUUID();
      int score = 10 + i;
      // each in its own transaction, at the same time, so the upserts on one module_progress row race
      writes.add(pool.withTransaction(conn -> conn.preparedQuery(READ).execute(Tuple.of(a, "alpha", lesson))
          .compose(v -> conn.preparedQuery("INSERT INTO attempts (id, account_id, module_id, module_version, submitted_at, answers, score, "
              + "passed, result) VALUES ($1, $2, 'alpha', 1, now(), '{}', $3, false, '{}')").execute(Tuple.of(attempt, a, score)))));
    }
    Future.all(writes).await();
    assertMatchesBaseTables(a);
    assertEquals("[12,12,21]", pool.preparedQuery("SELECT lessons_read, attempts, best_score FROM module_progress "
        + "WHERE account_id = $1 AND module_id = 'alpha'").execute(Tuple.of(a)).await().iterator().next().deepToString());

    long b = learner();
    assertThrows(Exception.class, () -> pool.withTransaction(conn -> conn.preparedQuery(READ).execute(Tuple.of(b, "beta", "only"))
        .compose(v -> conn.query("SELECT 1 / 0").execute())).await());
    assertEquals(0L, pool.preparedQuery("SELECT count(*) FROM module_progress WHERE account_id = $1").execute(Tuple.of(b)).await()
        .iterator().next().getLong(0));
  }
}
