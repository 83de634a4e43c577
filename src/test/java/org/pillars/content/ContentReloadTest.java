package org.pillars.content;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.config.AppConfig;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.Trees;

@ExtendWith(TestPostgres.class)
class ContentReloadTest {

  @TempDir
  Path courses;

  @Test
  @DisplayName("an edit under courses/ is served without a restart as the next version; a broken edit keeps the published version live")
  void picksUpEdits() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    try (TestApp server = TestApp.start(Map.of(AppConfig.COURSES, courses.toString(), AppConfig.RELOAD, "true"))) {
      assertTrue(server.get("/modules/alpha/first").bodyAsString().contains("The first lesson"));

      Path lesson = courses.resolve("alpha/01-first.md");
      Files.writeString(lesson, Files.readString(lesson).replace("title: The first lesson", "title: The edited lesson"));
      awaitBody(server, "/modules/alpha/first", "The edited lesson");

      assertEquals(4, server.app().content().get().module("alpha").orElseThrow().version(), "the edit is version 4 (3 before)");

      String before = server.get("/modules/beta").bodyAsString();
      Files.writeString(courses.resolve("beta/module.md"), "no front matter any more\n");
      await("the broken edit to be found").atMost(Duration.ofSeconds(20)).until(() -> !server.app().content().get().problems().isEmpty());
      assertEquals(200, server.get("/modules/beta").statusCode(), "a broken edit leaves the published version live");
      assertEquals(before, server.get("/modules/beta").bodyAsString());
      assertEquals(200, server.get("/modules/alpha").statusCode(), "the other module is still served");
      assertTrue(server.get("/health").bodyAsString().contains("\"problems\":1"), server.get("/health").bodyAsString());
    }
  }

  @Test
  @DisplayName("a quiz edited without a new version is what the next attempt started through the API shows")
  void startedAttemptShowsTheEditedQuiz() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    try (TestApp server = TestApp.start(Map.of(AppConfig.COURSES, courses.toString(), AppConfig.RELOAD, "true"))) {
      String auth = "Bearer " + Accounts.token(server, Accounts.create(server, "learner"));
      assertTrue(start(server, auth).contains("Who holds the primary responsibility"));

      Path quiz = courses.resolve("alpha/quiz.md");
      Files.writeString(quiz, Files.readString(quiz).replace("Who holds the primary responsibility", "Who bears the primary responsibility"));
      awaitBody(server, "/api/modules/alpha/quiz", "Who bears the primary responsibility");
      String started = start(server, auth);
      assertTrue(started.contains("Who bears the primary responsibility"), started);
    }
  }

  /** Starts (or resumes) the learner's attempt at alpha through the API: the answer's body. */
  private static String start(TestApp server, String auth) {
    var r = server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
        "Authorization", auth, "Content-Type", "application/json");
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsString();
  }

  private static void awaitBody(TestApp server, String path, String text) {
    await(path + " to show '" + text + "'").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      String body = server.get(path).bodyAsString();
      assertTrue(body.contains(text), body);
    });
  }
}
