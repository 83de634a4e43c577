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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives the quiz and login benchmarks against a running Pillars (embedded database) and the insert
 * baseline. Prints "key value" lines for bench/quiz-and-login.sh.
 * Run: java -cp target/pillars.jar bench/QuizDriver.java APP_PORT BASELINE_PORT PG_PORT MODE
 *   MODE setup   : creates bench learners (same hash as the demo learner) and prints the first account id
 *   MODE quiz SECONDS ROUNDS [WARMUP] : alternates timed rounds of quiz cycles (start + submit) against Pillars and
 *                  the baseline, after WARMUP seconds (default 3) of each
 *   MODE logins  : times logins with a wrong password and with an unknown username
 *   MODE loginload SECONDS : logs the demo learner in continuously with 4 threads (load for the page test)
 */
public class QuizDriver {

  static final int LEARNERS = 16;
  static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");
  static final Pattern ATTEMPT = Pattern.compile("\"attempt\":\"([^\"]+)\"");
  static final String ANSWERS = "{\"answers\":{\"q0\":1,\"q1\":[0,1],\"q2\":1,\"q3\":0,\"q4\":[0,1,3],\"q5\":2,\"q6\":1,\"q7\":[1],\"q8\":1,\"q9\":1}}";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    int app = Integer.parseInt(args[0]);
    int baseline = Integer.parseInt(args[1]);
    int pg = Integer.parseInt(args[2]);
    String jdbc = "jdbc:postgresql://localhost:" + pg + "/pillars?user=postgres";
    switch (args[3]) {
      case "setup" -> setup(jdbc);
      case "quiz" -> quiz(app, baseline, jdbc, Integer.parseInt(args[4]), Integer.parseInt(args[5]),
          args.length > 6 ? Integer.parseInt(args[6]) : 3);
      case "logins" -> logins(app, jdbc);
      case "loginload" -> loginLoad(app, Integer.parseInt(args[4]));
      default -> throw new IllegalArgumentException(args[3]);
    }
  }

  static void setup(String jdbc) throws Exception {
    // Bench learners share the demo learner's password hash: no need to hash 16 times.
    try (Connection c = DriverManager.getConnection(jdbc)) {
      String hash;
      long org;
      try (ResultSet rs = c.createStatement().executeQuery("SELECT password_hash, organisation_id FROM accounts WHERE username = 'learner'")) {
        rs.next();
        hash = rs.getString(1);
        org = rs.getLong(2);
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts (organisation_id, username, display_name, role, password_hash) "
          + "VALUES (?, ?, ?, 'learner', ?) ON CONFLICT (username) DO NOTHING")) {
        for (int i = 0; i < LEARNERS; i++) {
          ps.setLong(1, org);
          ps.setString(2, "bench" + i);
          ps.setString(3, "Bench Learner " + i);
          ps.setString(4, hash);
          ps.executeUpdate();
        }
      }
      try (ResultSet rs = c.createStatement().executeQuery("SELECT id FROM accounts WHERE username = 'learner'")) {
        rs.next();
        System.out.println("account " + rs.getLong(1));
      }
    }
  }

  static String post(int port, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(path + " -> " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  static String login(int port, String user) throws Exception {
    Matcher m = TOKEN.matcher(post(port, "/api/auth/token", null,
        "{\"username\":\"" + user + "\",\"password\":\"learner-demo-pillars\"}"));
    m.find();
    return m.group(1);
  }

  static long cycles(int port, boolean pillars, List<String> tokens, List<Long> ids, int seconds) throws Exception {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(tokens.size());
    List<Future<?>> work = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      long account = ids.get(i);
      work.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          String started = pillars ? post(port, "/api/modules/bench/attempts", token, "{}")
              : post(port, "/attempts", null, "{\"account\":" + account + "}");
          Matcher m = ATTEMPT.matcher(started);
          m.find();
          post(port, (pillars ? "/api/attempts/" : "/attempts/") + m.group(1) + "/submit", pillars ? token : null, ANSWERS);
          done.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    return done.get();
  }

  static void quiz(int app, int baseline, String jdbc, int seconds, int rounds, int warmup) throws Exception {
    List<String> tokens = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbc);
         PreparedStatement ps = c.prepareStatement("SELECT id FROM accounts WHERE username = ?")) {
      for (int i = 0; i < LEARNERS; i++) {
        tokens.add(login(app, "bench" + i));
        ps.setString(1, "bench" + i);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          ids.add(rs.getLong(1));
        }
      }
    }
    cycles(app, true, tokens, ids, warmup);
    cycles(baseline, false, tokens, ids, warmup);
    long appPid = Long.getLong("app.pid", -1);
    long basePid = Long.getLong("baseline.pid", -1);
    for (int r = 0; r < rounds; r++) {
      long[] before = cpu(appPid, basePid);
      long pillarsCycles = cycles(app, true, tokens, ids, seconds);
      long[] middle = cpu(appPid, basePid);
      long baselineCycles = cycles(baseline, false, tokens, ids, seconds);
      long[] after = cpu(appPid, basePid);
      System.out.printf("pillars %.1f%n", pillarsCycles / (double) seconds);
      System.out.printf("baseline %.1f%n", baselineCycles / (double) seconds);
      // CPU milliseconds per cycle: the server's JVM and all of PostgreSQL, during each side's round
      System.out.printf("cpu pillars %.2f %.2f%n", (middle[0] - before[0]) / (double) pillarsCycles,
          (middle[2] - before[2]) / (double) pillarsCycles);
      System.out.printf("cpu baseline %.2f %.2f%n", (after[1] - middle[1]) / (double) baselineCycles,
          (after[2] - middle[2]) / (double) baselineCycles);
    }
  }

  /** CPU milliseconds used so far by the app's JVM, the baseline's JVM and every postgres process (Linux /proc). */
  static long[] cpu(long appPid, long basePid) {
    long pg = 0;
    java.io.File[] procs = new java.io.File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
    for (java.io.File f : procs == null ? new java.io.File[0] : procs) {
      String stat = stat(Long.parseLong(f.getName()));
      if (stat != null && stat.contains("(postgres)")) {
        pg += ticks(stat);
      }
    }
    String a = stat(appPid);
    String b = stat(basePid);
    long hz = 100; // USER_HZ on Linux
    return new long[] {a == null ? 0 : ticks(a) * 1000 / hz, b == null ? 0 : ticks(b) * 1000 / hz, pg * 1000 / hz};
  }

  static String stat(long pid) {
    try {
      return pid < 0 ? null : java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** utime + stime from a /proc/PID/stat line (fields 14 and 15, counted after the command in parentheses). */
  static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  static double[] timeLogins(int app, String user, String password, int n) throws Exception {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + app + "/api/auth/token"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user.replace("#", String.valueOf(i))
              + "\",\"password\":\"" + password + "\"}")).build();
      long t = System.nanoTime();
      HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
      ms[i] = (System.nanoTime() - t) / 1e6;
      if (r.statusCode() != 401) {
        throw new IllegalStateException("expected 401, got " + r.statusCode() + " " + r.body());
      }
    }
    return ms;
  }

  /** Alternates the two kinds of refused login one request at a time, so machine noise hits both alike. */
  static void logins(int app, String jdbc) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc)) {
      timeLogins(app, "bench#", "not-the-password", 4);
      double[] wrongPassword = new double[30];
      double[] unknownUser = new double[30];
      for (int i = 0; i < 30; i++) {
        if (i % 4 == 0) {
          c.createStatement().execute("DELETE FROM login_failures");
        }
        wrongPassword[i] = timeLogins(app, "bench" + (i % LEARNERS), "not-the-password", 1)[0];
        unknownUser[i] = timeLogins(app, "nobody-" + i, "learner-demo-pillars", 1)[0];
      }
      c.createStatement().execute("DELETE FROM login_failures");
      System.out.printf("wrongpassword %s%nunknownuser %s%n", join(wrongPassword), join(unknownUser));
    }
  }

  static String join(double[] values) {
    StringBuilder b = new StringBuilder();
    Arrays.stream(values).forEach(v -> b.append(String.format("%.1f ", v)));
    return b.toString().trim();
  }

  static void loginLoad(int app, int seconds) throws Exception {
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> work = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      work.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          login(app, "learner");
          done.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
    System.out.printf("logins %.1f%n", done.get() / (double) seconds);
  }
}
