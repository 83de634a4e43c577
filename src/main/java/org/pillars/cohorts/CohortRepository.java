package org.pillars.cohorts;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.pillars.db.MappedStream;
import org.pillars.db.Transactions.Transaction;

/** All SQL of organisations, cohorts, enrolment, assignments and the completion report. */
public final class CohortRepository {

  /** {@code organisationPath}: the cohort's organisation, then each one above it (which modules are for it). */
  public record Cohort(long id, long organisationId, String organisationName, String name, LocalDate startsOn,
                       LocalDate deploysOn, int members, List<Long> organisationPath) { }

  public record Assignment(String moduleId, LocalDate dueOn) { }

  /**
   * A learner of a cohort. {@code activation}: null once they chose a password; {@code never-activated} while their
   * set-up code is still good; {@code code-expired} when no code of theirs can be used any more (issue a new one).
   */
  public record Member(long accountId, String name, String serviceNumber, String rank, String unit, String email,
                       String activation) { }

  /** Where a learner stands with their first password (see {@link Member#activation}). */
  private static final String ACTIVATION = """
      CASE WHEN a.password_hash IS NOT NULL THEN NULL
           WHEN EXISTS (SELECT 1 FROM password_setups s WHERE s.account_id = a.id AND s.used_at IS NULL AND s.expires_at > now())
             THEN 'never-activated'
           ELSE 'code-expired' END AS activation""";

  /** A learner's progress in one assigned module, with its status and lateness as the database's one rule says (V5). */
  /** {@code locked}: every attempt at the quiz used (with any granted) and not passed, by the rule of V15. */
  public record Cell(Status status, boolean overdue, int lessonsRead, int attempts, Integer bestScore, Integer certificateScore,
                     OffsetDateTime completedAt, boolean locked, CertificateRef certificate) { }

  /** The learner's certificate of a module, if one was issued: its code, and whether it was revoked since. */
  public record CertificateRef(String code, boolean revoked) {

    /** Where staff see it, its status, and the way to revoke it. */
    public String href() {
      return "/verify/" + code;
    }

    /** For the pages: its address and whether it was revoked. */
    public java.util.Map<String, Object> model() {
      return java.util.Map.of("href", href(), "revoked", revoked);
    }

    /** For the API. */
    public io.vertx.core.json.JsonObject json() {
      return new io.vertx.core.json.JsonObject().put("code", code).put("revoked", revoked).put("href", href());
    }

  }

  /** One line of the export: a learner and one assigned module. */
  public record ExportLine(String serviceNumber, String name, String rank, String unit, String moduleId, LocalDate dueOn,
                           Cell cell) { }

  /** A learner the import created, with the set-up code to hand them (shown once). */
  public record NewLearner(String name, String serviceNumber, String username, String setupCode) { }

  public record ImportResult(int created, int updated, int unchanged, int enrolled, List<NewLearner> newLearners) { }

  public record Organisation(long id, String name, String country, Long parentId) { }

