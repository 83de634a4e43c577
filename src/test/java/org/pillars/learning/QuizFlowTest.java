package org.pillars.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pillars.support.Accounts;
import org.pillars.support.Saboteur;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/** The fixture quiz of module alpha: pass mark 75, 3 attempts; right answers host-state 1, tiers 0+1+3, mandate 1, checkpoint 0. */
@ExtendWith(TestPostgres.class)
class QuizFlowTest {

  private static final JsonObject ALL_RIGHT = new JsonObject().put("host-state", 1).put("tiers", new JsonArray().add(0).add(1).add(3))
      .put("mandate-not-r2p", 1).put("checkpoint", 0);
  private static final JsonObject HALF_RIGHT = new JsonObject().put("host-state", 1).put("tiers", new JsonArray().add(0).add(1))
      .put("mandate-not-r2p", 0).put("checkpoint", 2);
  private static final JsonObject ALL_WRONG = new JsonObject().put("host-state", 0).put("tiers", new JsonArray().add(2))
      .put("mandate-not-r2p", 0).put("checkpoint", 1);
  /** The advisory lock a test holds to keep a server's commit waiting. */
  private static final long HELD_COMMIT = 1010;
  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> api(HttpMethod method, String path, String token, JsonObject body) {
    return server.send(method, path, body == null ? null : body.toBuffer(), "Authorization", "Bearer " + token,
        "Content-Type", "application/json");
  }

  private static String startAttempt(String token) {
    HttpResponse<Buffer> r = api(HttpMethod.POST, "/api/modules/alpha/attempts", token, new JsonObject());
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getString("attempt");
  }

  private static JsonObject submit(String token, String attempt, JsonObject answers) {
    HttpResponse<Buffer> r = submitting(token, attempt, answers).await();
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  /** A submit sent without waiting for its answer. */
  private static Future<HttpResponse<Buffer>> submitting(String token, String attempt, JsonObject answers) {
    return server.client().post("/api/attempts/" + attempt + "/submit").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("answers", answers));
  }

  private static long submittedAttempts(String user) {
    return server.app().database().pool().preparedQuery("SELECT count(*) FROM attempts WHERE account_id = $1 AND submitted_at IS NOT NULL")
        .execute(Tuple.of(Accounts.id(server, user))).await().iterator().next().getLong(0);
  }

  private static Row stored(String attempt) {
    return server.app().database().pool().preparedQuery("SELECT submitted_at, score, passed, answers FROM attempts WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(attempt))).await().iterator().next();
  }

  @Test
  @DisplayName("the quiz as served before answering holds no right answers, feedback or explanations")
  void noKeysBeforeSubmit() {
    String token = Accounts.token(server, Accounts.create(server, "learner"));
    String body = server.get("/api/modules/alpha/quiz").bodyAsString();
    String attempt = api(HttpMethod.POST, "/api/modules/alpha/attempts", token, new JsonObject()).bodyAsString();
    String open = api(HttpMethod.GET, "/api/attempts/" + new JsonObject(attempt).getString("attempt"), token, null).bodyAsString();
    for (String served : List.of(body, attempt, open)) {
      assertFalse(served.contains("correct"), served);
      assertFalse(served.contains("Right: the state has the first duty"), "feedback leaked: " + served);
      assertFalse(served.contains("primary responsibility; a mission acts"), "explanation leaked: " + served);
      assertTrue(served.contains("Who holds the primary responsibility"), served);
    }
  }

  @Test
  @DisplayName("submitting grades the attempt: score, verdicts, chosen feedback and explanations, stored with the module version")
  void gradesAndStores() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    String attempt = startAttempt(token);
    JsonObject result = submit(token, attempt, HALF_RIGHT);

    assertEquals(41, result.getInteger("score"), "1 + 2/3 + 0 + 0 of 4 = 41.7 %");
    assertFalse(result.getBoolean("passed"));
    JsonObject first = result.getJsonArray("questions").getJsonObject(0);
    assertTrue(first.getBoolean("correct"));
    assertTrue(first.getJsonArray("feedbackHtml").getString(0).contains("Right: the state has the first duty"));
    assertTrue(first.getString("explanationHtml").contains("primary responsibility"));
    assertEquals("Fixture source document, 2015", first.getString("source"));
    JsonObject tiers = result.getJsonArray("questions").getJsonObject(1);
    assertEquals(2.0 / 3, tiers.getDouble("points"), 1e-9);

    var row = server.app().database().pool().preparedQuery(
            "SELECT module_version, score, answers, submitted_at IS NOT NULL FROM attempts WHERE id = $1")
        .execute(Tuple.of(java.util.UUID.fromString(attempt))).await().iterator().next();
    assertEquals(3, row.getInteger(0));
    assertEquals(41, row.getInteger(1));
    assertEquals(new JsonArray().add(0).add(1), ((JsonObject) row.getValue(2)).getJsonArray("tiers"));
    assertTrue(row.getBoolean(3));
  }

