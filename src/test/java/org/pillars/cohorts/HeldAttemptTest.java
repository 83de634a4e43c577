package org.pillars.cohorts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.AlphaAnswers;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * A coordinator decides whether an attempt sent late from a device (after the learner's attempts were used up, so
 * stored held) counts. Fixture module alpha: two lessons, pass mark 75, 3 attempts.
 */
@ExtendWith(TestPostgres.class)
class HeldAttemptTest {

  private static final JsonObject ALL_RIGHT = AlphaAnswers.allRight();
  private static final JsonObject ALL_WRONG = AlphaAnswers.allWrong();
  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long one(String sql, Object... args) {
    return server.app().database().pool().preparedQuery(sql).execute(Tuple.from(args)).await().iterator().next().getLong(0);
  }

  private static String text(String sql, Object... args) {
    Object value = server.app().database().pool().preparedQuery(sql).execute(Tuple.from(args)).await().iterator().next().getValue(0);
    return value == null ? null : value.toString();
  }

  private static JsonObject sync(String token, JsonObject... items) {
    HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/api/sync",
        new JsonObject().put("items", new JsonArray(java.util.List.of((Object[]) items))).toBuffer(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("items").getJsonObject(items.length - 1);
  }

  private static JsonObject attempt(JsonObject answers) {
    return new JsonObject().put("key", UUID.randomUUID().toString()).put("kind", "attempt").put("module", "alpha").put("version", 3)
        .put("answers", answers).put("answeredAt", "2026-11-28T09:30:00Z");
  }

  private static JsonObject read(String lesson) {
    return new JsonObject().put("key", UUID.randomUUID().toString()).put("kind", "read").put("module", "alpha").put("lesson", lesson);
  }

  private static HttpResponse<Buffer> decide(String token, String path, Object count) {
    return server.send(HttpMethod.POST, "/api" + path, new JsonObject().put("count", count).toBuffer(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  /** A learner of a cohort assigned alpha, with 3 wrong attempts and {@code late} right ones sent after them (held). */
  private record Setup(long organisation, long cohort, long learnerId, String learner, String learnerToken, String[] held) {

    String path(int i) {
      return "/cohorts/" + cohort + "/learners/" + learnerId + "/attempts/" + held[i] + "/decision";
    }
  }

  private static Setup learnerWithHeldAttempts(int late) {
    assertEquals(200, server.get("/api/modules/alpha/quiz").statusCode(), "version 3 served, so kept for grading");
    var pool = server.app().database().pool();
    long org = pool.query("INSERT INTO organisations (name, country) VALUES ('Held ' || gen_random_uuid(), 'H') RETURNING id").execute().await()
        .iterator().next().getLong(0);
    long cohort = pool.preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) "
        + "VALUES ($1, 'Rotation', DATE '2027-01-10', DATE '2027-03-01') RETURNING id").execute(Tuple.of(org)).await().iterator().next().getLong(0);
    pool.preparedQuery("INSERT INTO assignments (cohort_id, module_id, due_on) VALUES ($1, 'alpha', DATE '2027-02-01')")
        .execute(Tuple.of(cohort)).await();
    String learner = Accounts.create(server, "learner", org);
    long id = Accounts.id(server, learner);
    pool.preparedQuery("INSERT INTO cohort_members (cohort_id, account_id) VALUES ($1, $2)").execute(Tuple.of(cohort, id)).await();
    String token = Accounts.token(server, learner);
    sync(token, read("first"), read("second"));
    for (int i = 0; i < 3; i++) {
      assertFalse(sync(token, attempt(ALL_WRONG)).getBoolean("held"));
    }
    String[] held = new String[late];
    for (int i = 0; i < late; i++) {
      JsonObject outcome = sync(token, attempt(ALL_RIGHT));
      assertTrue(outcome.getBoolean("held"), outcome.encode());
      held[i] = outcome.getString("attempt");
    }
    return new Setup(org, cohort, id, learner, token, held);
  }

  @Test
  @DisplayName("a coordinator counts a held attempt once: it counts, passes and certifies; a second decision is a conflict")
  void countedOnce() {
    Setup s = learnerWithHeldAttempts(1);
    String coordinator = Accounts.token(server, Accounts.create(server, "coordinator", s.organisation()));
    JsonObject before = server.send(HttpMethod.GET, "/api/cohorts/" + s.cohort() + "/learners/" + s.learnerId(), null,
        "Authorization", "Bearer " + coordinator).bodyAsJsonObject();
    JsonObject shown = before.getJsonArray("modules").getJsonObject(0).getJsonArray("attempts").getJsonObject(3);
    assertEquals(s.held()[0], shown.getString("id"));
    assertTrue(shown.getBoolean("held"));
    assertEquals(null, shown.getString("decision"));

    HttpResponse<Buffer> r = decide(coordinator, s.path(0), true);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals("counted", r.bodyAsJsonObject().getString("decision"));
    assertEquals(4, one("SELECT attempts FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'", s.learnerId()));
    assertEquals(100, one("SELECT best_score FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'", s.learnerId()));
    assertEquals(1, one("SELECT count(*) FROM certificates WHERE account_id = $1 AND module_id = 'alpha'", s.learnerId()),
        "a counted pass that completes the module certifies it");
    assertEquals(String.valueOf(Accounts.id(server, text("SELECT username FROM accounts WHERE organisation_id = $1 AND role = 'coordinator'",
        s.organisation()))), text("SELECT decided_by FROM attempts WHERE id = $1", UUID.fromString(s.held()[0])), "who decided is kept");

    HttpResponse<Buffer> again = decide(coordinator, s.path(0), false);
    assertEquals(409, again.statusCode(), again.bodyAsString());
    assertEquals("already_decided", again.bodyAsJsonObject().getString("error"));
    assertEquals("counted", text("SELECT decision FROM attempts WHERE id = $1", UUID.fromString(s.held()[0])), "the first decision stands");

    JsonObject progress = server.send(HttpMethod.GET, "/api/progress", null, "Authorization", "Bearer " + s.learnerToken())
        .bodyAsJsonObject().getJsonArray("modules").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("module").equals("alpha")).findFirst().orElseThrow();
    assertTrue(progress.getBoolean("passed"), progress.encode());
    String quiz = server.get("/modules/alpha/quiz", "Cookie", Accounts.browser(server, s.learner()).cookie()).bodyAsString();
    assertFalse(quiz.contains("used up is kept"), "no longer waiting: " + quiz);
  }

  @Test
  @DisplayName("set aside from the learner's page, a held attempt stays uncounted for good, and the learner is told")
  void setAsideFromThePage() {
    Setup s = learnerWithHeldAttempts(2);
    Accounts.Browser coordinator = Accounts.browser(server, Accounts.create(server, "coordinator", s.organisation()));
    String page = server.get("/cohorts/" + s.cohort() + "/learners/" + s.learnerId(), "Cookie", coordinator.cookie()).bodyAsString();
    assertTrue(page.contains("action=\"" + s.path(0) + "\""), page);
    assertTrue(page.contains("action=\"" + s.path(1) + "\""), page);
    assertTrue(page.contains("name=\"_csrf\" value=\"" + coordinator.csrf() + "\"><button type=\"submit\" name=\"count\""),
        "the decision form carries the page's CSRF token, so a click is accepted: " + page);

    HttpResponse<Buffer> r = server.send(HttpMethod.POST, s.path(0), Accounts.form("_csrf", coordinator.csrf(), "count", "no"),
        "Cookie", coordinator.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, r.statusCode(), r.bodyAsString());
    assertEquals("/cohorts/" + s.cohort() + "/learners/" + s.learnerId() + "#attempt-" + s.held()[0], r.getHeader("Location"));
    assertEquals("set-aside", text("SELECT decision FROM attempts WHERE id = $1", UUID.fromString(s.held()[0])));
    assertEquals(3, one("SELECT attempts FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'", s.learnerId()));
    assertEquals(0, one("SELECT count(*) FROM certificates WHERE account_id = $1", s.learnerId()));

    HttpResponse<Buffer> again = server.send(HttpMethod.POST, s.path(0), Accounts.form("_csrf", coordinator.csrf(), "count", "yes"),
        "Cookie", coordinator.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(409, again.statusCode(), "set aside is for good");
    assertEquals(3, one("SELECT attempts FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'", s.learnerId()));
    page = server.get("/cohorts/" + s.cohort() + "/learners/" + s.learnerId(), "Cookie", coordinator.cookie()).bodyAsString();
    assertFalse(page.contains("action=\"" + s.path(0) + "\""), "decided: no buttons any more");
    assertTrue(page.contains("not counted, decided on"), page);
    assertTrue(page.contains("action=\"" + s.path(1) + "\""), "the other one still waits");

    String quiz = server.get("/modules/alpha/quiz", "Cookie", Accounts.browser(server, s.learner()).cookie()).bodyAsString();
    assertTrue(quiz.contains("1 attempt sent after your attempts were used up was not counted: your coordinator decided so."), quiz);
    assertTrue(quiz.contains("1 attempt sent after your attempts were used up is kept"), "the other one: " + quiz);

    HttpResponse<Buffer> bad = server.send(HttpMethod.POST, s.path(1), Accounts.form("_csrf", coordinator.csrf(), "count", "maybe"),
        "Cookie", coordinator.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(400, bad.statusCode());
    assertEquals(null, text("SELECT decision FROM attempts WHERE id = $1", UUID.fromString(s.held()[1])), "a bad form decides nothing");
  }

  @Test
  @DisplayName("nobody outside the learner's organisation decides, nor on an attempt that is not theirs or not held; bodies are checked")
  void outOfScopeAndBadInput() {
    Setup s = learnerWithHeldAttempts(1);
    Setup other = learnerWithHeldAttempts(1);
    String coordinator = Accounts.token(server, Accounts.create(server, "coordinator", s.organisation()));
    String stranger = Accounts.token(server, Accounts.create(server, "coordinator"));

    assertEquals(404, decide(stranger, s.path(0), true).statusCode(), "another organisation's coordinator");
    String othersAttempt = "/cohorts/" + s.cohort() + "/learners/" + s.learnerId() + "/attempts/" + other.held()[0] + "/decision";
    assertEquals(404, decide(coordinator, othersAttempt, true).statusCode(), "another learner's attempt through this learner");
    String malformed = "/cohorts/" + s.cohort() + "/learners/" + s.learnerId() + "/attempts/not-a-uuid/decision";
    assertEquals(404, decide(coordinator, malformed, true).statusCode());
    String counted = text("SELECT id FROM attempts WHERE account_id = $1 AND NOT held LIMIT 1", s.learnerId());
    HttpResponse<Buffer> notHeld = decide(coordinator, "/cohorts/" + s.cohort() + "/learners/" + s.learnerId() + "/attempts/" + counted
        + "/decision", false);
    assertEquals(409, notHeld.statusCode(), "an attempt that counts already cannot be set aside: " + notHeld.bodyAsString());
    assertEquals(400, decide(coordinator, s.path(0), "yes").statusCode(), "count must be a boolean");
    assertEquals(400, server.send(HttpMethod.POST, "/api" + s.path(0), new JsonObject().toBuffer(), "Authorization", "Bearer " + coordinator,
        "Content-Type", "application/json").statusCode());
    assertEquals(403, decide(s.learnerToken(), s.path(0), true).statusCode(), "a learner cannot count their own attempt");

    assertEquals(2, one("SELECT count(*) FROM attempts WHERE held AND decision IS NULL AND account_id = ANY($1)",
        (Object) new Long[] {s.learnerId(), other.learnerId()}), "nothing was decided");
    assertEquals(3, one("SELECT attempts FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'", s.learnerId()));
  }
}
