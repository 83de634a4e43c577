package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.config.AppConfig;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.Trees;

@ExtendWith(TestPostgres.class)
class ContentReloadTest {

  @TempDir
  Path courses;

  @Test
  @DisplayName("an edit under courses/ is served without a restart; a broken edit keeps the other modules up")
  void picksUpEdits() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    try (TestApp server = TestApp.start(Map.of(AppConfig.COURSES, courses.toString(), AppConfig.RELOAD, "true"))) {
      assertTrue(server.get("/modules/alpha/first").bodyAsString().contains("The first lesson"));

      Path lesson = courses.resolve("alpha/01-first.md");
      Files.writeString(lesson, Files.readString(lesson).replace("title: The first lesson", "title: The edited lesson"));
      awaitBody(server, "/modules/alpha/first", "The edited lesson");

      Files.writeString(courses.resolve("beta/module.md"), "no front matter any more\n");
      awaitStatus(server, "/modules/beta", 404);
      assertEquals(200, server.get("/modules/alpha").statusCode(), "the other module is still served");
    }
  }

  private static void awaitBody(TestApp server, String path, String text) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (server.get(path).bodyAsString().contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(path + " never showed '" + text + "': " + server.get(path).bodyAsString());
  }

  private static void awaitStatus(TestApp server, String path, int status) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (server.get(path).statusCode() == status) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(path + " never answered " + status);
  }
}
