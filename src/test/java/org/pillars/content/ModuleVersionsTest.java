package org.pillars.content;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.config.AppConfig;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.Trees;

/**
 * Modules are versions in PostgreSQL: courses/ is read into them, learners are served the published one, and a
 * start whose folders match what is published renders nothing. Fixture modules alpha (version 3, with a quiz in
 * English and French) and beta.
 */
@ExtendWith(TestPostgres.class)
class ModuleVersionsTest {

  @TempDir
  Path courses;

  private static List<String> versions(TestApp app, String module) {
    List<String> found = new ArrayList<>();
    for (Row r : app.app().database().pool().preparedQuery(
        "SELECT version, module IS NOT NULL AS whole FROM module_versions WHERE module_id = $1 ORDER BY version")
        .execute(Tuple.of(module)).await()) {
      found.add(r.getInteger(0) + (r.getBoolean(1) ? "" : " (quiz only)"));
    }
    return found;
  }

  @Test
  @DisplayName("a start whose folders hold the published versions renders nothing and serves exactly what it served")
  void restartRendersNothing() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    String database = TestPostgres.newDatabase();
    Catalog first;
    try (TestApp app = TestApp.startOn(database, courses)) {
      assertEquals(2, app.app().content().renderedLastLoad(), "the first start renders both modules");
      first = app.app().content().get();
      assertEquals(List.of("3"), versions(app, "alpha"), "published as the version its author wrote");
    }
    try (TestApp app = TestApp.startOn(database, courses)) {
      assertEquals(0, app.app().content().renderedLastLoad(), "nothing changed: nothing rendered");
      Catalog again = app.app().content().get();
      assertEquals(first.modules(), again.modules(), "the same modules, lessons, HTML and quiz, read back from PostgreSQL");
      assertEquals(List.of("3"), versions(app, "alpha"));
      String page = app.get("/modules/alpha/first").bodyAsString();
      assertTrue(page.contains("The first lesson"), page);
    }
  }

  @Test
  @DisplayName("a changed folder becomes the next version with its files; the earlier version stays to grade answers")
  void changedFolderIsTheNextVersion() throws Exception {
    String database = TestApp.publishedOnce(courses);
    Path lesson = courses.resolve("alpha/01-first.md");
    Files.writeString(lesson, Files.readString(lesson).replace("title: The first lesson", "title: The edited lesson"));
    try (TestApp app = TestApp.startOn(database, courses)) {
      Module alpha = app.app().content().get().module("alpha").orElseThrow();
      assertEquals(4, alpha.version(), "the author left 'version: 3': the server numbers above every earlier version");
      assertEquals("The edited lesson", alpha.lesson("first").orElseThrow().title().in("en"));
      assertEquals(List.of("3", "4"), versions(app, "alpha"));
      byte[] stored = app.app().database().pool().preparedQuery(
          "SELECT bytes FROM module_files WHERE module_id = 'alpha' AND version = 4 AND path = '01-first.md'").execute().await()
          .iterator().next().getBuffer(0).getBytes();
      assertArrayEquals(Files.readAllBytes(lesson), stored, "the source kept byte for byte");
      assertTrue(app.app().content().quiz("alpha", 3).await().isPresent(), "version 3's quiz still grades late answers");
      assertEquals(1, app.app().content().get().module("beta").orElseThrow().version(), "beta unchanged");
      assertEquals(List.of("1"), versions(app, "beta"));
    }
  }

  @Test
  @DisplayName("a folder broken at start keeps its published version live, in English and French, and says where")
  void brokenFolderKeepsThePublishedVersion() throws Exception {
    String database = TestApp.publishedOnce(courses);
    Module published;
    try (TestApp app = TestApp.startOn(database, courses)) {
      published = app.app().content().get().module("alpha").orElseThrow();
    }
    Path quizFr = courses.resolve("alpha/quiz.fr.md");
    String french = Files.readString(quizFr);
    int cut = french.lastIndexOf("\n## ");
    Files.writeString(quizFr, french.substring(0, cut) + "\n");  // one question fewer than the English quiz
    try (TestApp app = TestApp.startOn(database, courses)) {
      Catalog catalog = app.app().content().get();
      assertEquals(published, catalog.module("alpha").orElseThrow(), "the published version, unchanged");
      assertTrue(catalog.problems().stream().anyMatch(p -> p.file().endsWith("alpha/quiz.fr.md")), catalog.problems().toString());
      assertEquals(200, app.get("/modules/alpha/first").statusCode());
      assertEquals(200, app.get("/modules/alpha/first", "Accept-Language", "fr").statusCode());
      assertEquals(200, app.get("/modules/alpha/quiz", "Accept-Language", "fr").statusCode());
      assertEquals(List.of("3"), versions(app, "alpha"), "nothing stored for the broken folder");
    }
  }

  @Test
  @DisplayName("two servers starting at once on one changed folder publish one version between them")
  void twoServersPublishOnce() throws Exception {
    String database = TestApp.publishedOnce(courses);
    Path lesson = courses.resolve("alpha/02-second.md");
    Files.writeString(lesson, Files.readString(lesson) + "\nOne more line.\n");
    CompletableFuture<TestApp> a = CompletableFuture.supplyAsync(() -> TestApp.startOn(database, courses));
    CompletableFuture<TestApp> b = CompletableFuture.supplyAsync(() -> TestApp.startOn(database, courses));
    try (TestApp one = a.get(); TestApp two = b.get()) {
      assertEquals(List.of("3", "4"), versions(one, "alpha"), "one new version, not two");
      assertEquals(4, one.app().content().get().module("alpha").orElseThrow().version());
      assertEquals(4, two.app().content().get().module("alpha").orElseThrow().version());
    }
  }

  @Test
  @DisplayName("a quiz kept before versions (V8) becomes that version on the first import; a published version cannot change")
  void keptQuizUpgradedAndVersionsImmutable() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    try (TestApp app = TestApp.start(Map.of(AppConfig.COURSES, courses.toString()))) {
      Pool pool = app.app().database().pool();
      pool.query("INSERT INTO module_versions (module_id, version, quiz) VALUES ('gamma', 5, '{\"questions\": []}')").execute().await();
      ModuleVersionRepository repository = new ModuleVersionRepository(pool);
      JsonObject module = ModuleCodec.toJson(app.app().content().get().module("beta").orElseThrow());
      repository.publish(List.of(new ModuleVersionRepository.NewVersion("gamma", 5, null, "a".repeat(64), module, null,
          Map.of("module.md", new byte[] {1}), "workspace", null, null))).await();
      assertEquals(List.of("5"), versions(app, "gamma"), "the quiz-only row of version 5 now holds its module");
      repository.publish(List.of(new ModuleVersionRepository.NewVersion("gamma", 5, null, "b".repeat(64), module, null,
          Map.of("module.md", new byte[] {2}), "workspace", null, null))).await();
      assertEquals(List.of("5", "6"), versions(app, "gamma"));
      repository.publish(List.of(new ModuleVersionRepository.NewVersion("gamma", 5, null, "b".repeat(64), module, null,
          Map.of("module.md", new byte[] {2}), "workspace", null, null))).await();
      assertEquals(List.of("5", "6"), versions(app, "gamma"), "what is published already is not published again");

      var e = assertThrows(Exception.class, () -> pool.query("UPDATE module_versions SET quiz = NULL WHERE module_id = 'alpha'").execute().await());
      assertTrue(e.getMessage().contains("cannot change"), e.getMessage());
      var f = assertThrows(Exception.class, () -> pool.query(
          "INSERT INTO module_files (module_id, version, path, bytes) VALUES ('gamma', 6, '../escape.md', '\\x00')").execute().await());
      assertTrue(f.getMessage().contains("module_files_path_check"), f.getMessage());
    }
  }

  @Test
  @DisplayName("a version one server publishes is served by another server on the same database within 2 s")
  void otherServersServeItWithinTwoSeconds() throws Exception {
    String database = TestApp.publishedOnce(courses);
    try (TestApp watching = TestApp.start(Map.of(AppConfig.COURSES, courses.toString(), AppConfig.DATABASE_URL, database,
            AppConfig.JWT_KEY_FILE, TestApp.keyFile().toString(), AppConfig.RELOAD, "true"));
         TestApp other = TestApp.startOn(database, courses)) {
      Path lesson = courses.resolve("alpha/01-first.md");
      Files.writeString(lesson, Files.readString(lesson).replace("title: The first lesson", "title: Published on one server"));
      await("the watching server to publish").atMost(Duration.ofSeconds(20))
          .until(() -> watching.app().content().get().module("alpha").orElseThrow().version() == 4);
      await("the other server to serve it").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50))
          .until(() -> other.get("/modules/alpha/first").bodyAsString().contains("Published on one server"));
      assertEquals(0, other.app().content().renderedLastLoad(), "read back, not rendered");
    }
  }
}
