package org.pillars.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.config.AppConfig;
import org.pillars.support.Accounts;
import org.pillars.support.AlphaAnswers;
import org.pillars.support.Saboteur;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.Trees;

/**
 * A device's outbox sent to POST /api/sync. Fixture module alpha, version 3: lessons first and second; quiz pass
 * mark 75, 3 attempts; right answers host-state 1, tiers 0+1+3, mandate-not-r2p 1, checkpoint 0.
 */
@ExtendWith(TestPostgres.class)
class SyncTest {

  private static final JsonObject ALL_RIGHT = AlphaAnswers.allRight();
  private static final JsonObject ALL_WRONG = AlphaAnswers.allWrong();
  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    assertEquals(200, server.get("/api/modules/alpha/quiz").statusCode(), "version 3 served, so kept");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JsonObject read(String lesson) {
    return new JsonObject().put("key", UUID.randomUUID().toString()).put("kind", "read").put("module", "alpha").put("lesson", lesson);
  }

  private static JsonObject attempt(JsonObject answers) {
    return attempt(UUID.randomUUID().toString(), "alpha", 3, answers);
  }

  private static JsonObject attempt(String key, String module, int version, JsonObject answers) {
    return new JsonObject().put("key", key).put("kind", "attempt").put("module", module).put("version", version)
        .put("answers", answers).put("answeredAt", "2026-11-28T09:30:00Z");
  }

