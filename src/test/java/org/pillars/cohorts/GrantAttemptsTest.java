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
import org.pillars.support.Cohorts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * A learner who used every attempt without passing is locked out; a coordinator of the cohort grants more attempts
 * with a reason, and the learner can try again, online or from a device. Fixture module alpha: pass mark 75, 3 attempts.
 */
@ExtendWith(TestPostgres.class)
class GrantAttemptsTest {

  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> post(String token, String path, JsonObject body) {
    return server.send(HttpMethod.POST, path, body.toBuffer(), "Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  /** Starts and submits one attempt at alpha; the start's status. */
  private static int attempt(String token, JsonObject answers) {
    HttpResponse<Buffer> started = post(token, "/api/modules/alpha/attempts", new JsonObject());
    if (started.statusCode() == 201) {
      assertEquals(200, post(token, "/api/attempts/" + started.bodyAsJsonObject().getString("attempt") + "/submit",
          new JsonObject().put("answers", answers)).statusCode());
    }
    return started.statusCode();
  }

  private record Learner(long cohort, long id, String token, String coordinator, long organisation) {
    String grants() {
      return "/api/cohorts/" + cohort + "/learners/" + id + "/grants";
    }

    JsonObject report() {
      return server.get("/api/cohorts/" + cohort + "/report", "Authorization", "Bearer " + coordinator).bodyAsJsonObject();
    }

    boolean lockedInReport() {
      return report().getJsonArray("learners").stream().map(JsonObject.class::cast).filter(l -> l.getLong("id") == id)
          .findFirst().orElseThrow().getJsonArray("modules").getJsonObject(0).getBoolean("locked");
    }
  }

  /** A learner of a cohort assigned alpha who failed all 3 attempts, and the cohort's coordinator. */
  private static Learner lockedOut() {
    long org = Cohorts.organisation(server, "Grant org " + UUID.randomUUID());
    long cohort = Cohorts.cohort(server, org, "Rotation");
    String name = Accounts.create(server, "learner", org);
    long id = Accounts.id(server, name);
    Cohorts.enrol(server, cohort, id);
    server.app().database().pool().preparedQuery("INSERT INTO assignments (cohort_id, module_id, due_on) VALUES ($1, 'alpha', current_date + 5)")
        .execute(Tuple.of(cohort)).await();
    String token = Accounts.token(server, name);
    String coordinator = Accounts.token(server, Accounts.create(server, "coordinator", org));
    Learner l = new Learner(cohort, id, token, coordinator, org);
    assertFalse(l.lockedInReport(), "not locked before any attempt");
    for (int i = 0; i < 3; i++) {
      assertEquals(201, attempt(token, AlphaAnswers.allWrong()));
    }
    return l;
  }

  @Test
  @DisplayName("locked out after 3 failed attempts, flagged in the report and the learner's page; a grant of 1 with a reason gives exactly one more")
  void grantOneMore() {
    Learner l = lockedOut();
    assertEquals(409, attempt(l.token(), AlphaAnswers.allWrong()), "locked out");
    assertTrue(l.lockedInReport(), "the report flags it");
    JsonObject detail = server.get("/api/cohorts/" + l.cohort() + "/learners/" + l.id(), "Authorization", "Bearer " + l.coordinator())
        .bodyAsJsonObject();
    assertTrue(detail.getJsonArray("modules").getJsonObject(0).getBoolean("locked"), detail.encode());

    // on the learner's page, as a coordinator does it
    String coordinatorName = server.get("/api/me", "Authorization", "Bearer " + l.coordinator()).bodyAsJsonObject().getString("username");
    Accounts.Browser browser = Accounts.browser(server, coordinatorName);
    String learnerPage = "/cohorts/" + l.cohort() + "/learners/" + l.id();
    assertTrue(server.get(learnerPage, "Cookie", browser.cookie()).bodyAsString().contains("Locked out: every attempt"));
    assertTrue(server.get("/cohorts/" + l.cohort() + "/readiness", "Cookie", browser.cookie()).bodyAsString().contains("locked out"),
        "the readiness page flags it");
    HttpResponse<Buffer> granted = server.send(HttpMethod.POST, learnerPage + "/grants", Accounts.form("_csrf", browser.csrf(),
        "module", "alpha", "extra", "1", "reason", "Missed the briefing; retrained on 2 December"), "Cookie", browser.cookie(),
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, granted.statusCode(), granted.bodyAsString());
    String after = server.get(granted.getHeader("Location"), "Cookie", browser.cookie()).bodyAsString();
    assertTrue(after.contains("Attempts granted"), after);
    assertTrue(after.contains("Missed the briefing; retrained on 2 December"), "the grant is listed with its reason");
    assertFalse(l.lockedInReport(), "no longer locked out");
    JsonObject grants = server.get("/api/cohorts/" + l.cohort() + "/learners/" + l.id(), "Authorization", "Bearer " + l.coordinator())
        .bodyAsJsonObject().getJsonArray("modules").getJsonObject(0).getJsonArray("grants").getJsonObject(0);
    assertEquals(1, grants.getInteger("extra"));
    assertEquals("Missed the briefing; retrained on 2 December", grants.getString("reason"));
    assertTrue(grants.getString("grantedBy").startsWith("Test coordinator"), grants.encode());

    String page = server.get("/modules/alpha/quiz", "Cookie", Accounts.browser(server, server.get("/api/me", "Authorization",
        "Bearer " + l.token()).bodyAsJsonObject().getString("username")).cookie()).bodyAsString();
    assertTrue(page.contains("1 attempt left"), "the learner's quiz page counts the grant");
    assertEquals(201, attempt(l.token(), AlphaAnswers.allWrong()), "the granted attempt");
    assertEquals(409, attempt(l.token(), AlphaAnswers.allWrong()), "and only that one");
    assertTrue(l.lockedInReport(), "locked out again");
  }

  @Test
  @DisplayName("an attempt sent from a device after a grant counts instead of being held")
  void grantCountsForSentAttempts() {
    Learner l = lockedOut();
    assertEquals(204, post(l.coordinator(), l.grants(), new JsonObject().put("module", "alpha").put("extra", 2).put("reason", "Retrained"))
        .statusCode());
    JsonObject sent = post(l.token(), "/api/sync", new JsonObject().put("items", new JsonArray().add(new JsonObject()
        .put("key", UUID.randomUUID().toString()).put("kind", "attempt").put("module", "alpha").put("version", 3)
        .put("answers", AlphaAnswers.allRight()).put("answeredAt", "2026-12-01T09:30:00Z")))).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0);
    assertEquals("stored", sent.getString("status"), sent.encode());
    assertFalse(sent.getBoolean("held"), "within the granted attempts: it counts");
  }

  @Test
  @DisplayName("no grant for a module the learner completed: nothing to try again")
  void noGrantOnceCompleted() {
    Learner l = lockedOut();
    long org = server.app().database().pool().preparedQuery("SELECT organisation_id FROM cohorts WHERE id = $1")
        .execute(Tuple.of(l.cohort())).await().iterator().next().getLong(0);
    String name = Accounts.create(server, "learner", org);
    long id = Accounts.id(server, name);
    Cohorts.enrol(server, l.cohort(), id);
    String token = Accounts.token(server, name);
    post(token, "/api/modules/alpha/lessons/first/read", new JsonObject());
    post(token, "/api/modules/alpha/lessons/second/read", new JsonObject());
    assertEquals(201, attempt(token, AlphaAnswers.allRight()));
    HttpResponse<Buffer> r = post(l.coordinator(), "/api/cohorts/" + l.cohort() + "/learners/" + id + "/grants",
        new JsonObject().put("module", "alpha").put("extra", 1).put("reason", "x"));
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals("completed", r.bodyAsJsonObject().getString("error"));
  }

  @Test
  @DisplayName("bad grants are refused with the reason and change nothing: no reason, 0 or 11, a module not assigned, someone else's learner")
  void badGrants() {
    Learner l = lockedOut();
    record Case(JsonObject body, int status, String code) { }
    for (Case c : new Case[] {
        new Case(new JsonObject().put("module", "alpha").put("extra", 1).put("reason", "  "), 400, "bad_reason"),
        new Case(new JsonObject().put("module", "alpha").put("extra", 0).put("reason", "x"), 400, "bad_extra"),
        new Case(new JsonObject().put("module", "alpha").put("extra", 11).put("reason", "x"), 400, "bad_extra"),
        new Case(new JsonObject().put("module", "beta").put("extra", 1).put("reason", "x"), 400, "bad_module"),
        new Case(new JsonObject().put("module", "alpha").put("extra", 1).put("reason", "x".repeat(501)), 400, "invalid")}) {  // the API description's maxLength
      HttpResponse<Buffer> r = post(l.coordinator(), l.grants(), c.body());
      assertEquals(c.status(), r.statusCode(), r.bodyAsString());
      assertEquals(c.code(), r.bodyAsJsonObject().getString("error"), r.bodyAsString());
    }
    Learner other = lockedOut();
    assertEquals(404, post(l.coordinator(), other.grants(), new JsonObject().put("module", "alpha").put("extra", 1).put("reason", "x"))
        .statusCode(), "a coordinator of another organisation");
    assertEquals(404, post(l.coordinator(), "/api/cohorts/" + l.cohort() + "/learners/" + other.id() + "/grants",
        new JsonObject().put("module", "alpha").put("extra", 1).put("reason", "x")).statusCode(), "a learner not in this cohort");
    assertEquals(403, post(l.token(), l.grants(), new JsonObject().put("module", "alpha").put("extra", 1).put("reason", "x")).statusCode(),
        "the learner themself");
    long grants = server.app().database().pool().preparedQuery("SELECT count(*) FROM attempt_grants WHERE account_id = ANY($1)")
        .execute(Tuple.of((Object) new Long[] {l.id(), other.id()})).await().iterator().next().getLong(0);
    assertEquals(0, grants, "nothing granted");
    assertEquals(409, attempt(l.token(), AlphaAnswers.allWrong()), "still locked out");
  }

  @Test
  @DisplayName("a trainer of the learner's organisation sees them locked out and grants an attempt without a cohort; a trainer elsewhere sees nobody and is refused; the grant is audited")
  void trainerGrants() {
    Learner l = lockedOut();
    String trainerName = Accounts.create(server, "trainer", l.organisation());
    String trainer = Accounts.token(server, trainerName);
    String stranger = Accounts.token(server, Accounts.create(server, "trainer"));
    JsonArray seen = server.get("/api/modules/alpha/locked-out", "Authorization", "Bearer " + trainer).bodyAsJsonObject()
        .getJsonArray("learners");
    assertTrue(seen.stream().map(JsonObject.class::cast).anyMatch(x -> x.getLong("id") == l.id()), seen.encode());
    JsonArray none = server.get("/api/modules/alpha/locked-out", "Authorization", "Bearer " + stranger).bodyAsJsonObject()
        .getJsonArray("learners");
    assertTrue(none.stream().map(JsonObject.class::cast).noneMatch(x -> x.getLong("id") == l.id()), "another organisation's trainer");
    JsonObject grant = new JsonObject().put("extra", 1).put("reason", "Coached after the exercise");
    assertEquals(404, post(stranger, "/api/modules/alpha/locked-out/" + l.id() + "/grants", grant).statusCode());
    assertEquals(409, attempt(l.token(), AlphaAnswers.allWrong()), "still locked out");
    assertEquals(400, post(trainer, "/api/modules/alpha/locked-out/" + l.id() + "/grants", new JsonObject().put("extra", 1)).statusCode(),
        "a reason is needed");
    assertEquals(204, post(trainer, "/api/modules/alpha/locked-out/" + l.id() + "/grants", grant).statusCode());
    assertEquals(404, post(trainer, "/api/modules/alpha/locked-out/" + l.id() + "/grants", grant).statusCode(),
        "no longer locked out: nothing more to grant here");
    assertEquals(201, attempt(l.token(), AlphaAnswers.allWrong()), "one more attempt");
    assertTrue(server.get("/api/audit?subject=attempt_grants&actor=" + trainerName, "Authorization", "Bearer " + l.coordinator())
        .bodyAsJsonObject().getJsonArray("entries").encode().contains("Coached after the exercise"),
        "the coordinator sees the trainer's grant in the audit log");
  }
}
