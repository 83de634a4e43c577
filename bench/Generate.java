import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.pillars.cohorts.CohortRepository;

/**
 * Makes a synthetic organisation with one cohort of N learners, six assigned modules (bench, bench-2 ...
 * bench-6, three lessons each but the first) and realistic progress: about 40 % of learner-module pairs
 * completed (lessons read, one or two attempts, a certificate), 30 % in progress, 30 % not started.
 * Also a coordinator "coord-N" with the demo learner's password, to read the report.
 * Run: java -cp target/pillars.jar bench/Generate.java PG_PORT LEARNERS   (prints "cohort ID")
 *      java -cp target/pillars.jar bench/Generate.java PG_PORT explain COHORT_ID   (prints the query plans)
 *      java -cp target/pillars.jar bench/Generate.java PG_PORT scans   (table and index scans so far on the report's tables)
 */
public class Generate {

  public static void main(String[] args) throws Exception {
    String jdbc = "jdbc:postgresql://localhost:" + args[0] + "/pillars?user=postgres";
    try (Connection c = DriverManager.getConnection(jdbc)) {
      if (args[1].equals("explain")) {
        explain(c, Long.parseLong(args[2]));
        return;
      }
      if (args[1].equals("scans")) {
        // Table and index scans so far on the tables a report reads: a query per learner would multiply them.
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)) FROM pg_stat_user_tables "
                 + "WHERE relname IN ('accounts', 'cohort_members', 'cohorts', 'assignments', 'lesson_reads', 'attempts', "
                 + "'certificates', 'sessions', 'organisations', 'module_progress')")) {
          rs.next();
          System.out.println("scans " + rs.getLong(1));
        }
        return;
      }
      if (args[1].equals("country")) {
        country(c, Integer.parseInt(args[2]));
        return;
      }
      int n = Integer.parseInt(args[1]);
      c.setAutoCommit(false);
      long org;
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO organisations (name, country) VALUES (?, 'Synthetic') RETURNING id")) {
        ps.setString(1, "Synthetic country " + n + " " + System.nanoTime());
        ResultSet rs = ps.executeQuery();
        rs.next();
        org = rs.getLong(1);
      }
      long cohort;
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) VALUES (?, ?, current_date - 60, current_date + 30) RETURNING id")) {
        ps.setLong(1, org);
        ps.setString(2, n + " learners");
        ResultSet rs = ps.executeQuery();
        rs.next();
        cohort = rs.getLong(1);
      }
      learners(c, org, cohort, n, "syn" + org + "-", 0);
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO accounts (organisation_id, username, display_name, role, password_hash) SELECT " + org
            + ", 'coord-" + cohort + "', 'Bench Coordinator', 'coordinator', password_hash FROM accounts WHERE username = 'learner'");
      }
      c.commit();
      try (Statement s = c.createStatement()) {
        c.setAutoCommit(true);
        s.execute("ANALYZE");
      }
      System.out.println("cohort " + cohort);
    }
  }

  /**
   * {@code n} learners of {@code org} in {@code cohort} (usernames {@code prefix} + number from {@code from} + 1), six
   * assigned modules, each learner-module pair completed (40 %), in progress or not started.
   */
  static void learners(Connection c, long org, long cohort, int n, String prefix, int from) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE gen_learners AS SELECT g AS n FROM generate_series(" + (from + 1) + ", " + (from + n) + ") g");
      s.execute("INSERT INTO accounts (organisation_id, username, display_name, role, service_number, rank, unit) "
          + "SELECT " + org + ", '" + prefix + "' || n, 'Learner ' || n, 'learner', 'SYN-' || lpad(n::text, 7, '0'), "
          + "(ARRAY['Private','Corporal','Sergeant','Lieutenant','Captain'])[1 + n % 5], 'Company ' || (1 + n % 12) FROM gen_learners");
      s.execute("CREATE TEMP TABLE gen_accounts AS SELECT a.id FROM accounts a JOIN gen_learners g ON a.username = '" + prefix + "' || g.n");
      s.execute("INSERT INTO cohort_members (cohort_id, account_id) SELECT " + cohort + ", id FROM gen_accounts");
      s.execute("INSERT INTO assignments (cohort_id, module_id, due_on) SELECT " + cohort + ", m, current_date + (i * 10 - 30)::int "
          + "FROM unnest(ARRAY['bench','bench-2','bench-3','bench-4','bench-5','bench-6']) WITH ORDINALITY AS t(m, i)");
      // state per learner and module: 0 not started, 1 in progress, 2 completed
      s.execute("CREATE TEMP TABLE gen_state AS SELECT a.id AS account_id, x.module_id, "
          + "CASE WHEN random() < 0.4 THEN 2 WHEN random() < 0.5 THEN 1 ELSE 0 END AS state "
          + "FROM gen_accounts a JOIN assignments x ON x.cohort_id = " + cohort);
      s.execute("INSERT INTO lesson_reads (account_id, module_id, lesson_id, first_read_at, last_read_at) "
          + "SELECT g.account_id, g.module_id, l.lesson_id, now() - interval '20 days', now() - interval '10 days' FROM gen_state g "
          + "JOIN LATERAL (SELECT unnest(CASE WHEN g.module_id = 'bench' THEN ARRAY['only'] ELSE ARRAY['lesson-1','lesson-2','lesson-3'] END) AS lesson_id) l ON true "
          + "WHERE g.state = 2 OR (g.state = 1 AND l.lesson_id IN ('only', 'lesson-1'))");
      s.execute("INSERT INTO attempts (id, account_id, module_id, module_version, started_at, submitted_at, answers, score, passed, result) "
          + "SELECT gen_random_uuid(), g.account_id, g.module_id, 1, now() - interval '9 days', now() - interval '9 days', '{}', "
          + "CASE WHEN g.state = 2 THEN 90 ELSE 40 END, g.state = 2, '{\"score\":0,\"passed\":false,\"questions\":[]}' "
          + "FROM gen_state g WHERE g.state = 2 OR (g.state = 1 AND random() < 0.3)");
      s.execute("INSERT INTO certificates (code, account_id, module_id, module_title, module_version, score, issued_at) "
          + "SELECT 'SYN-' || g.account_id || '-' || g.module_id, g.account_id, g.module_id, g.module_id, 1, 90, "
          + "now() - (random() * 40)::int * interval '1 day' FROM gen_state g WHERE g.state = 2");
      s.execute("DROP TABLE gen_learners");
      s.execute("DROP TABLE gen_accounts");
      s.execute("DROP TABLE gen_state");
    }
  }

  /**
   * A country of {@code people} personnel: 8 units, 5 cohorts each of an equal share, as {@link #learners} makes them;
   * prints the country's id and its coordinator's username.
   */
  static void country(Connection c, int people) throws Exception {
    c.setAutoCommit(false);
    long country = id(c, "INSERT INTO organisations (name, country) VALUES ('Synthetic country ' || " + System.nanoTime() + ", 'Synthetic') RETURNING id");
    int per = people / 40;
    for (int u = 1; u <= 8; u++) {
      long unit = id(c, "INSERT INTO organisations (name, country, parent_id) VALUES ('Unit " + u + " of " + country + "', 'Synthetic', " + country
          + ") RETURNING id");
      for (int k = 1; k <= 5; k++) {
        long cohort = id(c, "INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) VALUES (" + unit + ", 'Rotation " + k
            + "', current_date - 60, current_date + " + (10 * k) + ") RETURNING id");
        learners(c, unit, cohort, per, "cty" + country + "-", ((u - 1) * 5 + (k - 1)) * per);
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO accounts (organisation_id, username, display_name, role, password_hash) SELECT " + country
          + ", 'coord-country-" + country + "', 'Bench Coordinator', 'coordinator', password_hash FROM accounts WHERE username = 'learner'");
    }
    c.commit();
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.execute("ANALYZE");
    }
    System.out.println("country " + country + " coord-country-" + country);
  }

  private static long id(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String firstHundred(Connection c, long cohort) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT string_agg(account_id::text, ',') FROM (SELECT account_id "
        + "FROM cohort_members WHERE cohort_id = " + cohort + " ORDER BY account_id LIMIT 100) t")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** EXPLAIN ANALYZE of the server's own report queries (from CohortRepository), with a first page of 100 learners. */
  private static void explain(Connection c, long cohort) throws Exception {
    Map<String, String> args = Map.of(
        "summary", "(" + cohort + ", current_date)",
        "page", "(" + cohort + ", NULL, NULL, current_date, 0, 100)",
        "page cells", "(" + cohort + ", current_date, ARRAY[" + firstHundred(c, cohort) + "]::bigint[])",
        "export", "(" + cohort + ", current_date)");
    int n = 0;
    for (Map.Entry<String, String> q : CohortRepository.reportQueries().entrySet()) {
      System.out.println("-- " + q.getKey());
      String name = "q" + n++;
      try (Statement s = c.createStatement()) {
        s.execute("PREPARE " + name + " AS " + q.getValue());
        try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE " + name + args.get(q.getKey()))) {
          while (rs.next()) {
            System.out.println(rs.getString(1));
          }
        }
      }
    }
  }
}
