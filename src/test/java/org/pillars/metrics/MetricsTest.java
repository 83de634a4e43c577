package org.pillars.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.support.Accounts;
import org.pillars.support.AlphaAnswers;
import org.pillars.support.Cohorts;
import org.pillars.support.PrometheusText;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * GET /metrics as a scraper reads it (parsed strictly, PrometheusText): Vert.x's meters and ours, each counter moved
 * by the thing it counts, each server with meters of its own; and who may read them.
 */
@ExtendWith(TestPostgres.class)
class MetricsTest {

  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** The server's metrics as read from loopback, which the default PILLARS_METRICS_ADDRESSES admits. */
  private static PrometheusText.Exposition scrape(TestApp app) {
    HttpResponse<Buffer> r = app.get("/metrics");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("text/plain; version=0.0.4; charset=utf-8", r.getHeader("Content-Type"));
    try {
      return PrometheusText.parse(r.bodyAsString());
    } catch (IllegalArgumentException e) {
      throw new AssertionError(e.getMessage() + "\n" + r.bodyAsString(), e);
    }
  }

  private static HttpResponse<Buffer> json(String path, String token, JsonObject body) {
    return server.send(HttpMethod.POST, path, body.toBuffer(), "Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  private static void moved(PrometheusText.Exposition before, PrometheusText.Exposition after, double by, String name,
                            String... labels) {
    double was = before.value(name, labels);
    double is = after.value(name, labels);
    assertEquals(by, is - was, name + java.util.Arrays.toString(labels) + " went from " + was + " to " + is + "; scraped:\n"
        + after.samples(name));
  }

  @Test
  @DisplayName("a login, a quiz submission, an offline sync and a roster import each move their counter, and nothing else does")
  void countersMove() {
    String learner = Accounts.create(server, "learner");
    long org = Cohorts.organisation(server, "Metrics Land");
    String coordinatorName = Accounts.create(server, "coordinator", org);
    long cohort = Cohorts.cohort(server, org, "Metrics cohort");
    PrometheusText.Exposition before = scrape(server);

    String token = Accounts.token(server, learner);
    HttpResponse<Buffer> refused = server.send(HttpMethod.POST, "/api/auth/token", new JsonObject().put("username", learner)
        .put("password", "not-the-passphrase").toBuffer(), "Content-Type", "application/json");
    assertEquals(401, refused.statusCode(), refused.bodyAsString());
    PrometheusText.Exposition logins = scrape(server);
    moved(before, logins, 1, "pillars_logins_total", "outcome", "success");
    moved(before, logins, 1, "pillars_logins_total", "outcome", "failure");
    moved(before, logins, 0, "pillars_quiz_submissions_total");

    String attempt = json("/api/modules/alpha/attempts", token, new JsonObject()).bodyAsJsonObject().getString("attempt");
    HttpResponse<Buffer> submitted = json("/api/attempts/" + attempt + "/submit", token,
        new JsonObject().put("answers", AlphaAnswers.allWrong()));
    assertEquals(200, submitted.statusCode(), submitted.bodyAsString());
    json("/api/attempts/" + attempt + "/submit", token, new JsonObject().put("answers", AlphaAnswers.allWrong()));
    PrometheusText.Exposition online = scrape(server);
    moved(logins, online, 1, "pillars_quiz_submissions_total", "source", "online");
    moved(logins, online, 0, "pillars_sync_items_total");
    assertTrue(online.value("pillars_quiz_grading_seconds_count") >= logins.value("pillars_quiz_grading_seconds_count") + 1,
        "grading was timed: " + online.samples("pillars_quiz_grading_seconds_count"));
    assertEquals("summary", online.family("pillars_quiz_grading_seconds").type());

    JsonArray outbox = new JsonArray()
        .add(new JsonObject().put("key", UUID.randomUUID().toString()).put("kind", "read").put("module", "alpha").put("lesson", "first"))
        .add(new JsonObject().put("key", UUID.randomUUID().toString()).put("kind", "attempt").put("module", "alpha").put("version", 3)
            .put("answers", AlphaAnswers.allRight()).put("answeredAt", "2026-11-28T09:30:00Z"))
        .add(new JsonObject().put("key", "not-a-uuid").put("kind", "read").put("module", "alpha").put("lesson", "first"));
    HttpResponse<Buffer> synced = json("/api/sync", token, new JsonObject().put("items", outbox));
    assertEquals(200, synced.statusCode(), synced.bodyAsString());
    PrometheusText.Exposition sync = scrape(server);
    moved(online, sync, 2, "pillars_sync_items_total", "status", "stored");
    moved(online, sync, 1, "pillars_sync_items_total", "status", "refused");
    moved(online, sync, 1, "pillars_quiz_submissions_total", "source", "offline");
    moved(online, sync, 0, "pillars_quiz_submissions_total", "source", "online");
    HttpResponse<Buffer> again = json("/api/sync", token, new JsonObject().put("items", new JsonArray().add(outbox.getJsonObject(1))));
    assertEquals("duplicate", again.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("status"), again.bodyAsString());
    PrometheusText.Exposition resent = scrape(server);
    moved(sync, resent, 1, "pillars_sync_items_total", "status", "duplicate");
    moved(sync, resent, 0, "pillars_quiz_submissions_total", "source", "offline");
    sync = resent;

    String coordinator = Accounts.token(server, coordinatorName);
    HttpResponse<Buffer> imported = server.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/import",
        Buffer.buffer("name,service number,rank,unit,email\nAda Metric,MT-1,Private,A,\nBen Metric,MT-2,Private,A,\n"
            .getBytes(StandardCharsets.UTF_8)), "Authorization", "Bearer " + coordinator, "Content-Type", "text/csv");
    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    HttpResponse<Buffer> rejected = server.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/import",
        Buffer.buffer("name,service number,rank,unit,email\nAda Metric,MT-1,Private,A,\n,MT-3,Private,A,\n"
            .getBytes(StandardCharsets.UTF_8)), "Authorization", "Bearer " + coordinator, "Content-Type", "text/csv");
    assertEquals(400, rejected.statusCode(), rejected.bodyAsString());
    PrometheusText.Exposition rows = scrape(server);
    moved(sync, rows, 2, "pillars_import_rows_total", "outcome", "created");
    moved(sync, rows, 1, "pillars_import_rows_total", "outcome", "rejected");
    moved(sync, rows, 0, "pillars_import_rows_total", "outcome", "unchanged");
    moved(sync, rows, 1, "pillars_logins_total", "outcome", "success");  // the coordinator's
    assertEquals("counter", rows.family("pillars_import_rows_total").type());
  }

  @Test
  @DisplayName("Vert.x's own meters are there: HTTP server requests by route and code, worker pools, event loops")
  void vertxMeters() {
    server.get("/health/live");
    PrometheusText.Exposition e = scrape(server);
    assertTrue(e.value("vertx_http_server_requests_total", "code", "200", "method", "GET") >= 1,
        "requests counted: " + e.samples("vertx_http_server_requests_total"));
    assertEquals("counter", e.family("vertx_http_server_requests_total").type());
    assertFalse(e.samples("vertx_http_server_active_connections").isEmpty(), e.families().keySet().toString());
    assertFalse(e.samples("vertx_pool_usage_seconds_count", "pool_type", "worker").isEmpty(), e.families().keySet().toString());
    assertFalse(e.samples("vertx_pool_in_use").isEmpty(), e.families().keySet().toString());
  }

  @Test
  @DisplayName("each server counts on its own: a login on a second server in the same JVM leaves the first one's count alone")
  void registryPerServer() {
    String learner = Accounts.create(server, "learner");
    double before = scrape(server).value("pillars_logins_total", "outcome", "success");
    try (TestApp other = TestApp.start()) {
      Accounts.token(other, Accounts.create(other, "learner"));
      assertEquals(1, scrape(other).value("pillars_logins_total", "outcome", "success"), "the second server's own login");
      assertEquals(before, scrape(server).value("pillars_logins_total", "outcome", "success"), "nothing leaked to the first");
      // Vert.x's meters too: the second server's requests so far are its login and one scrape, counted in its own registry
      PrometheusText.Exposition own = scrape(other);
      assertEquals(2, own.value("vertx_http_server_requests_total"), "only its own requests: " + own.samples("vertx_http_server_requests_total"));
    }
    Accounts.token(server, learner);
    assertEquals(before + 1, scrape(server).value("pillars_logins_total", "outcome", "success"));
  }

  @Test
  @DisplayName("from an address not listed, /metrics is refused without the token or with a wrong one, and served with it")
  void addressesAndToken() {
    String secret = "metrics-" + UUID.randomUUID();
    try (TestApp guarded = TestApp.start(Map.of(AppConfig.METRICS_ADDRESSES, "10.0.0.0/8, fd00::/8",
        AppConfig.METRICS_TOKEN, secret))) {
      HttpResponse<Buffer> none = guarded.get("/metrics", "Accept", "application/json");
      assertEquals(403, none.statusCode(), none.bodyAsString());
      assertTrue(none.bodyAsString().contains("PILLARS_METRICS_ADDRESSES"), "says why: " + none.bodyAsString());
      assertFalse(none.bodyAsString().contains("pillars_logins"), none.bodyAsString());
      HttpResponse<Buffer> forwarded = guarded.get("/metrics", "X-Forwarded-For", "10.1.2.3", "X-Real-IP", "10.1.2.3");
      assertEquals(403, forwarded.statusCode(), "a header cannot claim an address: " + forwarded.bodyAsString());
      HttpResponse<Buffer> wrong = guarded.get("/metrics", "Authorization", "Bearer " + secret + "x");
      assertEquals(403, wrong.statusCode(), wrong.bodyAsString());
      HttpResponse<Buffer> prefix = guarded.get("/metrics", "Authorization", "Bearer " + secret.substring(0, secret.length() - 1));
      assertEquals(403, prefix.statusCode(), prefix.bodyAsString());
      HttpResponse<Buffer> right = guarded.get("/metrics", "Authorization", "Bearer " + secret);
      assertEquals(200, right.statusCode(), right.bodyAsString());
      assertTrue(PrometheusText.parse(right.bodyAsString()).families().containsKey("vertx_http_server_requests_total"),
          right.bodyAsString());
    }
    try (TestApp noToken = TestApp.start(Map.of(AppConfig.METRICS_ADDRESSES, "10.0.0.1"))) {
      HttpResponse<Buffer> empty = noToken.get("/metrics", "Authorization", "Bearer ");
      assertEquals(403, empty.statusCode(), "no token configured: no token opens it: " + empty.bodyAsString());
    }
  }
}
