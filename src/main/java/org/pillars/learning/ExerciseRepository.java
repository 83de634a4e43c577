package org.pillars.learning;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pillars.content.Track;

/** All SQL of branching exercises played and of a learner's track. */
public final class ExerciseRepository {

  /** One finished play: the choices taken, the ending reached. {@code added}: false when its key was already kept. */
  public record Run(String exerciseId, String path, String ending, OffsetDateTime finishedAt, boolean added) { }

  /** A learner's plays of one exercise: how many, and the last one. */
  public record Played(int runs, Run last) { }

  private static final String ADD_RUN = """
      INSERT INTO exercise_runs (account_id, run_key, module_id, module_version, exercise_id, shape, path, ending)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (account_id, run_key) DO NOTHING
      RETURNING exercise_id, path, ending, finished_at""";
  private static final String RUN_BY_KEY = """
      SELECT exercise_id, path, ending, finished_at FROM exercise_runs WHERE account_id = $1 AND run_key = $2""";
  private static final String PLAYED = """
      SELECT DISTINCT ON (exercise_id) exercise_id, path, ending, finished_at,
             count(*) OVER (PARTITION BY exercise_id) AS runs
      FROM exercise_runs WHERE account_id = $1 AND module_id = $2
      ORDER BY exercise_id, finished_at DESC, id DESC""";
  /**
   * The endings reached in one exercise by the learners of organisation $3 and the units below it (all learners
   * when $3 is null), in runs of the exercise in the shape $4 (the one it has now).
   */
  private static final String ENDINGS = """
      WITH RECURSIVE scope AS (
        SELECT id FROM organisations WHERE id = $3
        UNION SELECT o.id FROM organisations o JOIN scope s ON o.parent_id = s.id)
      SELECT r.ending, count(*) FROM exercise_runs r JOIN accounts a ON a.id = r.account_id
      WHERE r.module_id = $1 AND r.exercise_id = $2 AND r.shape = $4
        AND ($3::bigint IS NULL OR a.organisation_id IN (SELECT id FROM scope))
      GROUP BY r.ending ORDER BY count(*) DESC, r.ending""";
  private static final String TRACK = "SELECT track FROM learner_tracks WHERE account_id = $1";
  private static final String SET_TRACK = """
      INSERT INTO learner_tracks (account_id, track) VALUES ($1, $2)
      ON CONFLICT (account_id) DO UPDATE SET track = EXCLUDED.track, set_at = now()""";
  private static final String CLEAR_TRACK = "DELETE FROM learner_tracks WHERE account_id = $1";

  private final Pool pool;

  public ExerciseRepository(Pool pool) {
    this.pool = pool;
  }

  /** Keeps a run once per key: a retry of the same Finish gives back the run kept the first time. */
  public Future<Run> addRun(long accountId, UUID key, String moduleId, int version, String exerciseId, String shape, String path,
      String ending) {
    return pool.preparedQuery(ADD_RUN).execute(Tuple.tuple(java.util.List.of(accountId, key, moduleId, version, exerciseId, shape, path, ending)))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(run(rows.iterator().next(), true))
            : pool.preparedQuery(RUN_BY_KEY).execute(Tuple.of(accountId, key)).map(kept -> run(kept.iterator().next(), false)));
  }

  /** The learner's plays of each exercise of the module, by exercise id. */
  public Future<Map<String, Played>> played(long accountId, String moduleId) {
    return pool.preparedQuery(PLAYED).execute(Tuple.of(accountId, moduleId)).map(rows -> {
      Map<String, Played> played = new LinkedHashMap<>();
      rows.forEach(r -> played.put(r.getString("exercise_id"), new Played(r.getLong("runs").intValue(), run(r, true))));
      return played;
    });
  }

  /**
   * How often each ending of an exercise was reached, the most reached first: by the learners of {@code organisation}
   * and below (everyone's when null), in the exercise's {@code shape}.
   */
  public Future<Map<String, Integer>> endings(String moduleId, String exerciseId, Long organisation, String shape) {
    return pool.preparedQuery(ENDINGS).execute(Tuple.of(moduleId, exerciseId, organisation, shape))
        .map(rows -> {
      Map<String, Integer> endings = new LinkedHashMap<>();
      rows.forEach(r -> endings.put(r.getString(0), r.getLong(1).intValue()));
      return endings;
    });
  }

  public Future<Optional<Track>> track(long accountId) {
    return pool.preparedQuery(TRACK).execute(Tuple.of(accountId)).map(rows -> rows.size() == 0 ? Optional.<Track>empty()
        : Optional.ofNullable(rows.iterator().next().getString(0)).flatMap(Track::of));
  }

  public Future<Void> setTrack(long accountId, Optional<Track> track) {
    return (track.isPresent() ? pool.preparedQuery(SET_TRACK).execute(Tuple.of(accountId, track.get().keyword()))
        : pool.preparedQuery(CLEAR_TRACK).execute(Tuple.of(accountId))).mapEmpty();
  }

  private static Run run(Row r, boolean added) {
    return new Run(r.getString("exercise_id"), r.getString("path"), r.getString("ending"), r.getOffsetDateTime("finished_at"), added);
  }
}