  /** An organisation and all of its units, as far down as they go. */
  private static final String SCOPE = """
      WITH RECURSIVE scope AS (
        SELECT id FROM organisations WHERE id = $1
        UNION ALL SELECT o.id FROM organisations o JOIN scope s ON o.parent_id = s.id)""";
  private static final String COHORT_COLUMNS = """
      SELECT c.id, c.organisation_id, o.name AS organisation_name, c.name, c.starts_on, c.deploys_on,
             (SELECT count(*) FROM cohort_members m WHERE m.cohort_id = c.id) AS members,
             organisation_path(c.organisation_id) AS organisation_path
      FROM cohorts c JOIN organisations o ON o.id = c.organisation_id""";
  private static final String COHORTS_IN_SCOPE = SCOPE + " " + COHORT_COLUMNS
      + " WHERE $2 OR c.organisation_id IN (SELECT id FROM scope) ORDER BY c.deploys_on, c.name";
  private static final String COHORT_IN_SCOPE = SCOPE + " " + COHORT_COLUMNS
      + " WHERE c.id = $3 AND ($2 OR c.organisation_id IN (SELECT id FROM scope))";
  private static final String ORGANISATIONS_IN_SCOPE = SCOPE
      + " SELECT id, name, country, parent_id FROM organisations WHERE $2 OR id IN (SELECT id FROM scope) ORDER BY name";
  private static final String INSERT_COHORT = """
      INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) VALUES ($1, $2, $3, $4) RETURNING id""";
  private static final String UPDATE_COHORT = "UPDATE cohorts SET name = $2, starts_on = $3, deploys_on = $4 WHERE id = $1";
  /** Memberships and assignments go with the cohort (ON DELETE CASCADE); learners, progress and certificates stay. */
  private static final String DELETE_COHORT = "DELETE FROM cohorts WHERE id = $1";
  private static final String INSERT_ORGANISATION =
      "INSERT INTO organisations (name, country, parent_id) VALUES ($1, $2, $3) RETURNING id";
  private static final String ASSIGNMENTS = "SELECT module_id, due_on FROM assignments WHERE cohort_id = $1 ORDER BY due_on, module_id";
  private static final String UPSERT_ASSIGNMENT = """
      INSERT INTO assignments (cohort_id, module_id, due_on) VALUES ($1, $2, $3)
      ON CONFLICT (cohort_id, module_id) DO UPDATE SET due_on = excluded.due_on""";
  private static final String DELETE_ASSIGNMENT = "DELETE FROM assignments WHERE cohort_id = $1 AND module_id = $2";
  /**
   * The cohort's counts per assigned module and its completions per day, by the one status rule (V5): one grouped
   * pass over the module_progress rows that exist (a few hundred groups of module, status, lateness and day), plus,
   * per module, the members who have no row yet, whose status and lateness the same functions decide. Joining every
   * member x module pair instead cost twice as much at 100,000, and keeping the rows before grouping spilled to disk.
   */
  private static final String SUMMARY = """
      WITH grouped AS MATERIALIZED (
        SELECT p.module_id, progress_status(p.lessons_read, p.attempts, p.certificate_score) AS status,
               progress_overdue(p.certificate_score, x.due_on, $2) AS overdue,
               (p.completed_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
        FROM cohort_members m JOIN module_progress p ON p.account_id = m.account_id
        JOIN assignments x ON x.cohort_id = m.cohort_id AND x.module_id = p.module_id
        WHERE m.cohort_id = $1 GROUP BY 1, 2, 3, 4),
      counted AS (
        SELECT module_id, status, overdue, n FROM grouped
        UNION ALL
        SELECT x.module_id, progress_status(NULL, NULL, NULL), progress_overdue(NULL, x.due_on, $2),
               (SELECT count(*) FROM cohort_members WHERE cohort_id = $1)
                 - coalesce((SELECT sum(g.n) FROM grouped g WHERE g.module_id = x.module_id), 0)
        FROM assignments x WHERE x.cohort_id = $1)
      SELECT module_id, NULL::date AS day,
             sum(n) FILTER (WHERE status = 'completed')::bigint, sum(n) FILTER (WHERE status = 'in-progress')::bigint,
             sum(n) FILTER (WHERE status = 'not-started')::bigint, sum(n) FILTER (WHERE overdue)::bigint
      FROM counted GROUP BY module_id
      UNION ALL
      SELECT NULL, day, sum(n)::bigint, 0, 0, 0 FROM grouped WHERE status = 'completed' AND day IS NOT NULL GROUP BY day""";

  /**
   * The learners matching a unit ($2, null for all) and a status ($3, null for all; on $4, today): any assigned
   * module in that status, or overdue, or not completed ('incomplete'). Then the window $5/$6 of them in report
   * order, how many match, and the cohort's units: one row even when the window is empty.
   */
  private static final String PAGE = """
      WITH members AS MATERIALIZED (
        SELECT a.id, a.display_name, a.service_number, a.rank, a.unit, a.email, a.password_hash
        FROM cohort_members m JOIN accounts a ON a.id = m.account_id WHERE m.cohort_id = $1),
      matched AS MATERIALIZED (
        SELECT * FROM members a WHERE ($2::text IS NULL OR a.unit = $2) AND ($3::text IS NULL OR EXISTS (
          SELECT 1 FROM assigned_progress v WHERE v.cohort_id = $1 AND v.account_id = a.id AND CASE $3::text
            WHEN 'overdue' THEN progress_overdue(v.certificate_score, v.due_on, $4)
            WHEN 'incomplete' THEN v.status <> 'completed'
            ELSE v.status = $3::text END)))
      SELECT n.matching, (SELECT array_agg(DISTINCT unit ORDER BY unit) FROM members WHERE unit IS NOT NULL) AS units, w.*
      FROM (SELECT count(*) AS matching FROM matched) n
      LEFT JOIN LATERAL (
        -- where each learner of the window stands with their first password: for these learners only, not the cohort
        SELECT a.id, a.display_name, a.service_number, a.rank, a.unit, a.email,
      """ + ACTIVATION + """

        FROM (SELECT * FROM matched ORDER BY unit NULLS LAST, display_name, id OFFSET $5 LIMIT $6) a
        ORDER BY a.unit NULLS LAST, a.display_name, a.id) w ON true""";
  private static final String CELL_COLUMNS = """
      v.status, progress_overdue(v.certificate_score, v.due_on, $2) AS overdue, v.lessons_read, v.attempts, v.best_score,
      v.certificate_score, v.completed_at, v.locked, c.code AS certificate_code, c.revoked_at IS NOT NULL AS certificate_revoked""";
  /** The newest certificate of each cell, if any (a revoked one may have been earned again): {@link #CELL_COLUMNS}' last two. */
  private static final String CELL_CERTIFICATE = " LEFT JOIN LATERAL newest_certificate(v.account_id, v.module_id) c ON true";
  private static final String PAGE_CELLS = "SELECT v.account_id, v.module_id, " + CELL_COLUMNS
      + " FROM assigned_progress v" + CELL_CERTIFICATE + " WHERE v.cohort_id = $1 AND v.account_id = ANY($3)";
  /**
   * The export in report order, its cells as assigned_progress (V5) has them. The members are sorted alone (one row
   * each) and each one's assigned modules joined after (OFFSET 0 keeps the join per member), so the database streams
   * lines from the start and sorts only within a member; sorting all learner-module lines at once spilled 66 MB to
   * disk at 100,000 learners and took 5.5 s against 3.3 s.
   */
  private static final String EXPORT = "SELECT a.service_number, a.display_name, a.rank, a.unit, v.module_id, v.due_on, "
      + CELL_COLUMNS + """

      FROM (SELECT a.id, a.service_number, a.display_name, a.rank, a.unit FROM cohort_members m
            JOIN accounts a ON a.id = m.account_id WHERE m.cohort_id = $1
            ORDER BY a.unit NULLS LAST, a.display_name, a.id) a
      CROSS JOIN LATERAL (
        SELECT a.id AS account_id, x.module_id, x.due_on, coalesce(p.lessons_read, 0) AS lessons_read, coalesce(p.attempts, 0) AS attempts,
               p.best_score, p.certificate_score, p.completed_at,
               progress_status(p.lessons_read, p.attempts, p.certificate_score) AS status,
               p.certificate_score IS NULL AND p.attempts > 0
                 AND attempts_locked(p.attempts, attempt_limit_of(mv.max_attempts, p.extra_attempts), p.best_score, mv.pass_mark) AS locked
        FROM assignments x LEFT JOIN module_progress p ON p.account_id = a.id AND p.module_id = x.module_id
        LEFT JOIN module_heads h ON h.module_id = x.module_id
        LEFT JOIN module_versions mv ON mv.module_id = h.module_id AND mv.version = h.published
        WHERE x.cohort_id = $1 ORDER BY x.due_on, x.module_id OFFSET 0) v""" + CELL_CERTIFICATE + """

      ORDER BY a.unit NULLS LAST, a.display_name, a.id, v.due_on, v.module_id""";
  private static final String LEARNER_CELLS = "SELECT v.module_id, " + CELL_COLUMNS
      + " FROM assigned_progress v" + CELL_CERTIFICATE + " WHERE v.cohort_id = $1 AND v.account_id = $3";
  private static final String FIND_BY_SERVICE_NUMBER = """
      SELECT id, service_number, display_name, rank, unit, email FROM accounts
      WHERE organisation_id = $1 AND service_number = ANY($2)""";
  private static final String ENROL = "INSERT INTO cohort_members (cohort_id, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
  private static final String REMOVE_MEMBER = "DELETE FROM cohort_members WHERE cohort_id = $1 AND account_id = $2";
  private static final String LEARNER_IN_COHORT = """
      SELECT 1 FROM cohort_members m JOIN accounts a ON a.id = m.account_id
      WHERE m.cohort_id = $1 AND a.id = $2 AND a.role = 'learner' FOR UPDATE OF a""";

