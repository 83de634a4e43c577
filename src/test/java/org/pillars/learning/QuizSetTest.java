package org.pillars.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.support.Accounts;
import org.pillars.support.AlphaAnswers;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.Trees;

/**
 * Quiz sets through the real server: fixture alpha's quiz (4 questions) set to shuffle its questions and options and
 * to draw 2 per attempt, with no attempt limit. What each attempt drew is kept with it and graded on; a quiz kept on
 * a device is drawn for the learner's round and graded on that draw when it is sent.
 */
@ExtendWith(TestPostgres.class)
class QuizSetTest {

  @TempDir
  Path courses;

  private TestApp start() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    Path quiz = courses.resolve("alpha/quiz.md");
    Files.writeString(quiz, Files.readString(quiz).replace("max_attempts: 3\n",
        "max_attempts: 0\nshuffle_questions: true\nshuffle_options: true\ndraw: 2\n"));
    return TestApp.startOn(TestPostgres.newDatabase(), courses);
  }

  private static HttpResponse<Buffer> post(TestApp app, String token, String path, JsonObject body) {
    return app.send(HttpMethod.POST, path, body.toBuffer(), "Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  private static List<String> ids(JsonObject view) {
    return view.getJsonArray("questions").stream().map(q -> ((JsonObject) q).getString("id")).toList();
  }

  /** The right answers to the questions of a view, and nothing else. */
  private static JsonObject rightAnswers(JsonObject view) {
    JsonObject all = AlphaAnswers.allRight();
    JsonObject answers = new JsonObject();
    ids(view).forEach(id -> answers.put(id, all.getValue(id)));
    return answers;
  }

  @Test
  @DisplayName("each attempt draws 2 of the 4 questions and an order of options, keeps them, and is graded on them only")
  void attemptsDrawAndKeep() throws Exception {
    try (TestApp app = start()) {
      String token = Accounts.token(app, Accounts.create(app, "learner"));
      Set<Set<String>> sets = new HashSet<>();
      for (int i = 0; i < 12; i++) {
        JsonObject started = post(app, token, "/api/modules/alpha/attempts", new JsonObject()).bodyAsJsonObject();
        String attempt = started.getString("attempt");
        List<String> asked = ids(started);
        assertEquals(2, asked.size(), started.encode());
        sets.add(new HashSet<>(asked));
        JsonObject again = app.get("/api/attempts/" + attempt, "Authorization", "Bearer " + token).bodyAsJsonObject();
        assertEquals(started.getJsonArray("questions"), again.getJsonArray("questions"), "the attempt keeps what it drew, options' order too");
        JsonObject stored = app.app().database().pool().preparedQuery("SELECT drawn FROM attempts WHERE id = $1")
            .execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(attempt))).await().iterator().next().getJsonObject(0);
        assertEquals(new JsonArray(asked), stored.getJsonArray("questions"));
        if (i == 0) {
          JsonObject others = AlphaAnswers.allRight();
          asked.forEach(others::remove);
          HttpResponse<Buffer> refused = post(app, token, "/api/attempts/" + attempt + "/submit", new JsonObject().put("answers", others));
          assertEquals(400, refused.statusCode(), "answers to questions not drawn: " + refused.bodyAsString());
        }
        JsonObject result = post(app, token, "/api/attempts/" + attempt + "/submit", new JsonObject().put("answers", rightAnswers(started)))
            .bodyAsJsonObject();
        assertEquals(100, result.getInteger("score"), "graded on the 2 questions asked: " + result.encode());
        assertEquals(asked, result.getJsonArray("questions").stream().map(q -> ((JsonObject) q).getString("id")).toList(),
            "the result goes through the questions as they were asked");
      }
      assertTrue(sets.size() > 1, "12 attempts do not all draw the same 2 of 4 questions: " + sets);

      JsonObject analysis = app.get("/api/modules/alpha/analysis", "Authorization", "Bearer "
          + Accounts.token(app, Accounts.create(app, "trainer"))).bodyAsJsonObject();
      int asked = analysis.getJsonArray("questions").stream().mapToInt(q -> ((JsonObject) q).getInteger("answered")).sum();
      assertEquals(24, asked, "each question counts the attempts that asked it, 2 per attempt: " + analysis.encode());
      assertEquals(12, analysis.getInteger("attempts"));
    }
  }

  @Test
  @DisplayName("the attempt page shows the options in the attempt's order, each answering by its position as written")
  void pageShowsTheDrawnOrder() throws Exception {
    try (TestApp app = start()) {
      Accounts.Browser browser = Accounts.browser(app, Accounts.create(app, "learner"));
      assertTrue(app.get("/modules/alpha/quiz", "Cookie", browser.cookie()).bodyAsString().contains("can be answered once"),
          "the quiz page says that a set kept offline is answered once");
      // several attempts, so that some option order differs from the order written (a true-false one never does)
      for (int i = 0; i < 6; i++) {
        String location = app.send(HttpMethod.POST, "/modules/alpha/quiz", Accounts.form("_csrf", browser.csrf()), "Cookie",
            browser.cookie(), "Content-Type", "application/x-www-form-urlencoded").getHeader("Location");
        String page = app.get(location, "Cookie", browser.cookie()).bodyAsString();
        JsonObject view = app.get("/api" + location, "Cookie", browser.cookie()).bodyAsJsonObject();
        List<String> shown = new ArrayList<>();
        Matcher m = Pattern.compile("name=\"q\\.([a-z0-9-]+)\" value=\"(\\d+)\"").matcher(page);
        while (m.find()) {
          shown.add(m.group(1) + ":" + m.group(2));
        }
        List<String> expected = new ArrayList<>();
        for (Object o : view.getJsonArray("questions")) {
          JsonObject q = (JsonObject) o;
          q.getJsonArray("order").forEach(n -> expected.add(q.getString("id") + ":" + n));
        }
        assertEquals(expected, shown, page);
        assertEquals(200, app.send(HttpMethod.POST, "/api" + location + "/submit", new JsonObject().put("answers", rightAnswers(view))
            .toBuffer(), "Cookie", browser.cookie(), "X-CSRF-Token", browser.csrf(), "Content-Type", "application/json").statusCode());
      }
    }
  }

  @Test
  @DisplayName("offline: the kept quiz is drawn for the learner's round and stays until an attempt is used; sent answers are graded on that draw")
  void keptQuizDrawnPerRound() throws Exception {
    try (TestApp app = start()) {
      String token = Accounts.token(app, Accounts.create(app, "learner"));
      JsonObject kept = app.get("/api/modules/alpha/quiz", "Authorization", "Bearer " + token).bodyAsJsonObject();
      assertEquals(0, kept.getInteger("round"));
      assertEquals(2, ids(kept).size());
      for (int i = 0; i < 5; i++) {
        assertEquals(kept, app.get("/api/modules/alpha/quiz", "Authorization", "Bearer " + token).bodyAsJsonObject(),
            "asking again draws the same: nothing easier comes up");
      }
      JsonObject anonymous = app.get("/api/modules/alpha/quiz").bodyAsJsonObject();
      assertEquals(4, ids(anonymous).size(), "a reader not signed in sees every question, in the order written");
      assertNull(anonymous.getValue("round"));

      JsonObject missingRound = sync(app, token, new JsonObject().put("answers", rightAnswers(kept)));
      assertEquals("bad_round", missingRound.getString("error"), missingRound.encode());
      JsonObject others = AlphaAnswers.allRight();
      ids(kept).forEach(others::remove);
      assertEquals("refused", sync(app, token, new JsonObject().put("round", 0).put("answers", others)).getString("status"),
          "answers to questions the round did not draw");
      assertEquals(0L, count(app, "SELECT count(*) FROM attempts"), "nothing stored");

      JsonObject sent = sync(app, token, new JsonObject().put("round", 0).put("answers", rightAnswers(kept)));
      assertEquals("stored", sent.getString("status"), sent.encode());
      assertEquals(100, sent.getJsonObject("result").getInteger("score"));
      assertEquals(new JsonArray(ids(kept)), app.app().database().pool().query("SELECT drawn FROM attempts").execute().await()
          .iterator().next().getJsonObject(0).getJsonArray("questions"), "the attempt keeps the round's draw");

      JsonObject again = sync(app, token, new JsonObject().put("round", 0).put("answers", rightAnswers(kept)));
      assertEquals("round_answered", again.getString("error"), "a round is answered once: " + again.encode());

      JsonObject next = app.get("/api/modules/alpha/quiz", "Authorization", "Bearer " + token).bodyAsJsonObject();
      assertEquals(1, next.getInteger("round"), "an attempt used: the next round");
      Map<Integer, JsonObject> rounds = Map.of(0, kept, 1, next);
      assertEquals(rounds.get(1), app.get("/api/modules/alpha/quiz", "Authorization", "Bearer " + token).bodyAsJsonObject());
    }
  }

  @Test
  @DisplayName("a round never given out is refused before any grading, whatever it would draw: nobody picks their questions by naming rounds")
  void onlyRoundsGivenOut() throws Exception {
    try (TestApp app = start()) {
      String token = Accounts.token(app, Accounts.create(app, "learner"));
      for (int round = 0; round < 30; round++) {
        // the right answers to every question: whatever a round draws, they would score 100 if it were graded
        JsonObject probe = sync(app, token, new JsonObject().put("round", round).put("answers", AlphaAnswers.allRight()));
        assertEquals("unknown_round", probe.getString("error"), probe.encode());
      }
      assertEquals(0L, count(app, "SELECT count(*) FROM attempts"), "nothing stored, nothing graded");
      assertTrue(app.get("/modules/alpha/quiz").bodyAsString().contains("2 questions"), "the quiz page counts the questions an attempt asks");
    }
  }

  private static JsonObject sync(TestApp app, String token, JsonObject item) {
    item.put("key", UUID.randomUUID().toString()).put("kind", "attempt").put("module", "alpha").put("version", 3)
        .put("answeredAt", "2026-12-01T10:00:00Z");
    return post(app, token, "/api/sync", new JsonObject().put("items", new JsonArray().add(item))).bodyAsJsonObject()
        .getJsonArray("items").getJsonObject(0);
  }

  private static long count(TestApp app, String sql) {
    return app.app().database().pool().query(sql).execute().await().iterator().next().getLong(0);
  }
}
