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
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A population of simulated learners against a running Pillars started on bench/courses. Each learner has its
 * own account, arrives at a random moment of the ramp-up, logs in once (API token), then walks the bench
 * modules lesson by lesson: GET the lesson page, POST it read, and after a module's last lesson start and
 * submit its quiz; a random think time (1-3 s by default) follows every request. Prints "key value" lines for
 * bench/learners.sh.
 * Run: java -cp target/pillars.jar bench/Learners.java setup PG_PORT COUNT
 *        creates accounts learner-bench-0 ... COUNT-1 (the demo learner's password hash; no hashing here)
 *      java -cp target/pillars.jar bench/Learners.java run APP_PORT FIRST LEARNERS RAMP_S SECONDS [THINK_MIN_MS THINK_MAX_MS]
 *        learners FIRST ... FIRST+LEARNERS-1; the measured window is the SECONDS after the RAMP_S ramp-up.
 *        Logins are reported whenever they happen; the other kinds only for requests started in the window.
 * Bounded: no request starts after RAMP_S + SECONDS, every request times out after 30 s, and the program
 * exits at RAMP_S + SECONDS + 40 s at the latest.
 */
public class Learners {

  static final String PASSWORD = "learner-demo-pillars";
  static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
  static final Pattern ATTEMPT = Pattern.compile("\"attempt\":\"([^\"]+)\"");
  // Same quiz in every bench module (bench/courses/*/quiz.md): QuizDriver's answers (score 70, a fail) and
  // all right (100, a pass; with every lesson read, a certificate). A learner passes with probability 0.6.
  static final String FAIL = "{\"answers\":{\"q0\":1,\"q1\":[0,1],\"q2\":1,\"q3\":0,\"q4\":[0,1,3],\"q5\":2,\"q6\":1,\"q7\":[1],\"q8\":1,\"q9\":1}}";
  static final String PASS = "{\"answers\":{\"q0\":1,\"q1\":[0,1,3],\"q2\":1,\"q3\":1,\"q4\":[0,1,3],\"q5\":1,\"q6\":1,\"q7\":[0,1,3],\"q8\":1,\"q9\":1}}";
  static final String[] KINDS = {"login", "page", "read", "start", "submit"};
  static final int LOGIN = 0, PAGE = 1, READ = 2, START = 3, SUBMIT = 4;
  // The lessons of bench/courses in order: {module, lesson}; a module's quiz follows its last lesson.
  static final String[][] PATH = path();

  static String[][] path() {
    List<String[]> p = new ArrayList<>();
    p.add(new String[] {"bench", "only", "last"});
    for (int m = 2; m <= 6; m++) {
      for (int l = 1; l <= 3; l++) {
        p.add(new String[] {"bench-" + m, "lesson-" + l, l == 3 ? "last" : ""});
      }
    }
    return p.toArray(new String[0][]);
  }

  record Sample(int kind, long startNanos, long nanos, boolean ok) {}

  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  static final ConcurrentLinkedQueue<Sample> SAMPLES = new ConcurrentLinkedQueue<>();
  static final AtomicInteger ERRORS_SHOWN = new AtomicInteger();
  static final AtomicLong ALL_REQUESTS = new AtomicLong();
  static final AtomicLong ALL_ERRORS = new AtomicLong();

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "setup" -> setup(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      case "run" -> run(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]), Integer.parseInt(args[5]),
          args.length > 6 ? Integer.parseInt(args[6]) : 1000, args.length > 7 ? Integer.parseInt(args[7]) : 3000);
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  static void setup(int pg, int count) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + pg + "/pillars?user=postgres")) {
      String hash;
      long org;
      try (ResultSet rs = c.createStatement().executeQuery("SELECT password_hash, organisation_id FROM accounts WHERE username = 'learner'")) {
        rs.next();
        hash = rs.getString(1);
        org = rs.getLong(2);
      }
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (organisation_id, username, display_name, role, password_hash) "
          + "VALUES (?, ?, ?, 'learner', ?) ON CONFLICT (username) DO NOTHING")) {
        for (int i = 0; i < count; i++) {
          ps.setLong(1, org);
          ps.setString(2, "learner-bench-" + i);
          ps.setString(3, "Simulated Learner " + i);
          ps.setString(4, hash);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      c.commit();
      System.out.println("accounts " + count);
    }
  }

  /** One request; records its latency and whether it succeeded (2xx/3xx). Returns the body, or null on failure. */
  static String call(int kind, HttpRequest req, long t0, long windowStart, long windowEnd) {
    long start = System.nanoTime();
    String body = null;
    boolean ok;
    try {
      HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      ok = r.statusCode() >= 200 && r.statusCode() < 400;
      body = r.body();
      if (!ok && ERRORS_SHOWN.incrementAndGet() <= 5) {
        System.err.println(KINDS[kind] + " " + req.uri().getPath() + " -> " + r.statusCode() + " " + body);
      }
    } catch (Exception e) {
      ok = false;
      if (ERRORS_SHOWN.incrementAndGet() <= 5) {
        System.err.println(KINDS[kind] + " " + req.uri().getPath() + " -> " + e);
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    long nanos = System.nanoTime() - start;
    ALL_REQUESTS.incrementAndGet();
    if (!ok) {
      ALL_ERRORS.incrementAndGet();
    }
    if (kind == LOGIN || (start >= windowStart && start < windowEnd)) {
      SAMPLES.add(new Sample(kind, start - t0, nanos, ok));
    }
    return ok ? body : null;
  }

  static HttpRequest.Builder request(int port, String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  static HttpRequest post(int port, String path, String token, String json) {
    return request(port, path, token).header("Content-Type", "application/json")
        .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)).build();
  }

  /** Sleeps a think time; false when the window would end during it (the learner then stops). */
  static boolean think(int min, int max, long end) throws InterruptedException {
    long ms = min + ThreadLocalRandom.current().nextInt(Math.max(1, max - min + 1));
    if (System.nanoTime() + ms * 1_000_000L >= end) {
      return false;
    }
    Thread.sleep(ms);
    return true;
  }

  static void run(int port, int first, int learners, int rampS, int seconds, int thinkMin, int thinkMax) throws Exception {
    long t0 = System.nanoTime();
    long windowStart = t0 + rampS * 1_000_000_000L;
    long windowEnd = windowStart + seconds * 1_000_000_000L;
    AtomicInteger loggedIn = new AtomicInteger();
    AtomicInteger activeAtWindow = new AtomicInteger();
    AtomicLong lastLogin = new AtomicLong();
    AtomicLong quizzes = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(learners);
    for (int i = 0; i < learners; i++) {
      int n = first + i;
      pool.submit(() -> {
        try {
          Thread.sleep(rampS == 0 ? 0 : ThreadLocalRandom.current().nextLong(rampS * 1000L));
          String body = call(LOGIN, post(port, "/api/auth/token", null,
              "{\"username\":\"learner-bench-" + n + "\",\"password\":\"" + PASSWORD + "\"}"), t0, windowStart, windowEnd);
          lastLogin.accumulateAndGet(System.nanoTime() - t0, Math::max);
          Matcher tm = body == null ? null : TOKEN.matcher(body);
          if (tm == null || !tm.find()) {
            return null;
          }
          String token = tm.group(1);
          loggedIn.incrementAndGet();
          if (System.nanoTime() < windowStart) {
            activeAtWindow.incrementAndGet();
          }
          int step = ThreadLocalRandom.current().nextInt(PATH.length);
          while (think(thinkMin, thinkMax, windowEnd)) {
            String[] at = PATH[step];
            String lesson = "/modules/" + at[0] + "/" + at[1];
            call(PAGE, request(port, lesson, token).GET().build(), t0, windowStart, windowEnd);
            if (!think(thinkMin, thinkMax, windowEnd)) {
              break;
            }
            call(READ, post(port, "/api/modules/" + at[0] + "/lessons/" + at[1] + "/read", token, null),
                t0, windowStart, windowEnd);
            if (!at[2].isEmpty()) {
              if (!think(thinkMin, thinkMax, windowEnd)) {
                break;
              }
              String started = call(START, post(port, "/api/modules/" + at[0] + "/attempts", token, null), t0, windowStart, windowEnd);
              Matcher am = started == null ? null : ATTEMPT.matcher(started);
              if (am != null && am.find()) {
                if (!think(thinkMin, thinkMax, windowEnd)) {
                  break;
                }
                if (call(SUBMIT, post(port, "/api/attempts/" + am.group(1) + "/submit", token,
                    ThreadLocalRandom.current().nextDouble() < 0.6 ? PASS : FAIL), t0, windowStart, windowEnd) != null) {
                  quizzes.incrementAndGet();
                }
              }
            }
            step = (step + 1) % PATH.length;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      });
    }
    pool.shutdown();
    if (!pool.awaitTermination(rampS + seconds + 40L, TimeUnit.SECONDS)) {
      System.err.println("learners still running at the time limit; stopping them");
      pool.shutdownNow();
    }
    report(learners, loggedIn.get(), activeAtWindow.get(), lastLogin.get(), seconds);
    System.exit(0);
  }

  static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  static void report(int learners, int loggedIn, int active, long lastLoginNanos, int seconds) {
    List<Sample> all = new ArrayList<>(SAMPLES);
    long windowRequests = 0;
    long windowErrors = 0;
    System.out.printf("learners %d%nloggedin %d%nactive_at_window %d%nlast_login_s %.1f%n", learners, loggedIn, active, lastLoginNanos / 1e9);
    for (int k = 0; k < KINDS.length; k++) {
      int kind = k;
      long[] ns = all.stream().filter(s -> s.kind() == kind).mapToLong(Sample::nanos).sorted().toArray();
      long errors = all.stream().filter(s -> s.kind() == kind && !s.ok()).count();
      System.out.printf("kind %s n %d errors %d p50 %.2f p99 %.2f max %.2f%n", KINDS[k], ns.length, errors,
          pct(ns, 0.50), pct(ns, 0.99), ns.length == 0 ? Double.NaN : ns[ns.length - 1] / 1e6);
      if (k != LOGIN) {
        windowRequests += ns.length;
        windowErrors += errors;
      }
    }
    System.out.printf("window_requests %d%nwindow_errors %d%nrate %.1f%n", windowRequests, windowErrors, windowRequests / (double) seconds);
    System.out.printf("all_requests %d%nall_errors %d%n", ALL_REQUESTS.get(), ALL_ERRORS.get());
  }
}