  /**
   * Readiness over an organisation and every unit below it ($1), on $2: one row per person and required module (the
   * modules their cohorts there that have not deployed yet are assigned: earliest due date, earliest deployment),
   * then one per person with the status by the one rule (readiness_status, V17). A cohort deployed is history.
   */
  private static final String READINESS = """
      WITH RECURSIVE scope AS (
        SELECT id FROM organisations WHERE id = $1
        UNION ALL SELECT o.id FROM organisations o JOIN scope s ON o.parent_id = s.id),
      req AS MATERIALIZED (
        SELECT v.account_id, v.module_id, min(v.due_on) AS due_on, min(c.deploys_on) AS deploys_on,
               bool_or(v.certificate_score IS NOT NULL) AS done, bool_or(v.locked) AS locked
        FROM cohorts c JOIN assigned_progress v ON v.cohort_id = c.id
        WHERE c.organisation_id IN (SELECT id FROM scope) AND c.deploys_on >= $2
        GROUP BY v.account_id, v.module_id),
      -- everyone in those cohorts, a person with nothing assigned too (whom the rule calls not ready: untrained)
      enrolled AS MATERIALIZED (
        SELECT m.account_id, min(c.deploys_on) AS deploys_on FROM cohorts c JOIN cohort_members m ON m.cohort_id = c.id
        WHERE c.organisation_id IN (SELECT id FROM scope) AND c.deploys_on >= $2 GROUP BY m.account_id),
      people AS MATERIALIZED (
        SELECT e.account_id, count(r.module_id)::int AS modules, (count(*) FILTER (WHERE r.done))::int AS completed,
               e.deploys_on,
               readiness_status(count(r.module_id)::int, (count(*) FILTER (WHERE r.done))::int, coalesce(bool_or(r.locked), false),
                                coalesce(bool_or(NOT r.done AND r.due_on < $2), false), e.deploys_on, $2) AS status
        FROM enrolled e LEFT JOIN req r ON r.account_id = e.account_id GROUP BY e.account_id, e.deploys_on)""";
  /** The counts per organisation ('unit' rows) and per module ('module' rows), in one statement over one reading. */
  private static final String READINESS_COUNTS = READINESS + """

      SELECT 'unit' AS kind, a.organisation_id, o.name, o.parent_id, NULL AS module_id, count(*) AS people,
             count(*) FILTER (WHERE p.status = 'ready') AS ready, count(*) FILTER (WHERE p.status = 'at-risk') AS at_risk,
             count(*) FILTER (WHERE p.status = 'not-ready') AS not_ready, min(p.deploys_on) AS deploys_on
      FROM people p JOIN accounts a ON a.id = p.account_id JOIN organisations o ON o.id = a.organisation_id
      GROUP BY a.organisation_id, o.name, o.parent_id
      UNION ALL
      SELECT 'module', NULL, NULL, NULL, module_id, count(*), count(*) FILTER (WHERE done), count(*) FILTER (WHERE locked), 0, NULL
      FROM req GROUP BY module_id
      ORDER BY 1 DESC, 3, 5""";
  private static final String READINESS_PEOPLE = READINESS + """

      SELECT p.account_id, a.display_name, a.rank, a.service_number, a.unit, o.name AS organisation, p.status, p.deploys_on,
             r.module_id, r.due_on, r.done, r.locked, NOT r.done AND r.due_on < $2 AS overdue,
             -- what a revoked certificate said is no pass: only its code and status are told
             CASE WHEN c.revoked_at IS NULL THEN c.module_version END AS module_version,
             CASE WHEN c.revoked_at IS NULL THEN c.issued_at END AS issued_at, CASE WHEN c.revoked_at IS NULL THEN c.score END AS score,
             c.code AS certificate_code, c.revoked_at IS NOT NULL AS certificate_revoked
      FROM people p JOIN accounts a ON a.id = p.account_id JOIN organisations o ON o.id = a.organisation_id
      LEFT JOIN req r ON r.account_id = p.account_id
      -- the newest certificate of the module (V20): a revoked one may have been earned again since
      LEFT JOIN LATERAL newest_certificate(p.account_id, r.module_id) c ON true
      WHERE NOT $3 OR a.organisation_id = $1
      ORDER BY o.name, a.unit NULLS LAST, a.display_name, a.id, r.due_on, r.module_id""";

