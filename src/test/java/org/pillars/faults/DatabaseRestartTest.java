package org.pillars.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.pillars.config.AppConfig;
import org.pillars.db.EmbeddedPostgresServer;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.Trees;

/**
 * PostgreSQL restarts while learners submit quizzes: what was answered with success is stored exactly once,
 * clients meanwhile get 503 with Retry-After (never a 500), and the server recovers by itself.
 */
class DatabaseRestartTest {

  private static final int WORKERS = 6;

  @Test
  @DisplayName("a database restart under quiz load loses no acknowledged submission, answers 503 + Retry-After meanwhile, and recovers alone")
  void restartUnderLoad() throws Exception {
    Path data = Files.createTempDirectory("pillars-restart");
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(data.resolve("postgres"), 0);
    int port = postgres.port();
    TestApp server = TestApp.start(Map.of(AppConfig.DATABASE_URL, "postgresql://postgres@localhost:" + port + "/" + postgres.database(),
        AppConfig.JWT_KEY_FILE, TestApp.keyFile().toString(), AppConfig.COURSES, "src/test/resources/courses/unlimited"));
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> workers = new ArrayList<>();
    try {
      for (int w = 0; w < WORKERS; w++) {
        String token = Accounts.token(server, Accounts.create(server, "learner"));
        Thread worker = new Thread(() -> submitUntilStopped(server, token, stop, acknowledged, statuses, wrong), "learner-" + w);
        workers.add(worker);
        worker.start();
      }
      waitFor(() -> acknowledged.size() >= 20, "submissions before the outage");
      int before = acknowledged.size();

      postgres.close();  // the outage: every connection of the pool breaks
      waitFor(() -> statuses.stream().filter(s -> s == 503).count() >= 10, () -> "503 answers during the outage; got "
          + statuses.stream().collect(java.util.stream.Collectors.groupingBy(s -> s, java.util.stream.Collectors.counting())) + " " + wrong);
      int during = acknowledged.size();
      await("nothing to be acknowledged for a second while the database is down").during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(2)).until(() -> acknowledged.size() == during);
      HttpResponse<Buffer> health = server.get("/health");
      assertEquals(503, health.statusCode(), health.bodyAsString());

      postgres = EmbeddedPostgresServer.start(data.resolve("postgres"), port);  // back, same address, same data
      waitFor(() -> acknowledged.size() >= during + 20, "submissions after the restart, without restarting the server");
      assertEquals(200, server.get("/health").statusCode());
      stop.set(true);
      for (Thread worker : workers) {
        worker.join(30_000);
      }

      assertTrue(wrong.isEmpty(), "answers other than success or 503 + Retry-After: " + wrong);
      assertTrue(before >= 20 && statuses.contains(503), "the test did not cross an outage");
      List<UUID> ids = acknowledged.stream().map(UUID::fromString).toList();
      long stored = server.app().database().pool().preparedQuery(
          "SELECT count(*) FROM attempts WHERE id = ANY($1) AND submitted_at IS NOT NULL AND score = 100")
          .execute(Tuple.of((Object) ids.toArray(UUID[]::new))).await().iterator().next().getLong(0);
      assertEquals(ids.size(), stored, "every submission answered with success is stored, once (attempt ids are keys)");
    } finally {
      stop.set(true);
      for (Thread worker : workers) {
        worker.join(30_000);
      }
      server.close();
      postgres.close();
      Trees.delete(data);
    }
  }

  /** One learner's loop: start an attempt, submit it right, again and again; 503s are retried after a pause. */
  private static void submitUntilStopped(TestApp server, String token, AtomicBoolean stop, Set<String> acknowledged,
      ConcurrentLinkedQueue<Integer> statuses, ConcurrentLinkedQueue<String> wrong) {
    String open = null;
    while (!stop.get()) {
      try {
        if (open == null) {
          HttpResponse<Buffer> started = call(server, "/api/modules/drill/attempts", token, new JsonObject());
          if (!record(started, statuses, wrong, 200, 201)) {
            continue;
          }
          open = started.bodyAsJsonObject().getString("attempt");
        }
        HttpResponse<Buffer> submitted = call(server, "/api/attempts/" + open + "/submit", token,
            new JsonObject().put("answers", new JsonObject().put("q0", 1)));
        if (record(submitted, statuses, wrong, 200)) {
          acknowledged.add(open);
          open = null;
        }
      } catch (RuntimeException e) {
        wrong.add("exception " + e);
        pause(200);
      }
    }
  }

  /** True on an expected success; a 503 must carry Retry-After (then we wait a little); anything else is wrong. */
  private static boolean record(HttpResponse<Buffer> r, ConcurrentLinkedQueue<Integer> statuses, ConcurrentLinkedQueue<String> wrong,
      int... ok) {
    statuses.add(r.statusCode());
    for (int s : ok) {
      if (r.statusCode() == s) {
        pause(20);
        return true;
      }
    }
    if (r.statusCode() != 503 || r.getHeader("Retry-After") == null
        || !"unavailable".equals(r.bodyAsJsonObject().getString("error"))) {
      wrong.add(r.statusCode() + " " + r.getHeader("Retry-After") + " " + r.bodyAsString());
    }
    pause(200);
    return false;
  }

  private static HttpResponse<Buffer> call(TestApp server, String path, String token, JsonObject body) {
    return server.send(HttpMethod.POST, path, body.toBuffer(), "Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) {
    waitFor(condition, () -> what);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> assertTrue(condition.getAsBoolean(), () -> "waited 30 s for " + what.get()));
  }
}
