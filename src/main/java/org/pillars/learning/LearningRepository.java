package org.pillars.learning;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.pillars.content.ModuleCodec;
import org.pillars.content.Quiz;

/** All SQL of lessons read, quiz attempts and certificates. */
public final class LearningRepository {

  /** One learner's standing in one module. */
  /**
   * One learner's standing in one module; {@code held} counts attempts sent late, after the attempts were used up,
   * which do not count (in {@code attempts}, the best score or a pass) until a coordinator decides; {@code setAside}
   * those a coordinator decided not to count.
   */
  /** {@code extra}: the attempts granted beyond the quiz's limit (kept in module_progress by V18's trigger). */
  /** {@code certificateRevokedAt}: when the module's newest certificate was revoked, if it was (then no code). */
  public record Progress(String moduleId, Set<String> lessonsRead, int attempts, Integer bestScore, boolean passed,
                         String certificateCode, OffsetDateTime lastActivity, int held, int setAside, int extra,
                         OffsetDateTime certificateRevokedAt) {

    public static Progress none(String moduleId) {
      return new Progress(moduleId, Set.of(), 0, null, false, null, null, 0, 0, 0, null);
    }
  }

  /**
   * An attempt sent from a device's outbox as stored: {@code added} is false when its key was already there (a
   * retry, or a key reused), and then the other fields are the stored attempt's.
   */
  public record SentAttempt(UUID id, long accountId, String moduleId, int moduleVersion, JsonObject answers,
                            Grading.Result result, boolean held, boolean added) { }

  /**
   * An attempt; {@code kept} holds the answers stored while it is open (a submit that stopped to ask about blank
   * questions), by question id, and is empty once it is submitted or when nothing was kept; {@code drawn} what it
   * asks, null for every question in the order written.
   */
  public record Attempt(UUID id, long accountId, String moduleId, int moduleVersion, OffsetDateTime startedAt,
                        OffsetDateTime submittedAt, Grading.Result result, Map<String, List<Integer>> kept, Quiz.Drawn drawn) {

    public boolean submitted() {
      return submittedAt != null;
    }
  }

  /** What must hold for a certificate: these lessons read and a passed attempt. */
  public record Completion(String moduleId, String moduleTitle, int moduleVersion, List<String> lessonIds) { }

  /** A round of a quiz set answered already, by another attempt sent before. */
  public static final class RoundAnswered extends RuntimeException {
    public RoundAnswered() {
      super("round answered already", null, false, false);
    }
  }

  private static final String ISSUE_ROUND = """
      INSERT INTO quiz_rounds (account_id, module_id, version, round) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING""";
  private static final String ROUND_ISSUED =
      "SELECT 1 FROM quiz_rounds WHERE account_id = $1 AND module_id = $2 AND version = $3 AND round = $4";
  private static final String ANSWER_ROUND = """
      UPDATE quiz_rounds SET answered_by = $5
      WHERE account_id = $1 AND module_id = $2 AND version = $3 AND round = $4 AND answered_by IS NULL""";

  /** Records that the learner was given this round of a quiz set to keep. */
  public Future<Void> issueRound(long accountId, String moduleId, int version, int round) {
    return pool.preparedQuery(ISSUE_ROUND).execute(Tuple.of(accountId, moduleId, version, round)).mapEmpty();
  }

  /** Whether the learner was ever given this round of a quiz set. */
  public Future<Boolean> roundIssued(long accountId, String moduleId, int version, int round) {
    return pool.preparedQuery(ROUND_ISSUED).execute(Tuple.of(accountId, moduleId, version, round)).map(rows -> rows.size() > 0);
  }

  public static final class AttemptLimitReached extends RuntimeException {
    public AttemptLimitReached() {
      super("attempt limit reached", null, false, false);
    }
  }