  /** One organisation's counts of people by readiness. */
  public record UnitReadiness(long organisationId, String name, Long parentId, int people, int ready, int atRisk, int notReady,
                              LocalDate deploysOn) { }

  /** One required module across the people: how many must do it, have, and are locked out of it. */
  public record ModuleReadiness(String moduleId, int people, int done, int locked) { }

  /** One person and one required module: done with its certificate's version, date and score, or locked out. */
  public record PersonModule(String moduleId, LocalDate dueOn, boolean done, boolean locked, boolean overdue, Integer version,
                             OffsetDateTime passedAt, Integer score, CertificateRef certificate) { }

  public record PersonReadiness(long accountId, String name, String rank, String serviceNumber, String unit,
                                String organisation, String status, LocalDate deploysOn, List<PersonModule> modules) { }

  /** The counts of an organisation's readiness: per organisation, and per module. */
  public record ReadinessCounts(List<UnitReadiness> units, List<ModuleReadiness> modules) { }

  public Future<ReadinessCounts> readinessCounts(long organisationId, LocalDate today) {
    return pool.preparedQuery(READINESS_COUNTS).execute(Tuple.of(organisationId, today)).map(rows -> {
      List<UnitReadiness> units = new ArrayList<>();
      List<ModuleReadiness> modules = new ArrayList<>();
      for (Row r : rows) {
        if (r.getString("kind").equals("unit")) {
          units.add(new UnitReadiness(r.getLong("organisation_id"), r.getString("name"), r.getLong("parent_id"),
              r.getLong("people").intValue(), r.getLong("ready").intValue(), r.getLong("at_risk").intValue(),
              r.getLong("not_ready").intValue(), r.getLocalDate("deploys_on")));
        } else {
          modules.add(new ModuleReadiness(r.getString("module_id"), r.getLong("people").intValue(), r.getLong("ready").intValue(),
              r.getLong("at_risk").intValue()));
        }
      }
      return new ReadinessCounts(units, modules);
    });
  }

  /**
   * The people of the organisation ({@code direct}) or of it and its units, with their required modules, by
   * organisation, company and name.
   */
  public Future<List<PersonReadiness>> readinessPeople(long organisationId, LocalDate today, boolean direct) {
    return pool.preparedQuery(READINESS_PEOPLE).execute(Tuple.of(organisationId, today, direct)).map(rows -> {
      List<PersonReadiness> people = new ArrayList<>();
      PersonReadiness current = null;
      for (Row r : rows) {
        if (current == null || current.accountId() != r.getLong("account_id")) {
          current = new PersonReadiness(r.getLong("account_id"), r.getString("display_name"), r.getString("rank"),
              r.getString("service_number"), r.getString("unit"), r.getString("organisation"), r.getString("status"),
              r.getLocalDate("deploys_on"), new ArrayList<>());
          people.add(current);
        }
        if (r.getString("module_id") == null) {
          continue;  // nothing assigned to this person
        }
        current.modules().add(new PersonModule(r.getString("module_id"), r.getLocalDate("due_on"), r.getBoolean("done"),
            Boolean.TRUE.equals(r.getBoolean("locked")), Boolean.TRUE.equals(r.getBoolean("overdue")), r.getInteger("module_version"),
            r.getOffsetDateTime("issued_at"),
            r.getInteger("score"), r.getString("certificate_code") == null ? null
                : new CertificateRef(r.getString("certificate_code"), r.getBoolean("certificate_revoked"))));
      }
      return people;
    });
  }

