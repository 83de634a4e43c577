package org.pillars.xapi;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The records xAPI statements are made from, read (never written: lesson reads and attempts are learning's, the
 * outbox rows their triggers' and the outbox's): a lesson read, and a graded attempt.
 */
public final class XapiRepository {

  /** A lesson marked read, first at {@code readAt}. */
  public record LessonRead(long accountId, String moduleId, String lessonId, OffsetDateTime readAt) { }

  /**
   * A graded attempt that counts (not held, V8): {@code at} when it was answered (a phone's word, never later than when it arrived), {@code lang}
   * the language it was answered in (null before V12), {@code result} as graded (Grading's JSON).
   */
  public record Graded(UUID id, long accountId, String moduleId, int moduleVersion, OffsetDateTime at, String lang,
                       JsonObject result) { }

  /** A module completed (every lesson read and the quiz passed: its certificate earned), with the score it was earned with. */
  public record Completed(long accountId, String moduleId, int score, OffsetDateTime completedAt) { }

  private static final String COMPLETED = """
      SELECT account_id, module_id, certificate_score, completed_at FROM module_progress
      WHERE account_id = $1 AND module_id = $2 AND completed_at IS NOT NULL AND certificate_score IS NOT NULL""";
  private static final String COHORT_COMPLETED = """
      SELECT p.account_id, p.module_id, p.certificate_score, p.completed_at
      FROM module_progress p JOIN cohort_members m ON m.account_id = p.account_id WHERE m.cohort_id = $1
        AND p.completed_at IS NOT NULL AND p.certificate_score IS NOT NULL
      ORDER BY p.completed_at, p.account_id, p.module_id""";
  private static final String READ = """
      SELECT account_id, module_id, lesson_id, first_read_at FROM lesson_reads WHERE account_id = $1 AND module_id = $2 AND lesson_id = $3""";
  private static final String GRADED = """
      SELECT id, account_id, module_id, module_version, coalesce(answered_at, submitted_at) AS at, lang, result
      FROM attempts WHERE id = $1 AND submitted_at IS NOT NULL AND NOT held""";
  private static final String COHORT_READS = """
      SELECT r.account_id, r.module_id, r.lesson_id, r.first_read_at
      FROM lesson_reads r JOIN cohort_members m ON m.account_id = r.account_id WHERE m.cohort_id = $1
      ORDER BY r.first_read_at, r.account_id, r.module_id, r.lesson_id""";
  private static final String COHORT_GRADED = """
      SELECT a.id, a.account_id, a.module_id, a.module_version, coalesce(a.answered_at, a.submitted_at) AS at, a.lang, a.result
      FROM attempts a JOIN cohort_members m ON m.account_id = a.account_id WHERE m.cohort_id = $1 AND a.submitted_at IS NOT NULL
        AND NOT a.held
      ORDER BY at, a.id""";

  private final Pool pool;

  public XapiRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Optional<LessonRead>> lessonRead(long accountId, String moduleId, String lessonId) {
    return pool.preparedQuery(READ).execute(Tuple.of(accountId, moduleId, lessonId)).map(rows -> first(reads(rows)));
  }

  public Future<Optional<Graded>> graded(UUID attemptId) {
    return pool.preparedQuery(GRADED).execute(Tuple.of(attemptId)).map(rows -> first(graded(rows)));
  }

  /** The lesson reads of the cohort's members, oldest first. */
  public Future<List<LessonRead>> cohortReads(long cohortId) {
    return pool.preparedQuery(COHORT_READS).execute(Tuple.of(cohortId)).map(XapiRepository::reads);
  }

  /** The graded attempts of the cohort's members that count (none held), oldest first. */
  public Future<List<Graded>> cohortGraded(long cohortId) {
    return pool.preparedQuery(COHORT_GRADED).execute(Tuple.of(cohortId)).map(XapiRepository::graded);
  }

  public Future<Optional<Completed>> completed(long accountId, String moduleId) {
    return pool.preparedQuery(COMPLETED).execute(Tuple.of(accountId, moduleId)).map(rows -> first(completions(rows)));
  }

  /** The modules the cohort's members completed, oldest first. */
  public Future<List<Completed>> cohortCompleted(long cohortId) {
    return pool.preparedQuery(COHORT_COMPLETED).execute(Tuple.of(cohortId)).map(XapiRepository::completions);
  }

  private static List<Completed> completions(RowSet<Row> rows) {
    List<Completed> done = new ArrayList<>();
    rows.forEach(r -> done.add(new Completed(r.getLong(0), r.getString(1), r.getInteger(2), r.getOffsetDateTime(3))));
    return done;
  }

  private static List<LessonRead> reads(RowSet<Row> rows) {
    List<LessonRead> reads = new ArrayList<>();
    rows.forEach(r -> reads.add(new LessonRead(r.getLong(0), r.getString(1), r.getString(2), r.getOffsetDateTime(3))));
    return reads;
  }

  private static List<Graded> graded(RowSet<Row> rows) {
    List<Graded> graded = new ArrayList<>();
    rows.forEach(r -> graded.add(new Graded(r.getUUID(0), r.getLong(1), r.getString(2), r.getInteger(3), r.getOffsetDateTime(4),
        r.getString(5), (JsonObject) r.getValue(6))));
    return graded;
  }

  private static <T> Optional<T> first(List<T> list) {
    return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
  }
}