  /**
   * Per question: attempts that answered it, how many were right, and the share right among the top and the bottom
   * 27 % of attempts by score (cume_dist over the score; tied scores fall in the same group), for the discrimination
   * index. {@code $3} the language answered in, or null for all.
   */
  private static final String ITEM_VERDICTS = """
      WITH ranked AS (
        SELECT a.result, cume_dist() OVER (ORDER BY a.score) AS r FROM attempts a
        WHERE a.module_id = $1 AND a.module_version = $2 AND a.submitted_at IS NOT NULL AND ($3::text IS NULL OR a.lang = $3))
      SELECT q->>'question', count(*), count(*) FILTER (WHERE (q->>'correct')::boolean),
             avg(((q->>'correct')::boolean)::int) FILTER (WHERE r > 0.73), avg(((q->>'correct')::boolean)::int) FILTER (WHERE r <= 0.27),
             (SELECT count(*) FROM ranked)
      FROM ranked CROSS JOIN LATERAL jsonb_array_elements(ranked.result->'questions') q
      GROUP BY 1""";
  private static final String ITEM_CHOICES = """
      SELECT q->>'question', c::int, count(*)
      FROM attempts a CROSS JOIN LATERAL jsonb_array_elements(a.result->'questions') q
      CROSS JOIN LATERAL jsonb_array_elements_text(q->'chosen') c
      WHERE a.module_id = $1 AND a.module_version = $2 AND a.submitted_at IS NOT NULL AND ($3::text IS NULL OR a.lang = $3)
      GROUP BY 1, 2""";
  /** Lateness by the one rule (progress_overdue, V5), against the earliest due date of the learner's cohorts. */
  private static final String ASSIGNED = """
      SELECT x.module_id, min(x.due_on), progress_overdue(max(p.certificate_score), min(x.due_on), $2)
      FROM assignments x JOIN cohort_members m ON m.cohort_id = x.cohort_id
      LEFT JOIN module_progress p ON p.account_id = m.account_id AND p.module_id = x.module_id
      WHERE m.account_id = $1 GROUP BY x.module_id""";
  private static final String MARK_READ = """
      INSERT INTO lesson_reads (account_id, module_id, lesson_id) VALUES ($1, $2, $3)
      ON CONFLICT (account_id, module_id, lesson_id) DO UPDATE SET last_read_at = now() RETURNING xmax = 0 AS added""";
  private static final String READS = "SELECT module_id, lesson_id, last_read_at FROM lesson_reads WHERE account_id = $1";
  private static final String READS_IN = "SELECT lesson_id FROM lesson_reads WHERE account_id = $1 AND module_id = $2";
  private static final String ATTEMPT_SUMMARY = """
      SELECT module_id, count(*) FILTER (WHERE submitted_at IS NOT NULL AND NOT held) AS attempts,
             max(score) FILTER (WHERE NOT held) AS best,
             -- passed: since the module's certificate was last revoked (V20), if it was: an older pass proves nothing now
             coalesce(bool_or(passed) FILTER (WHERE NOT held AND submitted_at > passes_count_after($1, attempts.module_id)), false)
               AS passed,
             max(coalesce(submitted_at, started_at)) AS last, count(*) FILTER (WHERE held AND decision IS NULL) AS held,
             count(*) FILTER (WHERE decision = 'set-aside') AS set_aside,
             coalesce((SELECT p.extra_attempts FROM module_progress p WHERE p.account_id = $1 AND p.module_id = attempts.module_id), 0)
               AS extra
      FROM attempts WHERE account_id = $1 GROUP BY module_id""";
  // a revoked certificate completes nothing (V20): the learner's pages follow the reports
  private static final String CERTIFICATE_CODES = """
      SELECT m.module_id, c.code, c.revoked_at FROM (SELECT DISTINCT module_id FROM certificates WHERE account_id = $1) m,
        LATERAL newest_certificate($1, m.module_id) c""";
  /**
   * Opens an attempt in one statement unless one is open or the limit is used up ($4, 0 for none), and says which.
   * Submitted attempts are counted from module_progress (kept by the V4 triggers), not by counting rows: the count
   * of a learner who retried a thousand times costs what the first did.
   */
  private static final String START_ATTEMPT = """
      WITH open AS (SELECT id, module_version FROM attempts WHERE account_id = $1 AND module_id = $2 AND submitted_at IS NULL),
           used AS (SELECT coalesce((SELECT attempts FROM module_progress WHERE account_id = $1 AND module_id = $2), 0) AS n),
           added AS (INSERT INTO attempts (id, account_id, module_id, module_version, drawn)
                     SELECT $5, $1, $2, $3, $6 WHERE NOT EXISTS (SELECT 1 FROM open)
                       AND ($4 = 0 OR (SELECT n FROM used) < attempt_limit($1, $2, $4))
                     RETURNING id)
      SELECT (SELECT id FROM added) AS added_id, (SELECT id FROM open) AS open_id,
             (SELECT module_version FROM open) AS open_version""";
  private static final String DELETE_OPEN_ATTEMPT = "DELETE FROM attempts WHERE id = $1 AND submitted_at IS NULL";
  private static final String ATTEMPT = """
      SELECT id, account_id, module_id, module_version, started_at, submitted_at, result, answers, drawn FROM attempts WHERE id = $1""";
  private static final String KEEP_ANSWERS =
      "UPDATE attempts SET answers = $3 WHERE id = $1 AND account_id = $2 AND submitted_at IS NULL";
  private static final String SUBMIT = """
      UPDATE attempts SET submitted_at = now(), answers = $3, score = $4, passed = $5, result = $6, lang = $7
      WHERE id = $1 AND account_id = $2 AND submitted_at IS NULL""";
  private static final String READ_COUNT =
      "SELECT count(*) FROM lesson_reads WHERE account_id = $1 AND module_id = $2 AND lesson_id = ANY($3)";
  /** The best passed attempt since the module's certificate was last revoked, if it ever was: the one a new certificate rests on. */
  private static final String BEST_PASSED = """
      SELECT max(score) FROM attempts WHERE account_id = $1 AND module_id = $2 AND passed AND NOT held
        AND submitted_at > passes_count_after($1, $2)""";
  /** Serialises one learner's sent attempts, so two devices syncing at once cannot both take the last attempt. */
  private static final String DECIDE_HELD = """
      UPDATE attempts SET held = NOT $3, decision = CASE WHEN $3 THEN 'counted' ELSE 'set-aside' END,
             decided_by = $4, decided_at = now()
      WHERE id = $1 AND account_id = $2 AND held AND decision IS NULL RETURNING module_id, passed, decided_at""";
  private static final String ATTEMPT_OF = "SELECT 1 FROM attempts WHERE id = $1 AND account_id = $2";
  private static final String LOCK_LEARNER = "SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE";
  private static final String BY_CLIENT_KEY = """
      SELECT id, account_id, module_id, module_version, answers, result, held FROM attempts WHERE client_key = $1""";
  /** The attempts used, and how many there are (the quiz's $3, with any granted; 0: no limit). */
  private static final String USED_ATTEMPTS =
      "SELECT coalesce((SELECT attempts FROM module_progress WHERE account_id = $1 AND module_id = $2), 0), attempt_limit($1, $2, $3)";
  private static final String INSERT_SENT = """
      INSERT INTO attempts (id, account_id, module_id, module_version, started_at, submitted_at, answers, score, passed, result,
                            client_key, answered_at, held, lang, drawn)
      VALUES ($1, $2, $3, $4, least($8, now()), now(), $5, $6, $7, $9, $10, least($8, now()), $11, $12, $13)""";
  private static final String INSERT_CERTIFICATE = """
      INSERT INTO certificates (code, account_id, module_id, module_title, module_version, score)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, module_id) WHERE revoked_at IS NULL DO NOTHING""";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ".toCharArray();