  private static final String GRANT = """
      INSERT INTO attempt_grants (account_id, module_id, extra, reason, granted_by) VALUES ($1, $2, $3, $4, $5)""";
  private static final String GRANTS = """
      SELECT g.module_id, g.extra, g.reason, g.granted_at, b.display_name FROM attempt_grants g
      LEFT JOIN accounts b ON b.id = g.granted_by WHERE g.account_id = $1 ORDER BY g.granted_at, g.id""";

  /** Extra attempts granted to a learner at a module: how many, why, when and by whom. */
  public record Grant(String moduleId, int extra, String reason, OffsetDateTime grantedAt, String grantedBy) { }

  public Future<Void> grant(Transaction tx, long accountId, String moduleId, int extra, String reason, long grantedBy) {
    return tx.connection().preparedQuery(GRANT).execute(Tuple.of(accountId, moduleId, extra, reason, grantedBy)).mapEmpty();
  }

  /** Every grant of extra attempts to the learner, oldest first. */
  public Future<List<Grant>> grants(long accountId) {
    return pool.preparedQuery(GRANTS).execute(Tuple.of(accountId)).map(rows -> list(rows, r -> new Grant(r.getString("module_id"),
        r.getInteger("extra"), r.getString("reason"), r.getOffsetDateTime("granted_at"), r.getString("display_name"))));
  }

  private static final String MEMBER = """
      SELECT a.id, a.display_name, a.service_number, a.rank, a.unit, a.email,
      """ + ACTIVATION + """

      FROM cohort_members m JOIN accounts a ON a.id = m.account_id WHERE m.cohort_id = $1 AND a.id = $2""";
  private static final String LEARNER_ATTEMPTS = """
      SELECT t.module_id, t.submitted_at, t.score, t.passed, t.held, t.id, t.decision, t.decided_at FROM attempts t
      JOIN assignments x ON x.module_id = t.module_id AND x.cohort_id = $1
      WHERE t.account_id = $2 AND t.submitted_at IS NOT NULL ORDER BY t.module_id, t.submitted_at""";

  /** The report's queries by name, for bench/Generate.java to explain the very SQL the server runs. */
  public static Map<String, String> reportQueries() {
    Map<String, String> queries = new java.util.LinkedHashMap<>();
    queries.put("summary", SUMMARY);
    queries.put("page", PAGE);
    queries.put("page cells", PAGE_CELLS);
    queries.put("export", EXPORT);
    return queries;
  }

  /**
   * One submitted attempt, for the drill-down; {@code held} when it was sent after the attempts were used up and
   * does not count; {@code decision} ("counted", "set-aside") and {@code decidedAt} once a coordinator decided.
   */
  public record AttemptLine(String moduleId, OffsetDateTime submittedAt, int score, boolean passed, boolean held, java.util.UUID id,
                            String decision, OffsetDateTime decidedAt) {

    /** Held and not decided on yet: a coordinator may count it or set it aside. */
    public boolean waiting() {
      return held && decision == null;
    }
  }

  private final Pool pool;

  public CohortRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Cohort>> cohorts(long organisationId, boolean everything) {
    return pool.preparedQuery(COHORTS_IN_SCOPE).execute(Tuple.of(organisationId, everything)).map(rows -> list(rows, CohortRepository::cohort));
  }