  private static Future<HttpResponse<Buffer>> sending(TestApp app, String token, JsonArray items) {
    return app.client().post("/api/sync").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("items", items));
  }

  private static JsonArray sync(String token, JsonArray items) {
    return sync(server, token, items);
  }

  private static JsonArray sync(TestApp app, String token, JsonArray items) {
    HttpResponse<Buffer> r = sending(app, token, items).await();
    assertEquals(200, r.statusCode(), r.bodyAsString());
    JsonArray outcomes = r.bodyAsJsonObject().getJsonArray("items");
    assertEquals(items.size(), outcomes.size(), "one outcome per item: " + outcomes);
    return outcomes;
  }

  private static long count(String sql, Object... params) {
    return server.app().database().pool().preparedQuery(sql).execute(Tuple.from(params)).await().iterator().next().getLong(0);
  }

  private static long attempts(String user) {
    return count("SELECT count(*) FROM attempts WHERE account_id = $1", Accounts.id(server, user));
  }

  @Test
  @DisplayName("an outbox of reads and an attempt is stored once; sending it again stores nothing more and returns the same result")
  void outboxSentTwice() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    JsonArray outbox = new JsonArray().add(read("first")).add(read("second")).add(attempt(ALL_RIGHT));
    JsonArray first = sync(token, outbox);
    assertEquals(List.of("stored", "stored", "stored"), first.stream().map(o -> ((JsonObject) o).getString("status")).toList());
    JsonObject sent = first.getJsonObject(2);
    assertEquals(100, sent.getJsonObject("result").getInteger("score"));
    assertTrue(sent.getJsonObject("result").getJsonArray("questions").getJsonObject(0).getString("explanationHtml")
        .contains("primary responsibility"), "the feedback comes back once the answers are in: " + sent);
    assertFalse(sent.getBoolean("held"));

    JsonArray again = sync(token, outbox);
    assertEquals(List.of("duplicate", "duplicate", "duplicate"), again.stream().map(o -> ((JsonObject) o).getString("status")).toList(),
        "a read mark or an attempt sent again is said to be there already");
    assertEquals(sent.getString("attempt"), again.getJsonObject(2).getString("attempt"));
    assertEquals(sent.getJsonObject("result"), again.getJsonObject(2).getJsonObject("result"));
    assertEquals(1, attempts(user), "one attempt, however often it is sent");
    assertEquals(2, count("SELECT count(*) FROM lesson_reads WHERE account_id = $1", Accounts.id(server, user)));
    assertEquals(1, count("SELECT count(*) FROM certificates WHERE account_id = $1", Accounts.id(server, user)),
        "the reads and the pass, sent together, complete the module");
    JsonObject progress = server.send(HttpMethod.GET, "/api/progress", null, "Authorization", "Bearer " + token).bodyAsJsonObject();
    JsonObject alpha = progress.getJsonArray("modules").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("module").equals("alpha")).findFirst().orElseThrow();
    assertEquals(1, alpha.getInteger("attempts"));
    assertEquals(100, alpha.getInteger("bestScore"));
  }

  @Test
  @DisplayName("of 100 queued items, the bad 57th is refused with its reason; the 99 others are stored once")
  void oneBadItemOfAHundred() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    JsonArray outbox = new JsonArray();
    for (int i = 1; i <= 100; i++) {
      outbox.add(i == 57 ? attempt(new JsonObject().put("no-such-question", 0)) : i % 50 == 0 ? attempt(ALL_WRONG) : read(i % 2 == 0 ? "first" : "second"));
    }
    JsonArray outcomes = sync(token, outbox);
    for (int i = 0; i < 100; i++) {
      // items 1 and 2 mark the two lessons; later reads of them are duplicates; the attempts (50th, 100th) are new
      String expected = i == 56 ? "refused" : i < 2 || (i + 1) % 50 == 0 ? "stored" : "duplicate";
      assertEquals(expected, outcomes.getJsonObject(i).getString("status"), "item " + (i + 1) + ": " + outcomes.getJsonObject(i));
    }
    assertEquals("invalid", outcomes.getJsonObject(56).getString("error"));
    assertTrue(outcomes.getJsonObject(56).getString("message").contains("no-such-question"), outcomes.getJsonObject(56).encode());
    assertEquals(outbox.getJsonObject(56).getString("key"), outcomes.getJsonObject(56).getString("key"));
    assertEquals(2, attempts(user), "items 50 and 100; nothing of item 57");
    sync(token, outbox);
    assertEquals(2, attempts(user), "the same outbox again adds nothing");
  }

  @Test
  @DisplayName("an item that is not an object (a number, a string, null, a list) is refused on its own; the others are stored")
  void itemsThatAreNotObjects() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    JsonArray outbox = new JsonArray().add(read("first")).add(57).add("read").addNull().add(new JsonArray()).add(read("second"));
    JsonArray outcomes = sync(token, outbox);
    assertEquals(6, outcomes.size(), outcomes.encode());
    assertEquals("stored", outcomes.getJsonObject(0).getString("status"));
    for (int i = 1; i <= 4; i++) {
      assertEquals("refused", outcomes.getJsonObject(i).getString("status"), "item " + (i + 1) + ": " + outcomes.getJsonObject(i));
      assertEquals("invalid", outcomes.getJsonObject(i).getString("error"));
      assertTrue(outcomes.getJsonObject(i).getString("message").contains("object"), outcomes.getJsonObject(i).encode());
    }
    assertEquals("stored", outcomes.getJsonObject(5).getString("status"));
  }

  @Test
  @DisplayName("forged and replayed items are refused with a reason and store nothing")
  void forgedItems() {
    String owner = Accounts.create(server, "learner");
    String ownerToken = Accounts.token(server, owner);
    JsonObject original = attempt(ALL_WRONG);
    assertEquals("stored", sync(ownerToken, new JsonArray().add(original)).getJsonObject(0).getString("status"));

    String thief = Accounts.create(server, "learner");
    String thiefToken = Accounts.token(server, thief);
    String key = original.getString("key");
    JsonArray outcomes = sync(thiefToken, new JsonArray()
        .add(attempt(key, "alpha", 3, ALL_WRONG))                  // another learner's key
        .add(attempt(key, "beta", 1, ALL_WRONG))                   // a changed module
        .add(attempt(UUID.randomUUID().toString(), "alpha", 99, ALL_RIGHT))  // a tampered version
        .add(attempt(UUID.randomUUID().toString(), "alpha", 2, ALL_RIGHT))   // a version never served
        .add(attempt(UUID.randomUUID().toString(), "alpha", 3, ALL_RIGHT.copy().put("tiers", new JsonArray().add(9))))
        .add(attempt("not-a-uuid", "alpha", 3, ALL_RIGHT))
        .add(attempt(UUID.randomUUID().toString(), "no-such-module", 3, ALL_RIGHT))
        .add(new JsonObject().put("key", UUID.randomUUID().toString()).put("kind", "read").put("module", "alpha").put("lesson", "nope"))
        .add(new JsonObject().put("key", UUID.randomUUID().toString()).put("kind", "delete").put("module", "alpha")));
    List<String> errors = outcomes.stream().map(o -> ((JsonObject) o).getString("status") + ":" + ((JsonObject) o).getString("error")).toList();
    assertEquals(List.of("refused:key_reused", "refused:not_found", "refused:unknown_version", "refused:unknown_version",
        "refused:invalid", "refused:invalid", "refused:not_found", "refused:not_found", "refused:invalid"), errors,
        outcomes.encodePrettily());
    assertEquals(0, attempts(thief));
    assertEquals(0, count("SELECT count(*) FROM lesson_reads WHERE account_id = $1", Accounts.id(server, thief)));

    JsonArray replayed = sync(ownerToken, new JsonArray().add(attempt(key, "alpha", 3, ALL_RIGHT)));
    assertEquals("key_reused", replayed.getJsonObject(0).getString("error"), "the owner's key with other answers: " + replayed);
    assertEquals(1, attempts(owner));
    assertEquals(0, count("SELECT count(*) FROM attempts WHERE account_id = $1 AND score = 100", Accounts.id(server, owner)));
  }

  @Test
  @DisplayName("an attempt sent after the attempts were used up on another device is stored held: shown, not counted, not lost")
  void lateAttemptOverTheLimit() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    for (int i = 0; i < 3; i++) {
      assertEquals("stored", sync(token, new JsonArray().add(attempt(ALL_WRONG))).getJsonObject(0).getString("status"));
    }
    JsonObject late = sync(token, new JsonArray().add(read("first")).add(read("second")).add(attempt(ALL_RIGHT))).getJsonObject(2);
    assertEquals("stored", late.getString("status"), late.encode());
    assertTrue(late.getBoolean("held"), late.encode());
    assertEquals(100, late.getJsonObject("result").getInteger("score"), "graded, so the learner sees how it went");
    assertEquals(4, attempts(user), "kept");
    long id = Accounts.id(server, user);
    assertEquals(3, count("SELECT attempts FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'", id), "not counted");
    assertEquals(0, count("SELECT count(*) FROM certificates WHERE account_id = $1", id), "no certificate from a held attempt");
    assertEquals(0, count("SELECT coalesce(max(best_score), 0) FROM module_progress WHERE account_id = $1", id));
    String page = server.get("/modules/alpha/quiz", "Cookie", Accounts.browser(server, user).cookie()).bodyAsString();
    assertTrue(page.contains("1 attempt sent after your attempts were used up is kept"), page);
  }

  @Test
  @DisplayName("the same learner on two devices, sending at once: each attempt once, the last attempt taken by one only")
  void twoDevicesAtOnce() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    sync(token, new JsonArray().add(attempt(ALL_WRONG)).add(attempt(ALL_WRONG)));
    JsonObject same = attempt(ALL_RIGHT);
    JsonArray phone = new JsonArray().add(same).add(attempt(ALL_WRONG));
    JsonArray laptop = new JsonArray().add(attempt(ALL_RIGHT)).add(same);
    long id = Accounts.id(server, user);
    List<HttpResponse<Buffer>> both;
    try (Saboteur saboteur = Saboteur.on(server)) {
      // both syncs wait on the learner's row, then go one after the other: the second sees what the first stored
      saboteur.begin();
      saboteur.execute("SELECT 1 FROM accounts WHERE id = ? FOR UPDATE", id);
      Future<HttpResponse<Buffer>> first = sending(server, token, phone);
      Future<HttpResponse<Buffer>> second = sending(server, token, laptop);
      saboteur.awaitBlocked(2);
      saboteur.rollback();
      both = Future.all(first, second).await().list();
    }
    both.forEach(r -> assertEquals(200, r.statusCode(), r.bodyAsString()));
    assertEquals(5, attempts(user), "two before, then three distinct keys: " + both.get(0).bodyAsString() + both.get(1).bodyAsString());
    assertEquals(3, count("SELECT attempts FROM module_progress WHERE account_id = $1 AND module_id = 'alpha'", id));
    assertEquals(2, count("SELECT count(*) FROM attempts WHERE account_id = $1 AND held", id));
    assertEquals(1, count("SELECT count(*) FROM attempts WHERE account_id = $1 AND client_key = $2", id, UUID.fromString(same.getString("key"))));
  }

  @Test
  @DisplayName("the body must be an object with at most 100 items; the route needs a signed-in learner")
  void badBodies() {
    String token = Accounts.token(server, Accounts.create(server, "learner"));
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 101; i++) {
      tooMany.add(read("first"));
    }
    assertEquals(400, sending(server, token, tooMany).await().statusCode());
    assertEquals(400, server.send(HttpMethod.POST, "/api/sync", Buffer.buffer("{\"items\": 3}"), "Authorization", "Bearer " + token,
        "Content-Type", "application/json").statusCode());
    assertEquals(401, server.send(HttpMethod.POST, "/api/sync", new JsonObject().put("items", new JsonArray()).toBuffer(),
        "Content-Type", "application/json").statusCode());
  }

  @TempDir
  Path courses;

  @Test
  @DisplayName("an answer sent after the quiz changed version is graded against the version answered, and says what is gone")
  void gradedAgainstTheVersionAnswered() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    try (TestApp app = TestApp.start(Map.of(AppConfig.COURSES, courses.toString()))) {
      String token = Accounts.token(app, Accounts.create(app, "learner"));
      assertEquals(200, app.get("/api/modules/alpha/quiz").statusCode());  // the device keeps version 3

      AlphaAnswers.publishVersion4(app, courses);

      JsonObject sent = sync(app, token, new JsonArray().add(attempt(ALL_RIGHT))).getJsonObject(0);
      assertEquals("stored", sent.getString("status"), sent.encode());
      assertEquals(100, sent.getJsonObject("result").getInteger("score"), "graded against version 3, where 'checkpoint' exists");
      assertEquals(3, sent.getInteger("version"));
      assertEquals(4, sent.getInteger("currentVersion"));
      assertEquals(new JsonArray().add("checkpoint"), sent.getJsonArray("retired"));
      assertFalse(sent.getJsonObject("result").getBoolean("stale"));
      assertNull(sent.getString("error"));
    }
  }
}