  private final Pool pool;

  public LearningRepository(Pool pool) {
    this.pool = pool;
  }

  /** Records a lesson as read, and issues the certificate if that completed the module. */
  /** Marks a lesson read (again: its time is updated); true when it was not marked before. */
  public Future<Boolean> markRead(long accountId, String lessonId, Completion completion) {
    return pool.withTransaction(conn -> conn.preparedQuery(MARK_READ).execute(Tuple.of(accountId, completion.moduleId(), lessonId))
        .compose(rows -> certifyIfComplete(conn, accountId, completion).map(rows.iterator().next().getBoolean("added"))));
  }

  /**
   * Per question of a module version: attempts that answered it, how many were right, each option's picks, and the
   * discrimination index (share right in the top 27 % by score less the share in the bottom 27 %; null when a group
   * is empty); {@code attempts} in all.
   */
  public record ItemStats(Map<String, long[]> verdicts, Map<String, Map<Integer, Long>> choices, Map<String, Double> discrimination,
                          long attempts) { }

  /** Aggregates over every submitted attempt at this module version (in {@code lang}, or all): no learner named. */
  public Future<ItemStats> itemStats(String moduleId, int version, String lang) {
    Tuple key = Tuple.of(moduleId, version, lang);
    return pool.preparedQuery(ITEM_VERDICTS).execute(key).compose(verdicts -> pool.preparedQuery(ITEM_CHOICES).execute(key).map(choices -> {
      Map<String, long[]> v = new HashMap<>();
      Map<String, Double> d = new HashMap<>();
      long attempts = 0;
      for (Row r : verdicts) {
        v.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
        Number upper = r.getNumeric(3);
        Number lower = r.getNumeric(4);
        d.put(r.getString(0), upper == null || lower == null ? null : upper.doubleValue() - lower.doubleValue());
        attempts = r.getLong(5);
      }
      Map<String, Map<Integer, Long>> c = new HashMap<>();
      choices.forEach(r -> c.computeIfAbsent(r.getString(0), k -> new HashMap<>()).put(r.getInteger(1), r.getLong(2)));
      return new ItemStats(v, c, d, attempts);
    }));
  }

