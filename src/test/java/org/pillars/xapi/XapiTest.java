package org.pillars.xapi;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.support.Accounts;
import org.pillars.support.AlphaAnswers;
import org.pillars.support.Cohorts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * xAPI statements from a learner's work over the real HTTP routes to a recording LRS: their shape (xAPI 1.0.3), their
 * ids (name-based, the same on every send), an LRS that is down for a while, one that refuses, and the coordinator's
 * download of a cohort's statements.
 */
@ExtendWith(TestPostgres.class)
class XapiTest {

  private static final String SITE = "https://pillars.example.org";
  private static final Duration PATIENCE = Duration.ofSeconds(20);
  private static Vertx lrsVertx;
  private static RecordingLrs lrs;
  private static TestApp server;

  @BeforeAll
  static void start() {
    lrsVertx = Vertx.vertx();
    lrs = new RecordingLrs(lrsVertx, "pillars-key", "s3cret-for-tests").start();
    server = TestApp.start(Map.of(AppConfig.XAPI_URL, lrs.url(), AppConfig.XAPI_KEY, "pillars-key",
        AppConfig.XAPI_SECRET, "s3cret-for-tests", AppConfig.XAPI_TIMEOUT, "2", AppConfig.PUBLIC_URL, SITE,
        AppConfig.OUTBOX_INTERVAL, "50", AppConfig.OUTBOX_BACKOFF, "50"));
  }

  @AfterAll
  static void stop() {
    server.close();
    lrsVertx.close().await();
  }

  @AfterEach
  void lrsUpAndValid() {
    lrs.mode(RecordingLrs.Mode.UP);
    assertEquals(List.of(), lrs.violations(), "what the LRS saw that xAPI 1.0.3 does not allow");
  }

  private record Learner(long id, String token, String actor) { }

  private static Learner learner(Long organisation) {
    String username = Accounts.create(server, "learner", organisation);
    long id = Accounts.id(server, username);
    return new Learner(id, Accounts.token(server, username), Statements.id("pillars:account:" + id));
  }

  /** A learner in a cohort of an organisation of its own. */
  private record Enrolled(long organisation, long cohort, Learner learner) { }

  private static Enrolled enrolled(String name) {
    long organisation = Cohorts.organisation(server, name + " org");
    Learner l = learner(organisation);
    long cohort = Cohorts.cohort(server, organisation, name);
    Cohorts.enrol(server, cohort, l.id());
    return new Enrolled(organisation, cohort, l);
  }

