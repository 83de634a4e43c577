package org.pillars.learning;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
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
class ProgressAcrossEditsTest {

  @TempDir
  Path courses;

  @Test
  @DisplayName("editing a module keeps progress (keyed on ids) and each attempt keeps the version it was taken against")
  void progressSurvivesEdits() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    try (TestApp server = TestApp.start(Map.of(AppConfig.COURSES, courses.toString(), AppConfig.RELOAD, "true"))) {
      String token = Accounts.token(server, Accounts.create(server, "learner"));
      String auth = "Bearer " + token;
      assertEquals(204, server.send(HttpMethod.POST, "/api/modules/alpha/lessons/first/read", null, "Authorization", auth).statusCode());
      String attempt = server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
          "Authorization", auth, "Content-Type", "application/json").bodyAsJsonObject().getString("attempt");
      server.send(HttpMethod.POST, "/api/attempts/" + attempt + "/submit",
          new JsonObject().put("answers", new JsonObject().put("host-state", 1)).toBuffer(),
          "Authorization", auth, "Content-Type", "application/json");

      // The author renames the lesson file, edits its text, adds a lesson and raises the version.
      Path module = courses.resolve("alpha");
      Files.move(module.resolve("01-first.md"), module.resolve("01-the-first.md"));
      Files.writeString(module.resolve("01-the-first.md"), Files.readString(module.resolve("01-the-first.md"))
          .replace("First lesson body", "Rewritten first lesson body"));
      Files.delete(module.resolve("01-first.fr.md"));
      Files.writeString(module.resolve("03-third.md"), "---\nid: third\ntitle: A new third lesson\n---\nNew.\n");
      Files.writeString(module.resolve("module.md"), Files.readString(module.resolve("module.md"))
          .replace("version: 3", "version: 4").replace("(01-first.md)", "(01-the-first.md)"));
      await("the edit to be picked up").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertEquals(4, server.get("/api/modules/alpha").bodyAsJsonObject().getInteger("version")));

      JsonObject progress = server.get("/api/progress", "Authorization", auth).bodyAsJsonObject().getJsonArray("modules")
          .getJsonObject(0);
      assertEquals("alpha", progress.getString("module"));
      assertEquals(1, progress.getInteger("lessonsRead"), "the read lesson still counts under its id");
      assertEquals(3, progress.getInteger("lessons"));
      assertEquals("/modules/alpha/second", progress.getString("continue"));
      JsonObject old = server.get("/api/attempts/" + attempt, "Authorization", auth).bodyAsJsonObject();
      assertEquals(3, old.getInteger("moduleVersion"), "the attempt keeps the version it was taken against");
      assertEquals(25, old.getJsonObject("result").getInteger("score"));
      String fresh = server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
          "Authorization", auth, "Content-Type", "application/json").bodyAsJsonObject().getString("attempt");
      assertEquals(4, server.get("/api/attempts/" + fresh, "Authorization", auth).bodyAsJsonObject().getInteger("moduleVersion"));
      assertTrue(new JsonArray().add(1).equals(old.getJsonObject("result").getJsonArray("questions").getJsonObject(0)
          .getJsonArray("chosen")));
    }
  }
}