  @Test
  @DisplayName("a submit retried five times, one after another and all at once, is recorded once with one result")
  void idempotentSubmit() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    String attempt = startAttempt(token);
    JsonObject first = submit(token, attempt, HALF_RIGHT);
    for (int i = 0; i < 5; i++) {
      assertEquals(first, submit(token, attempt, ALL_RIGHT), "a retry returns the stored result, whatever it sends");
    }

    String second = startAttempt(token);
    List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      burst.add(submitting(token, second, ALL_RIGHT));
    }
    Future.all(burst).await();
    for (var f : burst) {
      assertEquals(200, f.result().statusCode(), f.result().bodyAsString());
      assertEquals(100, f.result().bodyAsJsonObject().getInteger("score"));
    }
    assertEquals(2, submittedAttempts(user), "two attempts, each recorded once");
  }

  /** The first submit takes the failing path (one statement) or the passing one (a transaction); the later one the other. */
  @ParameterizedTest(name = "{0} submit first")
  @ValueSource(strings = {"failing", "passing"})
  @DisplayName("two submits of one attempt racing with different answers: the first to commit is recorded, and both are answered with it")
  void racingSubmitsWithDifferentAnswers(String first) {
    JsonObject firstAnswers = first.equals("failing") ? ALL_WRONG : ALL_RIGHT;
    JsonObject laterAnswers = first.equals("failing") ? ALL_RIGHT : ALL_WRONG;
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    String attempt = startAttempt(token);
    Future<HttpResponse<Buffer>> earlier;
    Future<HttpResponse<Buffer>> later;
    try (Saboteur db = Saboteur.on(server)) {
      db.begin();
      db.execute("SELECT 1 FROM attempts WHERE id = ? FOR UPDATE", UUID.fromString(attempt));
      earlier = submitting(token, attempt, firstAnswers);
      db.awaitBlocked(1);  // its UPDATE waits for the row first; PostgreSQL queues the later one behind it
      later = submitting(token, attempt, laterAnswers);
      db.awaitBlocked(2);
      db.rollback();
    }
    HttpResponse<Buffer> recorded = earlier.await();
    HttpResponse<Buffer> lost = later.await();
    assertEquals(200, recorded.statusCode(), recorded.bodyAsString());
    assertEquals(200, lost.statusCode(), lost.bodyAsString());
    int score = first.equals("failing") ? 0 : 100;
    assertEquals(score, recorded.bodyAsJsonObject().getInteger("score"), recorded.bodyAsString());
    assertEquals(recorded.bodyAsJsonObject(), lost.bodyAsJsonObject(), "the later submit is answered with the recorded result, not its own");

    Row row = stored(attempt);
    assertEquals(score, row.getInteger("score"));
    assertEquals(score == 100, row.getBoolean("passed"));
    assertEquals(firstAnswers.getJsonArray("tiers"), ((JsonObject) row.getValue("answers")).getJsonArray("tiers"), "the first answers are kept");
    assertEquals(1, submittedAttempts(user));
  }

  /**
   * The commit is held at its very last step: a deferred constraint trigger, run by COMMIT, waits for an advisory
   * lock the test holds; the test then ends that backend, so the commit never happens.
   */
  @ParameterizedTest(name = "{0} answers")
  @ValueSource(strings = {"passing", "failing"})
  @DisplayName("a submit whose commit never happens is not answered with success; the attempt stays open and a retry records it")
  void lostCommit(String outcome) {
    JsonObject answers = outcome.equals("passing") ? ALL_RIGHT : ALL_WRONG;
    String token = Accounts.token(server, Accounts.create(server, "learner"));
    String attempt = startAttempt(token);
    HttpResponse<Buffer> lost;
    try (Saboteur db = Saboteur.on(server)) {
      db.execute("CREATE OR REPLACE FUNCTION hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          + "PERFORM pg_advisory_xact_lock(" + HELD_COMMIT + "); RETURN NULL; END $$");
      db.execute("CREATE CONSTRAINT TRIGGER hold_commit AFTER UPDATE ON attempts DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
          + "WHEN (NEW.id = '" + UUID.fromString(attempt) + "') EXECUTE FUNCTION hold_commit()");
      try {
        db.execute("SELECT pg_advisory_lock(?)", HELD_COMMIT);
        Future<HttpResponse<Buffer>> submitted = submitting(token, attempt, answers);
        Map.Entry<Integer, String> committing = db.awaitBlocked(1).entrySet().iterator().next();
        assertTrue(committing.getValue().startsWith(outcome.equals("passing") ? "COMMIT" : "UPDATE attempts"),
            "held at the commit, not elsewhere: " + committing.getValue());
        assertFalse(submitted.isComplete(), "answered before the commit");
        db.terminate(committing.getKey());
        lost = submitted.await();
      } finally {
        db.execute("SELECT pg_advisory_unlock(?)", HELD_COMMIT);
        db.execute("DROP TRIGGER hold_commit ON attempts");
      }
    }
    assertEquals(503, lost.statusCode(), lost.bodyAsString());
    assertEquals("unavailable", lost.bodyAsJsonObject().getString("error"), lost.bodyAsString());
    assertNull(stored(attempt).getValue("submitted_at"), "the attempt is not submitted");

    JsonObject retried = submit(token, attempt, answers);
    assertEquals(outcome.equals("passing"), retried.getBoolean("passed"), retried.encode());
    assertNotNull(stored(attempt).getValue("submitted_at"));
  }

  @Test
  @DisplayName("twelve starts sent at once open one attempt, and every one of them answers with it")
  void simultaneousStarts() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    List<Future<HttpResponse<Buffer>>> starts = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      starts.add(server.client().post("/api/modules/alpha/attempts").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject()));
    }
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (Future<HttpResponse<Buffer>> f : starts) {
      HttpResponse<Buffer> r = f.await();
      assertEquals(201, r.statusCode(), r.bodyAsString());
      ids.add(r.bodyAsJsonObject().getString("attempt"));
    }
    assertEquals(1, ids.size(), "one attempt for all: " + ids);
    long rows = server.app().database().pool().preparedQuery("SELECT count(*) FROM attempts WHERE account_id = $1")
        .execute(Tuple.of(Accounts.id(server, user))).await().iterator().next().getLong(0);
    assertEquals(1, rows);
  }

  @Test
  @DisplayName("an attempt left open at an older version of the module is dropped, and a new one opens at this version")
  void openAtOlderVersion() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    String old = startAttempt(token);
    server.app().database().pool().preparedQuery("UPDATE attempts SET module_version = module_version - 1 WHERE id = $1")
        .execute(Tuple.of(UUID.fromString(old))).await();
    String fresh = startAttempt(token);
    assertFalse(fresh.equals(old), "a new attempt");
    Row row = server.app().database().pool().preparedQuery(
            "SELECT count(*) FILTER (WHERE id = $2), count(*), max(module_version) FROM attempts WHERE account_id = $1")
        .execute(Tuple.of(Accounts.id(server, user), UUID.fromString(old))).await().iterator().next();
    assertEquals(0, row.getLong(0), "the old open attempt is gone");
    assertEquals(1, row.getLong(1));
    assertEquals(server.get("/api/modules/alpha").bodyAsJsonObject().getInteger("version"), row.getInteger(2));
  }

  @Test
  @DisplayName("the attempt limit is enforced by the server; an open attempt is resumed, not duplicated")
  void attemptLimit() {
    String token = Accounts.token(server, Accounts.create(server, "learner"));
    String open = startAttempt(token);
    assertEquals(open, startAttempt(token), "starting again resumes the open attempt");
    submit(token, open, HALF_RIGHT);
    submit(token, startAttempt(token), HALF_RIGHT);
    submit(token, startAttempt(token), ALL_RIGHT);
    HttpResponse<Buffer> fourth = api(HttpMethod.POST, "/api/modules/alpha/attempts", token, new JsonObject());
    assertEquals(409, fourth.statusCode(), fourth.bodyAsString());
    assertEquals("attempt_limit", fourth.bodyAsJsonObject().getString("error"));

    JsonObject progress = api(HttpMethod.GET, "/api/progress", token, null).bodyAsJsonObject().getJsonArray("modules")
        .getJsonObject(0);
    assertEquals("alpha", progress.getString("module"));
    assertEquals(3, progress.getInteger("attempts"));
    assertEquals(100, progress.getInteger("bestScore"), "the best score counts");
    assertTrue(progress.getBoolean("passed"));
  }

  @Test
  @DisplayName("five starts at once open one attempt, and all five get it")
  void concurrentStarts() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      burst.add(server.client().post("/api/modules/alpha/attempts").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject()));
    }
    Future.all(burst).await();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (var f : burst) {
      assertEquals(201, f.result().statusCode(), f.result().bodyAsString());
      ids.add(f.result().bodyAsJsonObject().getString("attempt"));
    }
    assertEquals(1, ids.size(), ids.toString());
    long rows = server.app().database().pool().preparedQuery("SELECT count(*) FROM attempts WHERE account_id = $1")
        .execute(Tuple.of(Accounts.id(server, user))).await().iterator().next().getLong(0);
    assertEquals(1, rows);
  }

  @Test
  @DisplayName("malformed answers and unknown attempts get 4xx with a reason")
  void badSubmissions() {
    String token = Accounts.token(server, Accounts.create(server, "learner"));
    String attempt = startAttempt(token);
    for (JsonObject bad : List.of(new JsonObject(), new JsonObject().put("answers", "all"),
        new JsonObject().put("answers", new JsonObject().put("host-state", "one")),
        new JsonObject().put("answers", new JsonObject().put("host-state", 1.5)),
        new JsonObject().put("answers", new JsonObject().put("no-such-question", 0)),
        new JsonObject().put("answers", new JsonObject().put("host-state", 9)),
        new JsonObject().put("answers", new JsonObject().put("host-state", new JsonArray().add(0).add(1))))) {
      HttpResponse<Buffer> r = api(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", token, bad);
      assertEquals(400, r.statusCode(), bad + " -> " + r.bodyAsString());
      assertNotNull(r.bodyAsJsonObject().getString("message"));
    }
    assertEquals(400, api(HttpMethod.GET, "/api/attempts/not-a-uuid", token, null).statusCode(), "an id that is no UUID breaks the API description");
    assertEquals(404, api(HttpMethod.GET, "/api/attempts/" + java.util.UUID.randomUUID(), token, null).statusCode());
    assertEquals(404, api(HttpMethod.POST, "/api/modules/nope/attempts", token, new JsonObject()).statusCode());
    assertEquals(404, api(HttpMethod.POST, "/api/modules/beta/attempts", token, new JsonObject()).statusCode(),
        "beta has no quiz");
  }

  @Test
  @DisplayName("a learner cannot see or submit another learner's attempt, nor open their certificate")
  void othersAttempts() {
    String alice = Accounts.token(server, Accounts.create(server, "learner"));
    String bob = Accounts.token(server, Accounts.create(server, "learner"));
    String attempt = startAttempt(alice);
    assertEquals(404, api(HttpMethod.GET, "/api/attempts/" + attempt, bob, null).statusCode());
    assertEquals(404, api(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", bob,
        new JsonObject().put("answers", ALL_RIGHT)).statusCode());
    assertEquals(200, api(HttpMethod.GET, "/api/attempts/" + attempt, alice, null).statusCode());
  }

  @Test
  @DisplayName("completing every lesson and passing issues a certificate that anyone can verify, and only its owner can open")
  void certificate() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    submit(token, startAttempt(token), ALL_RIGHT);
    assertEquals(0, api(HttpMethod.GET, "/api/certificates", token, null).bodyAsJsonObject().getJsonArray("certificates").size(),
        "not every lesson is read yet");
    assertEquals(204, api(HttpMethod.POST, "/api/modules/alpha/lessons/first/read", token, null).statusCode());
    assertEquals(204, api(HttpMethod.POST, "/api/modules/alpha/lessons/second/read", token, null).statusCode());

    JsonArray certificates = api(HttpMethod.GET, "/api/certificates", token, null).bodyAsJsonObject().getJsonArray("certificates");
    assertEquals(1, certificates.size());
    JsonObject c = certificates.getJsonObject(0);
    String code = c.getString("code");
    assertTrue(code.matches("[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}"), code);
    assertEquals(100, c.getInteger("score"));
    assertEquals("Test " + user, c.getString("name"));

    HttpResponse<Buffer> verify = server.get("/verify/" + code);
    assertEquals(200, verify.statusCode());
    String page = verify.bodyAsString();
    assertTrue(page.contains("This certificate is valid.") && page.contains("Test " + user) && page.contains("Alpha module")
        && page.contains("100 %"), page);
    // this learner has no service number on record: nothing stands for one
    assertEquals(6, page.split("<dt>", -1).length - 1, "only name, organisation, module, date, score and code: " + page);
    JsonObject api = server.get("/api/verify/" + code.toLowerCase()).bodyAsJsonObject();
    assertTrue(api.getBoolean("valid"));
    assertEquals(c.getString("issuedOn"), api.getString("issuedOn"));

    assertEquals(404, server.get("/verify/ABCD-EFGH-JKLM-NP23").statusCode(), "unknown code");
    HttpResponse<Buffer> malformed = server.get("/verify/%3Cscript%3E");
    assertEquals(404, malformed.statusCode());
    assertTrue(malformed.bodyAsString().contains("This is not a certificate code"), malformed.bodyAsString());
    assertEquals(404, server.get("/api/verify/0000").statusCode());

    Accounts.Browser owner = Accounts.browser(server, user);
    HttpResponse<Buffer> own = server.get("/certificates/" + code, "Cookie", owner.cookie());
    assertEquals(200, own.statusCode());
    assertTrue(own.bodyAsString().contains("Certificate of completion"), own.bodyAsString());
    Accounts.Browser other = Accounts.browser(server, Accounts.create(server, "learner"));
    assertEquals(404, server.get("/certificates/" + code, "Cookie", other.cookie()).statusCode());
  }

  @Test
  @DisplayName("in the browser: read the lessons, take the quiz, see the result with feedback, get the certificate")
  void browserJourney() {
    String user = Accounts.create(server, "learner");
    Accounts.Browser b = Accounts.browser(server, user);
    String form = "application/x-www-form-urlencoded";
    String lesson = server.get("/modules/alpha/first", "Cookie", b.cookie()).bodyAsString();
    assertTrue(lesson.contains("action=\"/modules/alpha/first/read\""), lesson);
    assertEquals("/modules/alpha/second?marked=first", server.send(HttpMethod.POST, "/modules/alpha/first/read",
        Buffer.buffer("_csrf=" + b.csrf()), "Cookie", b.cookie(), "Content-Type", form).getHeader("Location"));
    assertEquals("/modules/alpha/quiz?marked=second", server.send(HttpMethod.POST, "/modules/alpha/second/read",
        Buffer.buffer("_csrf=" + b.csrf()), "Cookie", b.cookie(), "Content-Type", form).getHeader("Location"));

    String quizPage = server.get("/modules/alpha/quiz", "Cookie", b.cookie()).bodyAsString();
    assertTrue(quizPage.contains("You pass with 75 % or more."), quizPage);
    HttpResponse<Buffer> started = server.send(HttpMethod.POST, "/modules/alpha/quiz", Buffer.buffer("_csrf=" + b.csrf()),
        "Cookie", b.cookie(), "Content-Type", form);
    assertEquals(303, started.statusCode(), started.bodyAsString());
    String attemptUrl = started.getHeader("Location");
    String attemptPage = server.get(attemptUrl, "Cookie", b.cookie()).bodyAsString();
    assertTrue(attemptPage.contains("type=\"radio\" id=\"q-host-state-1\" name=\"q.host-state\" value=\"1\""), attemptPage);
    assertTrue(attemptPage.contains("type=\"checkbox\" id=\"q-tiers-3\" name=\"q.tiers\" value=\"3\""), attemptPage);
    assertFalse(attemptPage.contains("Right: the state has the first duty"), "no feedback before submitting");

    String answers = "_csrf=" + b.csrf() + "&q.host-state=1&q.tiers=0&q.tiers=1&q.tiers=3&q.mandate-not-r2p=1&q.checkpoint=0";
    HttpResponse<Buffer> submitted = server.send(HttpMethod.POST, attemptUrl, Buffer.buffer(answers), "Cookie", b.cookie(),
        "Content-Type", form);
    assertEquals(303, submitted.statusCode(), submitted.bodyAsString());
    String result = server.get(attemptUrl, "Cookie", b.cookie()).bodyAsString();
    assertTrue(result.contains("Score: 100 %") && result.contains("passed"), result);
    assertTrue(result.contains("Right: the state has the first duty."), "feedback of the chosen option: " + result);
    assertTrue(result.contains("Report, assess and deter first"), "explanation: " + result);
    // an option chosen that has no feedback of its own shows none (and no trace of the missing one)
    assertFalse(result.contains("[null") || result.contains("null]"), result);

    String home = server.get("/home", "Cookie", b.cookie()).bodyAsString();
    Matcher certificate = Pattern.compile("href=\"(/certificates/[A-Z0-9-]+)\"").matcher(home);
    assertTrue(certificate.find(), home);
    String page = server.get(certificate.group(1), "Cookie", b.cookie()).bodyAsString();
    assertTrue(page.contains("Test " + user) && page.contains("Alpha module") && page.contains("100 %"), page);
    assertNull(server.get("/home", "Cookie", b.cookie()).getHeader("Location"));
  }

  @Test
  @DisplayName("in the browser, a submit with blank questions asks first, keeps the answers given and costs no attempt")
  void blankSubmitAsksFirst() {
    Accounts.Browser b = Accounts.browser(server, Accounts.create(server, "learner"));
    String form = "application/x-www-form-urlencoded";
    HttpResponse<Buffer> started = server.send(HttpMethod.POST, "/modules/alpha/quiz", Buffer.buffer("_csrf=" + b.csrf()),
        "Cookie", b.cookie(), "Content-Type", form);
    String attemptUrl = started.getHeader("Location");
    String partial = "_csrf=" + b.csrf() + "&q.host-state=1&q.tiers=0&q.tiers=3";

    HttpResponse<Buffer> asked = server.send(HttpMethod.POST, attemptUrl, Buffer.buffer(partial), "Cookie", b.cookie(),
        "Content-Type", form);
    assertEquals(200, asked.statusCode(), asked.bodyAsString());
    String page = asked.bodyAsString();
    assertTrue(page.contains("2 questions have no answer:"), page);
    assertTrue(page.contains("href=\"" + attemptUrl + "#question-3\">Question 3</a>, <a href=\"" + attemptUrl
        + "#question-4\">Question 4</a>"), page);
    assertTrue(page.contains("name=\"confirm\" value=\"blank\"") && page.contains("name=\"q.tiers\" value=\"3\""), page);

    // nothing graded: the attempt is still open, shows the answers kept, and no attempt is used
    String again = server.get(attemptUrl, "Cookie", b.cookie()).bodyAsString();
    assertTrue(again.contains("name=\"q.host-state\" value=\"1\" checked>"), again);
    assertTrue(again.contains("name=\"q.tiers\" value=\"3\" checked>"), again);
    assertFalse(again.contains("name=\"q.tiers\" value=\"1\" checked>"), again);
    assertTrue(again.contains("2 of 4 questions answered so far."), again);
    assertTrue(server.get("/modules/alpha/quiz", "Cookie", b.cookie()).bodyAsString().contains("3 attempts left"));

    // submit anyway: graded as given
    HttpResponse<Buffer> confirmed = server.send(HttpMethod.POST, attemptUrl, Buffer.buffer(partial + "&confirm=blank"),
        "Cookie", b.cookie(), "Content-Type", form);
    assertEquals(303, confirmed.statusCode(), confirmed.bodyAsString());
    String result = server.get(attemptUrl, "Cookie", b.cookie()).bodyAsString();
    assertTrue(result.contains("Score:"), result);
    // the first form sent again (Back, then resubmit): the stored result, not a question and not a second attempt
    assertEquals(303, server.send(HttpMethod.POST, attemptUrl, Buffer.buffer(partial), "Cookie", b.cookie(),
        "Content-Type", form).statusCode());
    assertTrue(server.get("/modules/alpha/quiz", "Cookie", b.cookie()).bodyAsString().contains("2 attempts left"));
  }

  @Test
  @DisplayName("the quiz page names the unread lessons with links, and says nothing of attempts used up to one who passed")
  void quizPageNamesUnreadLessons() {
    String user = Accounts.create(server, "learner");
    Accounts.Browser b = Accounts.browser(server, user);
    String token = Accounts.token(server, user);
    api(HttpMethod.POST, "/api/modules/alpha/lessons/first/read", token, null);
    String page = server.get("/modules/alpha/quiz", "Cookie", b.cookie()).bodyAsString();
    assertTrue(page.contains("1 lesson is not yet marked as read"), page);
    assertTrue(page.contains("<a href=\"/modules/alpha/second\" lang=\"en\">The second lesson</a>"), page);
    assertFalse(page.contains("href=\"/modules/alpha/first\""), "a lesson read is not listed: " + page);

    submit(token, startAttempt(token), ALL_RIGHT);
    submit(token, startAttempt(token), ALL_WRONG);
    submit(token, startAttempt(token), ALL_WRONG);
    String used = server.get("/modules/alpha/quiz", "Cookie", b.cookie()).bodyAsString();
    assertFalse(used.contains("You have used all your attempts"), used);
    assertFalse(used.contains("action=\"/modules/alpha/quiz\""), "no start button either: " + used);

    String other = Accounts.create(server, "learner");
    String otherToken = Accounts.token(server, other);
    for (int i = 0; i < 3; i++) {
      submit(otherToken, startAttempt(otherToken), ALL_WRONG);
    }
    assertTrue(server.get("/modules/alpha/quiz", "Cookie", Accounts.browser(server, other).cookie()).bodyAsString()
        .contains("You have used all your attempts"), "one who failed is told");
  }
}