  /** A module one of the learner's cohorts must complete: its earliest due date, and whether it is late on {@code today}. */
  public record Assigned(java.time.LocalDate dueOn, boolean overdue) { }

  public Future<Map<String, Assigned>> assigned(long accountId, java.time.LocalDate today) {
    return pool.preparedQuery(ASSIGNED).execute(Tuple.of(accountId, today)).map(rows -> {
      Map<String, Assigned> due = new HashMap<>();
      rows.forEach(r -> due.put(r.getString(0), new Assigned(r.getLocalDate(1), r.getBoolean(2))));
      return due;
    });
  }

  /** The ids of the lessons of one module the learner has read (by id, whether the module still has them or not). */
  public Future<Set<String>> lessonsRead(long accountId, String moduleId) {
    return pool.preparedQuery(READS_IN).execute(Tuple.of(accountId, moduleId)).map(rows -> {
      Set<String> read = new HashSet<>();
      rows.forEach(r -> read.add(r.getString(0)));
      return Set.copyOf(read);
    });
  }

  public Future<Map<String, Progress>> progress(long accountId) {
    return pool.preparedQuery(READS).execute(Tuple.of(accountId)).compose(reads ->
        pool.preparedQuery(ATTEMPT_SUMMARY).execute(Tuple.of(accountId)).compose(attempts ->
            pool.preparedQuery(CERTIFICATE_CODES).execute(Tuple.of(accountId)).map(codes -> {
              Map<String, Set<String>> read = new HashMap<>();
              Map<String, OffsetDateTime> last = new HashMap<>();
              for (Row r : reads) {
                read.computeIfAbsent(r.getString(0), k -> new HashSet<>()).add(r.getString(1));
                last.merge(r.getString(0), r.getOffsetDateTime(2), (a, b) -> a.isAfter(b) ? a : b);
              }
              Map<String, Row> summary = new HashMap<>();
              attempts.forEach(r -> summary.put(r.getString("module_id"), r));
              Map<String, String> certificates = new HashMap<>();
              Map<String, OffsetDateTime> revoked = new HashMap<>();
              codes.forEach(r -> {
                if (r.getOffsetDateTime(2) == null) {
                  certificates.put(r.getString(0), r.getString(1));
                } else {
                  revoked.put(r.getString(0), r.getOffsetDateTime(2));
                }
              });
              Set<String> modules = new HashSet<>(read.keySet());
              modules.addAll(summary.keySet());
              Map<String, Progress> result = new HashMap<>();
              for (String m : modules) {
                Row s = summary.get(m);
                OffsetDateTime lastActivity = last.get(m);
                if (s != null && (lastActivity == null || s.getOffsetDateTime("last").isAfter(lastActivity))) {
                  lastActivity = s.getOffsetDateTime("last");
                }
                result.put(m, new Progress(m, Set.copyOf(read.getOrDefault(m, Set.of())),
                    s == null ? 0 : s.getLong("attempts").intValue(), s == null ? null : s.getInteger("best"),
                    s != null && s.getBoolean("passed"), certificates.get(m), lastActivity,
                    s == null ? 0 : s.getLong("held").intValue(), s == null ? 0 : s.getLong("set_aside").intValue(),
                    s == null ? 0 : s.getLong("extra").intValue(), revoked.get(m)));
              }
              return result;
            })));
  }

