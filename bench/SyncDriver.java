import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives bench/sync.sh against a running Pillars (embedded database, bench/courses). Two groups of LEARNERS
 * learners do the same work: 5 quiz attempts at bench-2 (10 answers each) and 10 lessons marked read (bench-2,
 * bench-3, bench-4 and the first of bench-5).
 * - online: each learner, one request at a time (start, submit; read, read, ...), all learners at once;
 * - reconnect: each learner's outbox of those 15 items in one POST /api/sync, all learners in the same instant (a
 *   barrier), as after an outage; then every outbox sent again (a retry of all), which must store nothing.
 * Then it counts, in PostgreSQL, what was stored for each group. Prints "key value" lines.
 * Run: java -cp target/pillars.jar bench/SyncDriver.java APP_PORT PG_PORT LEARNERS
 */
public class SyncDriver {

  static final String HASH_OF = "learner";
  static final String ANSWERS = "{\"q0\":1,\"q1\":[0,1,3],\"q2\":1,\"q3\":1,\"q4\":[0,1,3],\"q5\":1,\"q6\":1,\"q7\":[0,1,3],\"q8\":1,\"q9\":1}";
  static final String[][] READS = {{"bench-2", "lesson-1"}, {"bench-2", "lesson-2"}, {"bench-2", "lesson-3"}, {"bench-3", "lesson-1"},
      {"bench-3", "lesson-2"}, {"bench-3", "lesson-3"}, {"bench-4", "lesson-1"}, {"bench-4", "lesson-2"}, {"bench-4", "lesson-3"},
      {"bench-5", "lesson-1"}};
  static final int ATTEMPTS = 5;
  static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
  static final Pattern ATTEMPT = Pattern.compile("\"attempt\":\"([^\"]+)\"");
  static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z]+)\"");
  // HTTP/1.1, one connection per learner in flight, as phones on their own links (HTTP/2 would share one connection)
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  public static void main(String[] args) throws Exception {
    int app = Integer.parseInt(args[0]);
    String jdbc = "jdbc:postgresql://localhost:" + Integer.parseInt(args[1]) + "/pillars?user=postgres";
    int learners = Integer.parseInt(args[2]);
    createLearners(jdbc, learners);
    get(app, "/api/modules/bench-2/quiz");

    // warm-up: a tenth of the learners of a third group through both paths, so neither side runs cold code
    int warm = Math.max(1, learners / 10);
    run("warm", learners, warm, i -> {
      String token = login(app, "warm" + i);
      online(app, token, new Stats());
      post(app, "/api/sync", token, outbox());
    });

    List<String> onlineTokens = logins(app, "online", learners);
    List<String> syncTokens = logins(app, "sync", learners);

    Stats online = new Stats();
    long onlineNanos = run("online", learners, learners, i -> online(app, onlineTokens.get(i), online));

    Stats sync = new Stats();
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < learners; i++) {
      bodies.add(outbox());
    }
    AtomicInteger stored = new AtomicInteger();
    long syncNanos = run("reconnect", learners, learners, i -> {
      String answer = sync.timed(() -> post(app, "/api/sync", syncTokens.get(i), bodies.get(i)));
      stored.addAndGet(count(answer, "stored"));
    });
    Stats retry = new Stats();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger storedAgain = new AtomicInteger();
    long retryNanos = run("retry", learners, learners, i -> {
      String answer = retry.timed(() -> post(app, "/api/sync", syncTokens.get(i), bodies.get(i)));
      duplicates.addAndGet(count(answer, "duplicate"));
      storedAgain.addAndGet(count(answer, "stored"));
    });

    System.out.println("learners " + learners);
    System.out.println("online_requests " + online.count() + " errors " + online.errors.get() + " wall_ms " + onlineNanos / 1_000_000
        + " p50_ms " + online.percentile(50) + " p99_ms " + online.percentile(99));
    System.out.println("sync_requests " + sync.count() + " errors " + sync.errors.get() + " wall_ms " + syncNanos / 1_000_000
        + " p50_ms " + sync.percentile(50) + " p99_ms " + sync.percentile(99) + " stored " + stored.get());
    System.out.println("retry_requests " + retry.count() + " errors " + retry.errors.get() + " wall_ms " + retryNanos / 1_000_000
        + " p50_ms " + retry.percentile(50) + " p99_ms " + retry.percentile(99) + " duplicate " + duplicates.get()
        + " stored " + storedAgain.get());
    try (Connection c = DriverManager.getConnection(jdbc)) {
      for (String group : new String[] {"online", "sync"}) {
        System.out.println(group + "_db attempts " + one(c, "SELECT count(*) FROM attempts t JOIN accounts a ON a.id = t.account_id "
            + "WHERE a.username LIKE ? AND t.submitted_at IS NOT NULL AND NOT t.held", group + "%")
            + " reads " + one(c, "SELECT count(*) FROM lesson_reads r JOIN accounts a ON a.id = r.account_id WHERE a.username LIKE ?", group + "%")
            + " counted " + one(c, "SELECT coalesce(sum(p.attempts), 0) FROM module_progress p JOIN accounts a ON a.id = p.account_id "
            + "WHERE a.username LIKE ?", group + "%"));
      }
    }
  }

  /** One learner online: 5 attempts (start, submit), then 10 lessons marked read, one request at a time. */
  static void online(int app, String token, Stats stats) throws Exception {
    for (int a = 0; a < ATTEMPTS; a++) {
      Matcher m = ATTEMPT.matcher(stats.timed(() -> post(app, "/api/modules/bench-2/attempts", token, "{}")));
      if (!m.find()) {
        throw new IllegalStateException("no attempt id");
      }
      stats.timed(() -> post(app, "/api/attempts/" + m.group(1) + "/submit", token, "{\"answers\":" + ANSWERS + "}"));
    }
    for (String[] r : READS) {
      stats.timed(() -> post(app, "/api/modules/" + r[0] + "/lessons/" + r[1] + "/read", token, null));
    }
  }

  /** What a phone queued while offline: 5 attempts, each with its own key, and 10 reads. */
  static String outbox() {
    StringBuilder items = new StringBuilder();
    for (int a = 0; a < ATTEMPTS; a++) {
      items.append(items.length() == 0 ? "" : ",").append("{\"key\":\"").append(UUID.randomUUID())
          .append("\",\"kind\":\"attempt\",\"module\":\"bench-2\",\"version\":1,\"answeredAt\":\"2026-12-01T08:00:00Z\",\"answers\":")
          .append(ANSWERS).append('}');
    }
    for (String[] r : READS) {
      items.append(",{\"key\":\"").append(UUID.randomUUID()).append("\",\"kind\":\"read\",\"module\":\"").append(r[0])
          .append("\",\"lesson\":\"").append(r[1]).append("\"}");
    }
    return "{\"items\":[" + items + "]}";
  }

  interface Call {
    String call() throws Exception;
  }

  interface Work {
    void run(int learner) throws Exception;
  }

  /** Request latencies and errors of one phase. */
  static final class Stats {
    final ConcurrentLinkedQueue<Long> micros = new ConcurrentLinkedQueue<>();
    final AtomicInteger errors = new AtomicInteger();

    String timed(Call call) throws Exception {
      long t = System.nanoTime();
      try {
        return call.call();
      } catch (Exception e) {
        errors.incrementAndGet();
        throw e;
      } finally {
        micros.add((System.nanoTime() - t) / 1000);
      }
    }

    int count() {
      return micros.size();
    }

    String percentile(int p) {
      long[] all = micros.stream().mapToLong(Long::longValue).sorted().toArray();
      if (all.length == 0) {
        return "?";
      }
      return String.format("%.1f", all[Math.min(all.length - 1, (int) Math.ceil(p / 100.0 * all.length) - 1)] / 1000.0);
    }
  }

  /** Runs {@code work} for learners 0..n-1, one thread each, released together; returns the wall time in ns. */
  static long run(String phase, int threads, int n, Work work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int learner = i;
      all.add(pool.submit(() -> {
        ready.countDown();
        go.await();
        work.run(learner);
        return null;
      }));
    }
    ready.await();
    long t = System.nanoTime();
    go.countDown();
    int failed = 0;
    for (Future<?> f : all) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        if (failed++ == 0) {
          System.err.println(phase + ": " + e.getCause());
        }
      }
    }
    long wall = System.nanoTime() - t;
    pool.shutdown();
    if (failed > 0) {
      System.err.println(phase + ": " + failed + " learners failed");
    }
    return wall;
  }

  static int count(String answer, String status) {
    Matcher m = STATUS.matcher(answer);
    int n = 0;
    while (m.find()) {
      n += m.group(1).equals(status) ? 1 : 0;
    }
    return n;
  }

  static void createLearners(String jdbc, int n) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc)) {
      String hash;
      long org;
      try (PreparedStatement ps = c.prepareStatement("SELECT password_hash, organisation_id FROM accounts WHERE username = ?")) {
        ps.setString(1, HASH_OF);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          hash = rs.getString(1);
          org = rs.getLong(2);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (organisation_id, username, display_name, role, password_hash) "
          + "VALUES (?, ?, ?, 'learner', ?) ON CONFLICT (username) DO NOTHING")) {
        for (String group : Arrays.asList("online", "sync", "warm")) {
          for (int i = 0; i < n; i++) {
            ps.setLong(1, org);
            ps.setString(2, group + i);
            ps.setString(3, "Bench " + group + " " + i);
            ps.setString(4, hash);
            ps.addBatch();
          }
        }
        ps.executeBatch();
      }
    }
  }

  static List<String> logins(int app, String group, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<String>> tokens = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String user = group + i;
      tokens.add(pool.submit(() -> login(app, user)));
    }
    List<String> list = new ArrayList<>();
    for (Future<String> f : tokens) {
      list.add(f.get());
    }
    pool.shutdown();
    return list;
  }

  static long one(Connection c, String sql, String like) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, like);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static String get(int port, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + " -> " + r.statusCode());
    }
    return r.body();
  }

  static String post(int port, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  static String login(int app, String user) throws Exception {
    Matcher m = TOKEN.matcher(post(app, "/api/auth/token", null, "{\"username\":\"" + user + "\",\"password\":\"learner-demo-pillars\"}"));
    if (!m.find()) {
      throw new IllegalStateException("no token for " + user);
    }
    return m.group(1);
  }
}