  /** The cohort if the caller's organisation (or everything, for an admin) covers it. */
  public Future<Optional<Cohort>> cohort(long organisationId, boolean everything, long cohortId) {
    return pool.preparedQuery(COHORT_IN_SCOPE).execute(Tuple.of(organisationId, everything, cohortId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(cohort(rows.iterator().next())));
  }

  public Future<List<Organisation>> organisations(long organisationId, boolean everything) {
    return pool.preparedQuery(ORGANISATIONS_IN_SCOPE).execute(Tuple.of(organisationId, everything))
        .map(rows -> list(rows, r -> new Organisation(r.getLong(0), r.getString(1), r.getString(2), r.getLong(3))));
  }

  public Future<Long> createCohort(Transaction tx, long organisationId, String name, LocalDate startsOn, LocalDate deploysOn) {
    return tx.connection().preparedQuery(INSERT_COHORT).execute(Tuple.of(organisationId, name, startsOn, deploysOn))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<Void> updateCohort(Transaction tx, long cohortId, String name, LocalDate startsOn, LocalDate deploysOn) {
    return tx.connection().preparedQuery(UPDATE_COHORT).execute(Tuple.of(cohortId, name, startsOn, deploysOn)).mapEmpty();
  }

  public Future<Void> deleteCohort(Transaction tx, long cohortId) {
    return tx.connection().preparedQuery(DELETE_COHORT).execute(Tuple.of(cohortId)).mapEmpty();
  }

  public Future<Long> createOrganisation(Transaction tx, String name, String country, Long parentId) {
    return tx.connection().preparedQuery(INSERT_ORGANISATION).execute(Tuple.of(name, country, parentId))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Future<List<Assignment>> assignments(long cohortId) {
    return pool.preparedQuery(ASSIGNMENTS).execute(Tuple.of(cohortId))
        .map(rows -> list(rows, r -> new Assignment(r.getString(0), r.getLocalDate(1))));
  }

  public Future<Void> assign(Transaction tx, long cohortId, String moduleId, LocalDate dueOn) {
    return tx.connection().preparedQuery(UPSERT_ASSIGNMENT).execute(Tuple.of(cohortId, moduleId, dueOn)).mapEmpty();
  }

  public Future<Void> unassign(Transaction tx, long cohortId, String moduleId) {
    return tx.connection().preparedQuery(DELETE_ASSIGNMENT).execute(Tuple.of(cohortId, moduleId)).mapEmpty();
  }


  /** How many of a module's assigned learners are in each status, and how many are overdue. */
  public record Counts(int completed, int inProgress, int notStarted, int overdue) {
    public static final Counts NONE = new Counts(0, 0, 0, 0);
  }

  /** How the whole cohort stands: counts per assigned module, and completions per day. */
  public record Summary(Map<String, Counts> modules, Map<LocalDate, Integer> completionsByDay) { }

  /** One window of the report: its learners in order, their cells in {@code modules} order, how many match, the units. */
  public record Page(List<Member> learners, Map<Long, Cell[]> cells, int matching, List<String> units) { }

  /** The cohort's counts in one aggregate query over assigned_progress (one row per learner-module), whatever the size. */
  public Future<Summary> summary(long cohortId, LocalDate today) {
    return pool.preparedQuery(SUMMARY).execute(Tuple.of(cohortId, today)).map(rows -> {
      Map<String, Counts> modules = new HashMap<>();
      Map<LocalDate, Integer> byDay = new java.util.TreeMap<>();
      for (Row r : rows) {
        if (r.getString(0) != null) {
          modules.put(r.getString(0), new Counts(count(r, 2), count(r, 3), count(r, 4), count(r, 5)));
        } else if (r.getLocalDate(1) != null) {
          byDay.put(r.getLocalDate(1), r.getLong(2).intValue());
        }
      }
      return new Summary(modules, byDay);
    });
  }

  /** A count column; a sum over no rows is null, which is none. */
  private static int count(Row r, int column) {
    Long n = r.getLong(column);
    return n == null ? 0 : n.intValue();
  }

  /**
   * The learners matching {@code unit} and {@code status} (either null for all), the window from
   * {@code offset}, and the cells of only those learners: two queries, whatever the cohort's size.
   */
  public Future<Page> page(long cohortId, List<String> modules, String unit, String status, LocalDate today, int offset,
      int limit) {
    return pool.withTransaction(conn -> conn.preparedQuery(PAGE).execute(Tuple.of(cohortId, unit, status, today, offset, limit))
        .compose(rows -> {
          Row first = rows.iterator().next();
          int matching = first.getLong(0).intValue();
          String[] units = first.getArrayOfStrings(1);
          List<String> unitList = units == null ? List.of() : List.of(units);
          List<Member> learners = new ArrayList<>();
          for (Row r : rows) {
            if (r.getLong(2) != null) {
              learners.add(new Member(r.getLong(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getString(7),
                  r.getString(8)));
            }
          }
          if (learners.isEmpty()) {
            return Future.succeededFuture(new Page(learners, Map.of(), matching, unitList));
          }
          Long[] ids = learners.stream().map(Member::accountId).toArray(Long[]::new);
          return conn.preparedQuery(PAGE_CELLS).execute(Tuple.of(cohortId, today, (Object) ids))
              .map(cells -> new Page(learners, cells(cells, modules), matching, unitList));
        }));
  }

  private static Map<Long, Cell[]> cells(io.vertx.sqlclient.RowSet<Row> rows, List<String> modules) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < modules.size(); i++) {
      index.put(modules.get(i), i);
    }
    Map<Long, Cell[]> cells = new HashMap<>();
    for (Row r : rows) {
      Integer i = index.get(r.getString(1));
      if (i != null) {
        cells.computeIfAbsent(r.getLong(0), k -> new Cell[modules.size()])[i] = cell(r, 2);
      }
    }
    return cells;
  }

  /** The cell columns of {@link #CELL_COLUMNS}, starting at column {@code at}. */
  private static Cell cell(Row r, int at) {
    return new Cell(Status.of(r.getString(at)), r.getBoolean(at + 1), r.getInteger(at + 2), r.getInteger(at + 3),
        r.getInteger(at + 4), r.getInteger(at + 5), r.getOffsetDateTime(at + 6), Boolean.TRUE.equals(r.getBoolean(at + 7)),
        certificateRef(r, at + 8));
  }

  private static CertificateRef certificateRef(Row r, int at) {
    return r.getString(at) == null ? null : new CertificateRef(r.getString(at), Boolean.TRUE.equals(r.getBoolean(at + 1)));
  }

  /**
   * Streams the export rows through a cursor, {@code fetch} rows at a time, so no export holds a whole
   * cohort in memory. {@code open} receives the stream inside a transaction (cursors need one).
   */
  public Future<Void> export(long cohortId, LocalDate today, int fetch, Function<MappedStream<ExportLine>, Future<Void>> open) {
    // the whole result is read, so plan for all rows rather than the cursor default of the first tenth
    return pool.withTransaction(conn -> conn.query("SET LOCAL cursor_tuple_fraction = 1.0").execute()
        .compose(v -> conn.prepare(EXPORT))
        .compose(ps -> open.apply(new MappedStream<>(ps.createStream(fetch, Tuple.of(cohortId, today)), r -> new ExportLine(
            r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getLocalDate(5), cell(r, 6))))
            .eventually(ps::close)));
  }

  /** A learner of the organisation already known by service number: id and the details a roster may change. */
  public record Known(long accountId, String name, String rank, String unit, String email) { }

  /** The organisation's learners with these service numbers, keyed by the number in upper case; in {@code tx}. */
  public Future<Map<String, Known>> known(Transaction tx, long organisationId, List<String> serviceNumbers) {
    return tx.connection().preparedQuery(FIND_BY_SERVICE_NUMBER)
        .execute(Tuple.of(organisationId, (Object) serviceNumbers.toArray(String[]::new))).map(found -> {
          Map<String, Known> map = new HashMap<>();
          for (Row r : found) {
            map.put(r.getString("service_number").toUpperCase(Locale.ROOT), new Known(r.getLong("id"), r.getString("display_name"),
                r.getString("rank"), r.getString("unit"), r.getString("email")));
          }
          return map;
        });
  }

  /** Enrols the accounts in the cohort, in {@code tx}; returns how many were not members yet. */
  public Future<Integer> enrol(Transaction tx, long cohortId, List<Long> accountIds) {
    if (accountIds.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return tx.connection().preparedQuery(ENROL).executeBatch(accountIds.stream().map(id -> Tuple.of(cohortId, id)).toList())
        .map(rs -> {
          int enrolled = 0;
          for (var r = rs; r != null; r = r.next()) {
            enrolled += r.rowCount();
          }
          return enrolled;
        });
  }

  public Future<Optional<Member>> member(long cohortId, long accountId) {
    return pool.preparedQuery(MEMBER).execute(Tuple.of(cohortId, accountId)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(list(rows, r -> new Member(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
            r.getString(5), r.getString(6))).get(0)));
  }

  public Future<List<AttemptLine>> learnerAttempts(long cohortId, long accountId) {
    return pool.preparedQuery(LEARNER_ATTEMPTS).execute(Tuple.of(cohortId, accountId)).map(rows -> list(rows,
        r -> new AttemptLine(r.getString(0), r.getOffsetDateTime(1), r.getInteger(2), r.getBoolean(3), r.getBoolean(4), r.getUUID(5),
            r.getString(6), r.getOffsetDateTime(7))));
  }

  /** One learner's cell in each module assigned to the cohort, by module id. */
  public Future<Map<String, Cell>> learnerCells(long cohortId, long accountId, LocalDate today) {
    return pool.preparedQuery(LEARNER_CELLS).execute(Tuple.of(cohortId, today, accountId)).map(rows -> {
      Map<String, Cell> cells = new HashMap<>();
      rows.forEach(r -> cells.put(r.getString(0), cell(r, 1)));
      return cells;
    });
  }

  /** A learner locked out of a module's quiz: every attempt used (with any granted), not passed (V15, V18). */
  public record LockedOut(long accountId, String name, String username, String organisation, int attempts, Integer bestScore) { }

  private static final String LOCKED_OUT = """
      SELECT a.id, a.display_name, a.username, o.name, p.attempts, p.best_score
      FROM module_progress p
      JOIN accounts a ON a.id = p.account_id AND a.role = 'learner' AND NOT a.disabled
      JOIN organisations o ON o.id = a.organisation_id
      JOIN module_heads h ON h.module_id = p.module_id
      JOIN module_versions mv ON mv.module_id = h.module_id AND mv.version = h.published
      WHERE p.module_id = $1 AND ($2 OR $3::bigint = ANY (organisation_path(a.organisation_id)))
        AND p.certificate_score IS NULL AND p.attempts > 0
        AND attempts_locked(p.attempts, attempt_limit_of(mv.max_attempts, p.extra_attempts), p.best_score, mv.pass_mark)
        AND ($4::bigint IS NULL OR a.id = $4)
      ORDER BY a.display_name, a.id LIMIT 500""";

  /**
   * The learners of {@code organisationId} and the units below it (every one when {@code everything}) locked out of
   * the module's quiz; only {@code accountId} when given.
   */
  public Future<List<LockedOut>> lockedOut(String moduleId, boolean everything, long organisationId, Long accountId) {
    return pool.preparedQuery(LOCKED_OUT).execute(Tuple.of(moduleId, everything, organisationId, accountId))
        .map(rows -> list(rows, r -> new LockedOut(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getInteger(4),
            r.getInteger(5))));
  }

  /** A learner picked for a bulk action, as the confirmation and the slips name them. */
  public record Picked(long accountId, String name, String rank, String serviceNumber, String unit, String username,
                       boolean activated) { }

  private static final String PICKED_COLUMNS = """
      SELECT a.id, a.display_name, a.rank, a.service_number, a.unit, a.username, a.password_hash IS NOT NULL
      FROM cohort_members m JOIN accounts a ON a.id = m.account_id
      WHERE m.cohort_id = $1 AND a.role = 'learner'""";
  private static final String PICKED = PICKED_COLUMNS + " AND a.id = ANY($2) ORDER BY a.display_name, a.id FOR UPDATE OF a";
  private static final String NOT_ACTIVATED = PICKED_COLUMNS
      + " AND a.password_hash IS NULL AND NOT a.disabled ORDER BY a.display_name, a.id FOR UPDATE OF a";
  private static final String COMPLETED_AMONG = """
      SELECT account_id FROM assigned_progress WHERE cohort_id = $1 AND module_id = $2 AND account_id = ANY($3)
        AND status = 'completed'""";
  private static final String NOT_LOCKED_AMONG = """
      SELECT account_id FROM assigned_progress WHERE cohort_id = $1 AND module_id = $2 AND account_id = ANY($3)
        AND NOT coalesce(locked, false)""";
  private static final String REMOVE_MEMBERS = "DELETE FROM cohort_members WHERE cohort_id = $1 AND account_id = ANY($2)";
  private static final String ENROL_MANY = """
      INSERT INTO cohort_members (cohort_id, account_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING""";
  private static final String GRANT_MANY = """
      INSERT INTO attempt_grants (account_id, module_id, extra, reason, granted_by)
      SELECT unnest($1::bigint[]), $2, $3, $4, $5""";

  /**
   * The cohort's learners among {@code ids} (or, when {@code ids} is null, those who never chose a password), their
   * account rows locked for the rest of {@code tx} so that the action confirmed is the action done.
   */
  public Future<List<Picked>> pick(Transaction tx, long cohortId, List<Long> ids) {
    var query = ids == null ? tx.connection().preparedQuery(NOT_ACTIVATED).execute(Tuple.of(cohortId))
        : tx.connection().preparedQuery(PICKED).execute(Tuple.of(cohortId, (Object) ids.toArray(Long[]::new)));
    return query.map(rows -> list(rows, r -> new Picked(r.getLong(0), r.getString(1), r.getString(2), r.getString(3),
        r.getString(4), r.getString(5), r.getBoolean(6))));
  }

  /** Which of the accounts have completed the module assigned to the cohort. */
  public Future<List<Long>> completedAmong(Transaction tx, long cohortId, String moduleId, List<Long> ids) {
    return tx.connection().preparedQuery(COMPLETED_AMONG).execute(Tuple.of(cohortId, moduleId, (Object) ids.toArray(Long[]::new)))
        .map(rows -> list(rows, r -> r.getLong(0)));
  }

  /** Which of the accounts are not locked out of the module's quiz (nothing to grant them in bulk). */
  public Future<List<Long>> notLockedAmong(Transaction tx, long cohortId, String moduleId, List<Long> ids) {
    return tx.connection().preparedQuery(NOT_LOCKED_AMONG).execute(Tuple.of(cohortId, moduleId, (Object) ids.toArray(Long[]::new)))
        .map(rows -> list(rows, r -> r.getLong(0)));
  }

  public Future<Integer> removeMembers(Transaction tx, long cohortId, List<Long> ids) {
    return tx.connection().preparedQuery(REMOVE_MEMBERS).execute(Tuple.of(cohortId, (Object) ids.toArray(Long[]::new)))
        .map(rows -> rows.rowCount());
  }

  /** Moves the accounts from one cohort to the other in {@code tx} (one already in the target just leaves the first). */
  public Future<Integer> moveMembers(Transaction tx, long fromCohort, long toCohort, List<Long> ids) {
    Object array = ids.toArray(Long[]::new);
    return tx.connection().preparedQuery(REMOVE_MEMBERS).execute(Tuple.of(fromCohort, array))
        .compose(removed -> tx.connection().preparedQuery(ENROL_MANY).execute(Tuple.of(toCohort, array)).map(removed.rowCount()));
  }

  public Future<Void> grantMany(Transaction tx, List<Long> ids, String moduleId, int extra, String reason, long grantedBy) {
    return tx.connection().preparedQuery(GRANT_MANY)
        .execute(Tuple.of(ids.toArray(Long[]::new), moduleId, extra, reason, grantedBy)).mapEmpty();
  }

  /** Whether the account is a learner of the cohort, locking the account's row for the rest of {@code tx}. */
  public Future<Boolean> lockLearnerInCohort(Transaction tx, long cohortId, long accountId) {
    return tx.connection().preparedQuery(LEARNER_IN_COHORT).execute(Tuple.of(cohortId, accountId)).map(rows -> rows.size() > 0);
  }

  private static Cohort cohort(Row r) {
    return new Cohort(r.getLong("id"), r.getLong("organisation_id"), r.getString("organisation_name"), r.getString("name"),
        r.getLocalDate("starts_on"), r.getLocalDate("deploys_on"), r.getLong("members").intValue(),
        List.of(r.getArrayOfLongs("organisation_path")));
  }

  private static <T> List<T> list(io.vertx.sqlclient.RowSet<Row> rows, Function<Row, T> map) {
    List<T> list = new ArrayList<>();
    rows.forEach(r -> list.add(map.apply(r)));
    return list;
  }
}