  /**
   * The learner's open attempt at this module version, or a new one if the attempt limit allows it: one round trip
   * in either case. The unique index on open attempts keeps two clicks from opening two: the loser of that race
   * finds the winner's attempt and resumes it. Submitted attempts only grow while an attempt is open, so the
   * limit read here cannot be overtaken. An attempt left open at an older version of the module is dropped first.
   */
  public Future<UUID> startAttempt(long accountId, String moduleId, int moduleVersion, int maxAttempts, Quiz.Drawn drawn) {
    JsonObject asked = drawn == null ? null : ModuleCodec.drawnToJson(drawn);
    return pool.preparedQuery(START_ATTEMPT).execute(Tuple.of(accountId, moduleId, moduleVersion, maxAttempts, UUID.randomUUID(), asked))
        .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? pool.preparedQuery(START_ATTEMPT).execute(Tuple.of(accountId, moduleId, moduleVersion, maxAttempts, UUID.randomUUID(), asked))
            : Future.failedFuture(e))
        .compose(rows -> {
          Row state = rows.iterator().next();
          UUID added = state.getUUID("added_id");
          UUID open = state.getUUID("open_id");
          if (added != null) {
            return Future.succeededFuture(added);
          }
          if (open == null) {
            return Future.failedFuture(new AttemptLimitReached());
          }
          if (state.getInteger("open_version") == moduleVersion) {
            return Future.succeededFuture(open);
          }
          return pool.preparedQuery(DELETE_OPEN_ATTEMPT).execute(Tuple.of(open))
              .compose(v -> startAttempt(accountId, moduleId, moduleVersion, maxAttempts, drawn));
        });
  }

  public Future<Optional<Attempt>> attempt(UUID id) {
    return pool.preparedQuery(ATTEMPT).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      JsonObject result = (JsonObject) r.getValue("result");
      OffsetDateTime submittedAt = r.getOffsetDateTime("submitted_at");
      return Optional.of(new Attempt(r.getUUID("id"), r.getLong("account_id"), r.getString("module_id"),
          r.getInteger("module_version"), r.getOffsetDateTime("started_at"), submittedAt,
          result == null ? null : Grading.Result.fromJson(result),
          submittedAt == null ? kept((JsonObject) r.getValue("answers")) : Map.of(),
          r.getValue("drawn") == null ? null : ModuleCodec.drawnFromJson((JsonObject) r.getValue("drawn"))));
    });
  }

  /** Keeps answers on an open attempt, replacing what was kept; nothing happens once it is submitted. */
  public Future<Void> keep(Attempt attempt, JsonObject answers) {
    return pool.preparedQuery(KEEP_ANSWERS).execute(Tuple.of(attempt.id(), attempt.accountId(), answers)).mapEmpty();
  }

  /** Answers as stored ({"question": [positions]}), skipping anything else a row might hold. */
  static Map<String, List<Integer>> kept(JsonObject stored) {
    if (stored == null) {
      return Map.of();
    }
    Map<String, List<Integer>> kept = new java.util.LinkedHashMap<>();
    for (String q : stored.fieldNames()) {
      if (stored.getValue(q) instanceof io.vertx.core.json.JsonArray chosen) {
        List<Integer> positions = new ArrayList<>();
        chosen.forEach(o -> {
          if (o instanceof Number n) {
            positions.add(n.intValue());
          }
        });
        kept.put(q, List.copyOf(positions));
      }
    }
    return Map.copyOf(kept);
  }

  /**
   * Stores the graded answers once. A repeated submit (double click, retry after a lost response) finds
   * the attempt already submitted and gets the stored result, whatever it sent. The caller answers only
   * after this future, that is after the commit.
   */
  public Future<Grading.Result> submit(Attempt attempt, JsonObject answers, Grading.Result result, Completion completion,
                                       String lang) {
    Tuple values = Tuple.of(attempt.id(), attempt.accountId(), answers, result.score(), result.passed(), result.toJson(), lang);
    // A pass may complete the module, so it is stored with the certificate check in one transaction;
    // a fail cannot, and is one atomic statement.
    Future<Boolean> stored = result.passed()
        ? pool.withTransaction(conn -> conn.preparedQuery(SUBMIT).execute(values).compose(updated -> updated.rowCount() == 1
            ? certifyIfComplete(conn, attempt.accountId(), completion).map(true) : Future.succeededFuture(false)))
        : pool.preparedQuery(SUBMIT).execute(values).map(updated -> updated.rowCount() == 1);
    return stored.compose(first -> first ? Future.succeededFuture(result)
        : pool.preparedQuery(ATTEMPT).execute(Tuple.of(attempt.id()))
            .map(rows -> Grading.Result.fromJson((JsonObject) rows.iterator().next().getValue("result"))));
  }


  /**
   * Stores a graded attempt sent from a device, once per key, in one transaction with its certificate check. The
   * learner's row is locked first, so the key and the attempts used are read after any other sync of theirs has
   * committed: a retry racing its first copy finds it, and two devices cannot both take the last attempt. When the
   * attempts were used up meanwhile ({@code maxAttempts}, 0 for no limit), the attempt is stored held: kept, shown,
   * not counted. {@code answeredAt} is the device's word, never later than now.
   */
  public Future<SentAttempt> storeSent(long accountId, UUID key, String moduleId, int version, JsonObject answers,
                                       Grading.Result result, OffsetDateTime answeredAt, int maxAttempts, Completion completion,
                                       String lang, Quiz.Drawn drawn, Integer round) {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_LEARNER).execute(Tuple.of(accountId))
        .compose(locked -> conn.preparedQuery(BY_CLIENT_KEY).execute(Tuple.of(key)))
        .compose(found -> {
          if (found.size() > 0) {
            Row r = found.iterator().next();
            return Future.succeededFuture(new SentAttempt(r.getUUID("id"), r.getLong("account_id"), r.getString("module_id"),
                r.getInteger("module_version"), (JsonObject) r.getValue("answers"),
                Grading.Result.fromJson((JsonObject) r.getValue("result")), r.getBoolean("held"), false));
          }
          return conn.preparedQuery(USED_ATTEMPTS).execute(Tuple.of(accountId, moduleId, maxAttempts)).compose(used -> {
            int limit = used.iterator().next().getInteger(1);
            boolean held = limit > 0 && used.iterator().next().getInteger(0) >= limit;
            UUID id = UUID.randomUUID();
            Tuple values = Tuple.from(java.util.Arrays.asList(id, accountId, moduleId, version, answers, result.score(), result.passed(),
                answeredAt, result.toJson(), key, held, lang, drawn == null ? null : ModuleCodec.drawnToJson(drawn)));
            // a round of a quiz set is answered once: the attempt takes it, or nothing is stored
            Future<Void> taken = round == null ? Future.succeededFuture()
                : conn.preparedQuery(ANSWER_ROUND).execute(Tuple.of(accountId, moduleId, version, round, id)).compose(rows ->
                    rows.rowCount() == 1 ? Future.<Void>succeededFuture() : Future.failedFuture(new RoundAnswered()));
            return taken.compose(t -> conn.preparedQuery(INSERT_SENT).execute(values))
                .compose(v -> result.passed() && !held ? certifyIfComplete(conn, accountId, completion) : Future.succeededFuture())
                .map(v -> new SentAttempt(id, accountId, moduleId, version, answers, result, held, true));
          });
        }));
  }

  /** What became of a held attempt: {@code counted} or not, when, and whether the learner then earned a certificate. */
  public record Decided(UUID attempt, String moduleId, boolean counted, OffsetDateTime decidedAt) { }

  /**
   * Decides, once, whether a held attempt of {@code accountId} counts. Counted, it stops being held (the triggers add
   * it to the learner's progress) and, if it passed, the certificate check runs in the same transaction; set aside, it
   * stays held for good. Runs on the learner's locked row, as syncs do, so a decision and a sync never interleave.
   * Empty when the learner has no such attempt; {@link AlreadyDecided} when it is not waiting for a decision.
   */
  public Future<Optional<Decided>> decideHeld(long accountId, UUID attemptId, boolean count, long decidedBy,
                                              java.util.function.Function<String, Optional<Completion>> completions) {
    return pool.withTransaction(conn -> org.pillars.db.Transactions.actAs(conn, decidedBy)
        .compose(v -> conn.preparedQuery(LOCK_LEARNER).execute(Tuple.of(accountId)))
        .compose(locked -> conn.preparedQuery(DECIDE_HELD).execute(Tuple.of(attemptId, accountId, count, decidedBy)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return conn.preparedQuery(ATTEMPT_OF).execute(Tuple.of(attemptId, accountId)).map(found -> {
              if (found.size() > 0) {
                throw new AlreadyDecided();
              }
              return Optional.<Decided>empty();
            });
          }
          Row r = rows.iterator().next();
          Decided decided = new Decided(attemptId, r.getString("module_id"), count, r.getOffsetDateTime("decided_at"));
          Optional<Completion> completion = completions.apply(decided.moduleId());
          return count && r.getBoolean("passed") && completion.isPresent()
              ? certifyIfComplete(conn, accountId, completion.get()).map(v -> Optional.of(decided))
              : Future.succeededFuture(Optional.of(decided));
        }));
  }

  public static final class AlreadyDecided extends RuntimeException {
    public AlreadyDecided() {
      super("this attempt is not waiting for a decision", null, false, false);
    }
  }

  /** Issues the certificate when every lesson is read and an attempt passed; nothing otherwise. */
  private Future<Void> certifyIfComplete(SqlConnection conn, long accountId, Completion c) {
    return conn.preparedQuery(READ_COUNT).execute(Tuple.of(accountId, c.moduleId(), c.lessonIds().toArray(String[]::new)))
        .compose(read -> read.iterator().next().getLong(0) < c.lessonIds().size() ? Future.succeededFuture()
            : conn.preparedQuery(BEST_PASSED).execute(Tuple.of(accountId, c.moduleId())).compose(best -> {
              Integer score = best.iterator().next().getInteger(0);
              return score == null ? Future.succeededFuture()
                  : conn.preparedQuery(INSERT_CERTIFICATE).execute(Tuple.of(newCode(), accountId, c.moduleId(),
                      c.moduleTitle(), c.moduleVersion(), score)).mapEmpty();
            }))
        .mapEmpty();
  }

  /** 16 random characters from an alphabet without look-alikes, grouped for reading aloud: 80 bits. */
  static String newCode() {
    StringBuilder code = new StringBuilder(19);
    for (int i = 0; i < 16; i++) {
      if (i > 0 && i % 4 == 0) {
        code.append('-');
      }
      code.append(CODE_ALPHABET[RANDOM.nextInt(CODE_ALPHABET.length)]);
    }
    return code.toString();
  }

  private static final String READERS = """
      SELECT count(DISTINCT account_id) FROM lesson_reads WHERE module_id = $1 AND lesson_id = ANY($2)""";

  /** How many learners have marked any of these lessons of the module read. */
  public Future<Long> readers(String moduleId, List<String> lessonIds) {
    return pool.preparedQuery(READERS).execute(Tuple.of(moduleId, (Object) lessonIds.toArray(new String[0])))
        .map(rows -> rows.iterator().next().getLong(0));
  }
}