  private static HttpResponse<Buffer> post(String path, String token, JsonObject body) {
    HttpResponse<Buffer> r = server.send(HttpMethod.POST, path, body == null ? null : body.toBuffer(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    assertTrue(r.statusCode() < 300, path + " answered " + r.statusCode() + ": " + r.bodyAsString());
    return r;
  }

  private static void read(Learner l, String lesson) {
    post("/api/modules/alpha/lessons/" + lesson + "/read", l.token(), null);
  }

  /** Takes alpha's quiz with every answer right; the attempt's id. */
  private static String passQuiz(Learner l) {
    String attempt = post("/api/modules/alpha/attempts", l.token(), new JsonObject()).bodyAsJsonObject().getString("attempt");
    post("/api/attempts/" + attempt + "/submit", l.token(), new JsonObject().put("answers", AlphaAnswers.allRight()));
    return attempt;
  }

  /** The learner's outbox rows: key, attempts, delivered, rejected, last error. */
  private static List<Row> outbox(Learner l, String attempt) {
    List<Row> rows = new java.util.ArrayList<>();
    server.app().database().pool().preparedQuery("""
        SELECT dedupe_key, attempts, delivered_at IS NOT NULL, rejected_at IS NOT NULL, last_error FROM outbox
        WHERE channel = 'xapi' AND (dedupe_key LIKE $1 OR dedupe_key = $2) ORDER BY id""")
        .execute(Tuple.of("lesson-read:" + l.id() + ":%", "attempt:" + attempt)).await().forEach(rows::add);
    return rows;
  }

  /** Until the learner's {@code count} items were each tried at least twice, and wait still, with the reason kept. */
  private static void awaitRetried(Learner l, String attempt, int count) {
    await().atMost(PATIENCE).until(() -> {
      List<Row> rows = outbox(l, attempt);
      return rows.size() == count && rows.stream().allMatch(r -> r.getInteger(1) >= 2 && !r.getBoolean(2) && !r.getBoolean(3)
          && r.getString(4) != null);
    });
  }

  private static List<JsonObject> awaitStored(Learner l, int count) {
    await().atMost(PATIENCE).until(() -> lrs.storedFor(l.actor()).size() >= count);
    List<JsonObject> stored = lrs.storedFor(l.actor());
    assertEquals(count, stored.size(), "statements stored for the learner: " + stored);
    return stored;
  }

  private static Map<String, Long> verbs(List<JsonObject> statements) {
    return statements.stream().collect(Collectors.groupingBy(s -> s.getJsonObject("verb").getString("id")
        .substring(Statements.VERBS.length()), Collectors.counting()));
  }

  @Test
  @DisplayName("ids are RFC 4122 version 5 UUIDs: the RFC's own example name gives its published id")
  void nameBasedIds() {
    // uuid5(NAMESPACE_DNS, "python.org"), as Python's uuid module and every other implementation give it
    assertEquals(UUID.fromString("886313e1-3b8a-5372-9b90-0c9aee199e5d"),
        Statements.nameBased(UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "python.org"));
  }

  @Test
  @DisplayName("a lesson read and a passed quiz reach the LRS as experienced, answered per question and passed, in xAPI 1.0.3 shape")
  void lessonAndQuiz() {
    Learner l = learner(null);
    read(l, "first");
    String attempt = passQuiz(l);
    List<JsonObject> stored = awaitStored(l, 6);
    assertEquals(Map.of("experienced", 1L, "answered", 4L, "passed", 1L), verbs(stored), stored.toString());
    stored.forEach(s -> assertEquals(List.of(), StatementRules.check(s), s.encodePrettily()));

    JsonObject experienced = stored.stream().filter(s -> s.getJsonObject("verb").getString("id").endsWith("experienced")).findFirst().orElseThrow();
    assertEquals(Statements.id("pillars:lesson-read:" + l.id() + ":alpha:first"), experienced.getString("id"));
    assertEquals(SITE + "/modules/alpha/first", experienced.getJsonObject("object").getString("id"));
    assertEquals(SITE, experienced.getJsonObject("actor").getJsonObject("account").getString("homePage"));
    assertEquals(SITE + "/modules/alpha", experienced.getJsonObject("context").getJsonObject("contextActivities")
        .getJsonArray("parent").getJsonObject(0).getString("id"));

    JsonObject passed = stored.stream().filter(s -> s.getJsonObject("verb").getString("id").endsWith("passed")).findFirst().orElseThrow();
    assertEquals(Statements.id("pillars:attempt:" + attempt + ":result"), passed.getString("id"));
    assertEquals(SITE + "/modules/alpha/quiz", passed.getJsonObject("object").getString("id"));
    JsonObject result = passed.getJsonObject("result");
    assertEquals(1.0, result.getJsonObject("score").getDouble("scaled"));
    assertEquals(100, result.getJsonObject("score").getInteger("raw"));
    assertEquals(true, result.getBoolean("success"));
    assertEquals(true, result.getBoolean("completion"));

    Set<String> questions = stored.stream().filter(s -> s.getJsonObject("verb").getString("id").endsWith("answered"))
        .map(s -> s.getJsonObject("object").getString("id")).collect(Collectors.toSet());
    assertEquals(Set.of(SITE + "/modules/alpha/quiz#host-state", SITE + "/modules/alpha/quiz#tiers",
        SITE + "/modules/alpha/quiz#mandate-not-r2p", SITE + "/modules/alpha/quiz#checkpoint"), questions);
    String display = stored.toString();
    assertTrue(!display.contains("Test learner"), "no learner's name in a statement: " + display);
    await().atMost(PATIENCE).until(() -> outbox(l, attempt).stream().allMatch(r -> r.getBoolean(2)));
  }

  @Test
  @DisplayName("a lesson read and a failed attempt sent from a phone's outbox (POST /api/sync) reach the LRS too, timed as answered")
  void fromAPhone() {
    Learner l = learner(null);
    JsonArray items = new JsonArray()
        .add(new JsonObject().put("key", UUID.randomUUID().toString()).put("kind", "read").put("module", "alpha").put("lesson", "second"))
        .add(new JsonObject().put("key", UUID.randomUUID().toString()).put("kind", "attempt").put("module", "alpha").put("version", 3)
            .put("answers", AlphaAnswers.allWrong()).put("answeredAt", "2026-11-28T09:30:00Z"));
    JsonArray outcomes = post("/api/sync", l.token(), new JsonObject().put("items", items)).bodyAsJsonObject().getJsonArray("items");
    List<JsonObject> stored = awaitStored(l, 6);
    assertEquals(Map.of("experienced", 1L, "answered", 4L, "failed", 1L), verbs(stored), String.valueOf(outcomes));
    JsonObject failed = stored.stream().filter(s -> s.getJsonObject("verb").getString("id").endsWith("failed")).findFirst().orElseThrow();
    assertEquals("2026-11-28T09:30:00Z", failed.getString("timestamp"));
    assertEquals(0.0, failed.getJsonObject("result").getJsonObject("score").getDouble("scaled"));
    assertEquals(false, failed.getJsonObject("result").getBoolean("success"));
  }

  @Test
  @DisplayName("an attempt held (sent after the attempts were used up) is told about only once a coordinator counts it")
  void heldUntilCounted() {
    Enrolled e = enrolled("Held rotation");
    long organisation = e.organisation();
    long cohort = e.cohort();
    Learner l = e.learner();
    server.app().database().pool().preparedQuery("INSERT INTO assignments (cohort_id, module_id, due_on) VALUES ($1, 'alpha', current_date + 5)")
        .execute(Tuple.of(cohort)).await();
    JsonArray items = new JsonArray();
    for (int i = 0; i < 4; i++) {
      items.add(new JsonObject().put("key", UUID.randomUUID().toString()).put("kind", "attempt").put("module", "alpha").put("version", 3)
          .put("answers", i < 3 ? AlphaAnswers.allWrong() : AlphaAnswers.allRight()).put("answeredAt", "2026-11-28T09:3" + i + ":00Z"));
    }
    JsonObject late = post("/api/sync", l.token(), new JsonObject().put("items", items)).bodyAsJsonObject().getJsonArray("items")
        .getJsonObject(3);
    assertTrue(late.getBoolean("held"), late.encode());
    awaitStored(l, 15);
    // committed with the attempt, or not at all: no item means it will not be sent
    assertEquals(List.of(), outbox(l, late.getString("attempt")).stream().map(r -> r.getString(0))
        .filter(k -> k.startsWith("attempt:" + late.getString("attempt"))).toList());
    String coordinator = Accounts.token(server, Accounts.create(server, "coordinator", organisation));
    int before = server.get("/cohorts/" + cohort + "/statements.json", "Authorization", "Bearer " + coordinator).bodyAsJsonArray().size();
    assertEquals(15, before, "the download leaves the held attempt out too");
    post("/api/cohorts/" + cohort + "/learners/" + l.id() + "/attempts/" + late.getString("attempt") + "/decision", coordinator,
        new JsonObject().put("count", true));
    List<JsonObject> stored = awaitStored(l, 20);
    assertEquals(Map.of("answered", 16L, "failed", 3L, "passed", 1L), verbs(stored));
    assertEquals(20, server.get("/cohorts/" + cohort + "/statements.json", "Authorization", "Bearer " + coordinator)
        .bodyAsJsonArray().size());
  }

  @Test
  @DisplayName("a lesson read whose outbox item cannot be written is not stored either: one transaction, no half-state")
  void oneTransaction() {
    Learner l = learner(null);
    var pool = server.app().database().pool();
    // the fault, at the exact point: the outbox refuses this learner's item
    pool.query("ALTER TABLE outbox ADD CONSTRAINT refuse_one CHECK (dedupe_key <> 'lesson-read:" + l.id() + ":alpha:first') NOT VALID")
        .execute().await();
    try {
      HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/api/modules/alpha/lessons/first/read", null,
          "Authorization", "Bearer " + l.token());
      assertEquals(500, r.statusCode(), r.bodyAsString());
    } finally {
      pool.query("ALTER TABLE outbox DROP CONSTRAINT refuse_one").execute().await();
    }
    assertEquals(0, pool.preparedQuery("SELECT 1 FROM lesson_reads WHERE account_id = $1").execute(Tuple.of(l.id())).await().size(),
        "the read was not kept without its item");
    read(l, "first");
    awaitStored(l, 1);
  }

  @Test
  @DisplayName("a statement goes out as soon as its record is committed, not at the worker's next tick (here an hour away)")
  void sentAtOnce() {
    RecordingLrs own = new RecordingLrs(lrsVertx, "k", "s").start();
    try (TestApp slow = TestApp.start(Map.of(AppConfig.XAPI_URL, own.url(), AppConfig.XAPI_KEY, "k", AppConfig.XAPI_SECRET, "s",
        AppConfig.PUBLIC_URL, SITE, AppConfig.OUTBOX_INTERVAL, "3600000"))) {
      String username = Accounts.create(slow, "learner");
      assertEquals(204, slow.send(HttpMethod.POST, "/api/modules/alpha/lessons/first/read", null,
          "Authorization", "Bearer " + Accounts.token(slow, username)).statusCode());
      await().atMost(PATIENCE).until(() -> own.stored().size() == 1);
      assertEquals("http://adlnet.gov/expapi/verbs/experienced",
          own.stored().values().iterator().next().getJsonObject("verb").getString("id"));
    } finally {
      own.stop();
    }
  }

  @Test
  @DisplayName("an LRS down for a while (503, then refusing connections) costs nothing: once back, every statement arrives, once")
  void outage() {
    Learner l = learner(null);
    lrs.mode(RecordingLrs.Mode.UNAVAILABLE);
    read(l, "first");
    read(l, "second");
    // tried, answered 503, and tried again: still waiting
    awaitRetried(l, "-", 2);
    lrs.stop();
    String attempt = passQuiz(l);
    awaitRetried(l, attempt, 3);
    assertEquals(0, lrs.storedFor(l.actor()).size(), "nothing could be stored while the LRS was down");
    lrs.mode(RecordingLrs.Mode.UP);
    lrs.start();
    // both lessons read and the quiz passed: the module is completed too (its certificate earned)
    List<JsonObject> stored = awaitStored(l, 8);
    assertEquals(Map.of("experienced", 2L, "answered", 4L, "passed", 1L, "completed", 1L), verbs(stored));
    await().atMost(PATIENCE).until(() -> outbox(l, attempt).stream().allMatch(r -> r.getBoolean(2)));
    // each statement was accepted by the LRS once: sent again only while it answered 503 or was not there
    Set<String> ids = stored.stream().map(s -> s.getString("id")).collect(Collectors.toSet());
    assertEquals(8, ids.size());
    List<String> accepted = lrs.accepted().stream().filter(ids::contains).toList();
    assertEquals(8, accepted.size(), "accepted once each: " + accepted);
    assertEquals(List.of(), outbox(l, attempt).stream().filter(r -> !r.getBoolean(2)).map(r -> r.getString(0)).toList(),
        "every item is marked delivered");
  }

  @Test
  @DisplayName("a batch the LRS stored but whose answer was lost (503) is sent again under the same ids, and counts as delivered")
  void resendKeepsIds() {
    Learner l = learner(null);
    lrs.mode(RecordingLrs.Mode.STORE_THEN_UNAVAILABLE_ONCE);
    read(l, "first");
    String id = Statements.id("pillars:lesson-read:" + l.id() + ":alpha:first");
    await().atMost(PATIENCE).until(() -> lrs.received().stream().filter(id::equals).count() >= 2);
    await().atMost(PATIENCE).until(() -> outbox(l, "-").stream().allMatch(r -> r.getBoolean(2)));
    assertEquals(1, lrs.storedFor(l.actor()).size(), "the LRS kept one statement: " + lrs.storedFor(l.actor()));
    assertEquals(id, lrs.storedFor(l.actor()).get(0).getString("id"));
    assertEquals(2, lrs.received().stream().filter(id::equals).count(), "sent twice: stored-but-503, then 409");
  }

  @Test
  @DisplayName("a statement the LRS refuses (400) is kept, rejected with the reason, and not tried again")
  void refused() {
    Learner l = learner(null);
    lrs.mode(RecordingLrs.Mode.REFUSE_400);
    read(l, "first");
    await().atMost(PATIENCE).until(() -> outbox(l, "-").stream().anyMatch(r -> r.getBoolean(3)));
    Row row = outbox(l, "-").get(0);
    assertEquals(1, row.getInteger(1), "tried once");
    assertTrue(row.getString(4).contains("400"), row.getString(4));
    lrs.mode(RecordingLrs.Mode.UP);
    // a later item is delivered past it, and the rejected one stays as it was
    read(l, "second");
    awaitStored(l, 1);
    Row after = outbox(l, "-").get(0);
    assertEquals(1, after.getInteger(1));
    assertTrue(after.getBoolean(3) && !after.getBoolean(2));
  }

  @Test
  @DisplayName("a coordinator downloads the cohort's statements as a file: the very statements the LRS received; others may not")
  void cohortDownload() {
    Enrolled e = enrolled("Download rotation");
    long organisation = e.organisation();
    long cohort = e.cohort();
    Learner l = e.learner();
    read(l, "first");
    read(l, "second");
    passQuiz(l);
    // two lessons, four answers, passed, and the module completed
    List<JsonObject> stored = awaitStored(l, 8);

    String coordinator = Accounts.token(server, Accounts.create(server, "coordinator", organisation));
    HttpResponse<Buffer> r = server.get("/cohorts/" + cohort + "/statements.json", "Authorization", "Bearer " + coordinator);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertTrue(r.getHeader("Content-Disposition").startsWith("attachment;"), r.getHeader("Content-Disposition"));
    JsonArray file = r.bodyAsJsonArray();
    Map<String, JsonObject> byId = new java.util.HashMap<>();
    file.forEach(o -> byId.put(((JsonObject) o).getString("id"), (JsonObject) o));
    assertEquals(stored.size(), file.size(), file.encodePrettily());
    for (JsonObject s : stored) {
      assertEquals(s, byId.get(s.getString("id")), "the downloaded statement is the one delivered");
      assertEquals(List.of(), StatementRules.check(byId.get(s.getString("id"))));
    }
    assertEquals(new HashSet<>(byId.keySet()), stored.stream().map(s -> s.getString("id")).collect(Collectors.toSet()));

    String stranger = Accounts.token(server, Accounts.create(server, "coordinator"));
    assertEquals(404, server.get("/cohorts/" + cohort + "/statements.json", "Authorization", "Bearer " + stranger).statusCode());
    assertEquals(403, server.get("/cohorts/" + cohort + "/statements.json", "Authorization", "Bearer " + l.token()).statusCode());
  }
}
