package org.pillars.authoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.config.AppConfig;
import org.pillars.content.Catalog;
import org.pillars.content.CourseLoader;
import org.pillars.content.MarkdownRenderer;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.Trees;

/**
 * The trainers' workspace on the fixture modules: alpha (version 3; lesson 01-first in English and French, 02-second
 * in English only) and beta (English only).
 */
@ExtendWith(TestPostgres.class)
class WorkspaceTest {

  @TempDir
  Path courses;

  private static JsonObject entry(JsonArray modules, String key, String value) {
    return modules.stream().map(JsonObject.class::cast).filter(m -> value.equals(m.getString(key))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " " + value + " in " + modules.encode()));
  }

  @Test
  @DisplayName("the workspace shows each module's published version, its missing and outdated French, and the problems of a broken folder, which stays live")
  void statusOfEveryModule() throws Exception {
    String database = TestApp.publishedOnce(courses);
    Path first = courses.resolve("alpha/01-first.md");
    Files.writeString(first, Files.readString(first) + "\nA sentence added in English only.\n");  // version 4
    Files.writeString(courses.resolve("beta/module.md"), "no front matter any more\n");
    Files.createDirectories(courses.resolve("gamma"));
    Files.writeString(courses.resolve("gamma/module.md"), "---\nid: gamma\n---\nNo title.\n");

    try (TestApp app = TestApp.startOn(database, courses)) {
      String token = Accounts.token(app, Accounts.create(app, "trainer"));
      var r = app.get("/api/workspace", "Authorization", "Bearer " + token);
      assertEquals(200, r.statusCode(), r.bodyAsString());
      JsonArray modules = r.bodyAsJsonObject().getJsonArray("modules");

      JsonObject alpha = entry(modules, "id", "alpha");
      assertEquals(4, alpha.getInteger("version"));
      assertEquals("alpha", alpha.getString("folder"));
      assertEquals(new JsonArray().add("02-second.md"), alpha.getJsonArray("frenchMissing"), "no 02-second.fr.md");
      assertEquals(new JsonArray().add("01-first.fr.md"), alpha.getJsonArray("frenchOlder"), "the English changed in version 4, the French did not");
      assertEquals(new JsonArray(), alpha.getJsonArray("problems"));

      JsonObject beta = entry(modules, "id", "beta");
      assertEquals(1, beta.getInteger("version"), "still served at its published version");
      assertTrue(beta.getJsonArray("problems").stream().anyMatch(p -> p.toString().contains("beta/module.md:1:")), beta.encode());
      assertEquals(200, app.get("/modules/beta").statusCode(), "learners still have it");

      JsonObject gamma = entry(modules, "folder", "gamma");
      assertNull(gamma.getValue("version"), "never published");
      assertNull(gamma.getValue("id"));
      assertTrue(gamma.getJsonArray("problems").stream().anyMatch(p -> p.toString().contains("gamma/module.md:")), gamma.encode());

      var browser = Accounts.browser(app, Accounts.create(app, "trainer"));
      String page = app.get("/workspace", "Cookie", browser.cookie(), "Accept-Language", "en").bodyAsString();
      assertTrue(page.contains("Version 4"), page);
      assertTrue(page.contains("beta/module.md:1:"), "the problem is shown to trainers in the browser");
      assertTrue(page.contains("Learners keep the published version."), page);
      assertTrue(page.contains("Not published"), page);
      assertTrue(page.contains("Missing:</span> 02-second.md"), page);
      String home = app.get("/home", "Cookie", browser.cookie()).bodyAsString();
      assertTrue(home.contains("href=\"/workspace\""), "trainers reach the workspace from every page's header");
    }
  }

  @Test
  @DisplayName("any version downloads as a zip that the validator reads as the module, byte for byte; unknown versions are not found")
  void exportedVersionValidates(@TempDir Path unzipped) throws Exception {
    String database = TestApp.publishedOnce(courses);
    Path second = courses.resolve("alpha/02-second.md");
    byte[] original = Files.readAllBytes(second);
    Files.writeString(second, Files.readString(second) + "\nVersion 4 only.\n");
    try (TestApp app = TestApp.startOn(database, courses)) {
      var browser = Accounts.browser(app, Accounts.create(app, "trainer"));
      var r = app.get("/workspace/modules/alpha/versions/3/zip", "Cookie", browser.cookie());
      assertEquals(200, r.statusCode());
      assertEquals("application/zip", r.getHeader("Content-Type"));
      assertEquals("attachment; filename=\"alpha-v3.zip\"", r.getHeader("Content-Disposition"));
      unzip(r.bodyAsBuffer().getBytes(), unzipped);
      Trees.copy(Path.of(TestApp.GOOD_COURSES, "beta"), unzipped.resolve("beta"));  // alpha links to beta: unzipped beside it
      assertArrayEquals(original, Files.readAllBytes(unzipped.resolve("alpha/02-second.md")), "version 3 as it was");
      for (String f : new String[] {"01-first.md", "01-first.fr.md", "module.md", "module.fr.md", "quiz.md", "quiz.fr.md"}) {
        assertArrayEquals(Files.readAllBytes(Path.of(TestApp.GOOD_COURSES, "alpha", f)), Files.readAllBytes(unzipped.resolve("alpha/" + f)), f);
      }
      Catalog read = new CourseLoader(new MarkdownRenderer()).load(unzipped);
      assertEquals(java.util.List.of(), read.problems(), "validate accepts it, unzipped into a courses folder");
      assertEquals(3, read.module("alpha").orElseThrow().version());

      String history = app.get("/workspace/modules/alpha", "Cookie", browser.cookie()).bodyAsString();
      assertTrue(history.contains("href=\"/workspace/modules/alpha/versions/3/zip\""), history);
      assertTrue(history.contains("href=\"/workspace/modules/alpha/versions/4/zip\""), history);
      assertEquals(404, app.get("/workspace/modules/alpha/versions/99/zip", "Cookie", browser.cookie()).statusCode());
      assertEquals(404, app.get("/workspace/modules/alpha/versions/x/zip", "Cookie", browser.cookie()).statusCode());
      assertEquals(404, app.get("/workspace/modules/nope/versions/1/zip", "Cookie", browser.cookie()).statusCode());
    }
  }

  @Test
  @DisplayName("two versions compared: each file added, removed, changed or the same, a text file's changed lines with a little context")
  void compareVersions() throws Exception {
    String database = TestApp.publishedOnce(courses);
    Path second = courses.resolve("alpha/02-second.md");
    Files.writeString(second, Files.readString(second) + "\nA line added in version 4.\n");
    Files.delete(courses.resolve("alpha/01-first.fr.md"));
    try (TestApp app = TestApp.startOn(database, courses)) {
      String token = Accounts.token(app, Accounts.create(app, "trainer"));
      JsonObject c = app.get("/api/workspace/modules/alpha/compare?from=3&to=4", "Authorization", "Bearer " + token).bodyAsJsonObject();
      Map<String, String> status = new java.util.TreeMap<>();
      c.getJsonArray("files").forEach(f -> status.put(((JsonObject) f).getString("path"), ((JsonObject) f).getString("status")));
      assertEquals(Map.of("01-first.fr.md", "removed", "01-first.md", "same", "02-second.md", "changed", "module.fr.md", "same",
          "exercises/gate.md", "same", "exercises/gate.fr.md", "same",
          "module.md", "same", "quiz.fr.md", "same", "quiz.md", "same"), status);
      JsonArray lines = c.getJsonArray("files").stream().map(JsonObject.class::cast).filter(f -> f.getString("path").equals("02-second.md"))
          .findFirst().orElseThrow().getJsonArray("lines");
      assertTrue(lines.stream().map(JsonObject.class::cast).anyMatch(l -> l.getString("op").equals("+") && l.getString("text").equals("A line added in version 4.")),
          lines.encode());
      assertTrue(lines.stream().map(JsonObject.class::cast).noneMatch(l -> l.getString("op").equals("-")), "nothing removed: " + lines.encode());
      var browser = Accounts.browser(app, Accounts.create(app, "trainer"));
      String history = app.get("/workspace/modules/alpha", "Cookie", browser.cookie()).bodyAsString();
      assertTrue(history.contains("href=\"/workspace/modules/alpha/compare?from&#x3D;3&amp;to&#x3D;4\"") || history.contains("compare?from=3&amp;to=4"), history);
      String page = app.get("/workspace/modules/alpha/compare?from=3&to=4", "Cookie", browser.cookie()).bodyAsString();
      assertTrue(page.contains("<li class=\"added\"><code>+ A line added in version 4.</code></li>"), page);
      assertEquals(404, app.get("/api/workspace/modules/alpha/compare?from=3&to=9", "Authorization", "Bearer " + token).statusCode());
    }
  }

  @Test
  @DisplayName("a lesson id renamed in courses/ is a removed lesson: the workspace names it and counts the learners who had read it")
  void renamedLessonShown() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    String database = TestPostgres.newDatabase();
    try (TestApp app = TestApp.startOn(database, courses)) {
      String learner = Accounts.token(app, Accounts.create(app, "learner"));
      assertEquals(204, app.send(io.vertx.core.http.HttpMethod.POST, "/api/modules/alpha/lessons/second/read", io.vertx.core.buffer.Buffer.buffer(),
          "Authorization", "Bearer " + learner).statusCode());
    }
    Path second = courses.resolve("alpha/02-second.md");
    Files.writeString(second, Files.readString(second).replace("id: second", "id: second-part"));
    try (TestApp app = TestApp.startOn(database, courses)) {
      String token = Accounts.token(app, Accounts.create(app, "trainer"));
      JsonObject alpha = entry(app.get("/api/workspace", "Authorization", "Bearer " + token).bodyAsJsonObject().getJsonArray("modules"), "id", "alpha");
      assertEquals(new JsonArray().add("second"), alpha.getJsonArray("removedLessons"), alpha.encode());
      assertEquals(1, alpha.getInteger("readersOfRemoved"));
      var browser = Accounts.browser(app, Accounts.create(app, "trainer"));
      String page = app.get("/workspace", "Cookie", browser.cookie()).bodyAsString();
      assertTrue(page.contains("Version 4 removed lesson(s) second: 1 learner had read them"), page);
    }
  }

  @Test
  @DisplayName("the line comparison keeps two lines of context, marks what was left out, and gives up on files too different to compare")
  void lineDiff() {
    List<String> a = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9");
    List<String> b = List.of("1", "2", "3", "4", "five", "6", "7", "8", "9");
    List<AuthoringService.DiffLine> d = AuthoringService.diff(a, b);
    assertEquals(List.of("…", " 3", " 4", "-5", "+five", " 6", " 7", "…"),
        d.stream().map(l -> l.op() == '…' ? "…" : l.op() + l.text()).toList());
    List<String> big = java.util.stream.IntStream.range(0, AuthoringService.MAX_DIFF_LINES).mapToObj(i -> "a" + i).toList();
    List<String> other = java.util.stream.IntStream.range(0, AuthoringService.MAX_DIFF_LINES).mapToObj(i -> "b" + i).toList();
    assertTrue(AuthoringService.diff(big, other).get(0).text().contains("too many to compare"), "bounded work");
  }

  private static void unzip(byte[] zip, Path into) throws IOException {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path target = into.resolve(e.getName()).normalize();
        assertTrue(target.startsWith(into), "an entry inside the folder: " + e.getName());
        Files.createDirectories(target.getParent());
        Files.write(target, in.readAllBytes());
      }
    }
  }
}
