package org.pillars.authoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.Trees;

/**
 * Drafts in the workspace, through the real server: a draft is edited and checked by the validator of courses/,
 * learners see nothing of it until it is published, and publishing names what learners lose. Fixture module alpha
 * (version 3): lessons first and second, quiz questions host-state, tiers, mandate-not-r2p and checkpoint. Alpha is
 * for every organisation, so an admin edits it here; what trainers may change is ScopeTest's.
 */
@ExtendWith(TestPostgres.class)
class DraftTest {

  @TempDir
  Path courses;

  private TestApp start() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    return TestApp.startOn(TestPostgres.newDatabase(), courses);
  }

  private static HttpResponse<Buffer> post(TestApp app, Accounts.Browser b, String path, String... fields) {
    String[] all = new String[fields.length + 2];
    all[0] = "_csrf";
    all[1] = b.csrf();
    System.arraycopy(fields, 0, all, 2, fields.length);
    return app.send(HttpMethod.POST, path, Accounts.form(all), "Cookie", b.cookie(), "Content-Type", "application/x-www-form-urlencoded");
  }

  private static HttpResponse<Buffer> api(TestApp app, String token, HttpMethod method, String path, JsonObject body) {
    return app.send(method, path, body == null ? Buffer.buffer() : body.toBuffer(), "Authorization", "Bearer " + token,
        "Content-Type", "application/json");
  }

  private static String text(TestApp app, String path) throws Exception {
    return Files.readString(Path.of(TestApp.GOOD_COURSES, "alpha", path));
  }

  @Test
  @DisplayName("a trainer opens a draft, saves a mistake, sees it at its line, fixes it and publishes: learners see only the published versions")
  void editCheckAndPublish() throws Exception {
    try (TestApp app = start()) {
      String trainerName = Accounts.create(app, "admin");
      Accounts.Browser trainer = Accounts.browser(app, trainerName);
      assertEquals(303, post(app, trainer, "/workspace/modules/alpha/draft").statusCode());
      String draft = app.get("/workspace/modules/alpha/draft", "Cookie", trainer.cookie()).bodyAsString();
      assertTrue(draft.contains("No problems: the draft can be published."), draft);
      assertTrue(draft.contains("revision 1"), draft);

      String lesson = text(app, "01-first.md");
      String broken = lesson.replace("title: The first lesson", "title: The first lesson\nfavourite: blue");
      HttpResponse<Buffer> saved = post(app, trainer, "/workspace/modules/alpha/draft/file", "path", "01-first.md", "revision", "1", "text", broken);
      assertEquals(303, saved.statusCode(), saved.bodyAsString());
      assertTrue(saved.getHeader("Location").contains("saved=2"), saved.getHeader("Location"));
      String editor = app.get("/workspace/modules/alpha/draft/file?path=01-first.md", "Cookie", trainer.cookie()).bodyAsString();
      int line = broken.lines().toList().indexOf("favourite: blue") + 1;
      assertTrue(editor.contains("<li id=\"line-" + line + "\" class=\"problem\"><code>favourite: blue</code>"), "the line is marked: " + editor);
      assertTrue(editor.contains("01-first.md:" + line + ": "), "path:line: message next to the file: " + editor);
      assertEquals(200, app.get("/modules/alpha/first").statusCode());
      assertFalse(app.get("/modules/alpha/first").bodyAsString().contains("favourite"), "learners see nothing of the draft");

      HttpResponse<Buffer> refused = post(app, trainer, "/workspace/modules/alpha/draft/publish");
      assertEquals(409, refused.statusCode(), "a draft with problems cannot be published");
      assertEquals(3, app.app().content().get().module("alpha").orElseThrow().version());

      String fixed = lesson.replace("title: The first lesson", "title: The first lesson, revised");
      assertEquals(303, post(app, trainer, "/workspace/modules/alpha/draft/file", "path", "01-first.md", "revision", "2", "text", fixed).statusCode());
      HttpResponse<Buffer> published = post(app, trainer, "/workspace/modules/alpha/draft/publish");
      assertEquals(303, published.statusCode(), published.bodyAsString());
      assertEquals("/workspace/modules/alpha?published=4", published.getHeader("Location"));
      assertTrue(app.get("/modules/alpha/first").bodyAsString().contains("The first lesson, revised"), "learners get version 4");
      long by = app.app().database().pool().preparedQuery("SELECT published_by FROM module_versions WHERE module_id = 'alpha' AND version = 4")
          .execute().await().iterator().next().getLong(0);
      assertEquals(Accounts.id(app, trainerName), by, "who published it is kept");
      assertEquals(404, app.get("/workspace/modules/alpha/draft", "Cookie", trainer.cookie()).statusCode(), "the draft is closed");
      assertTrue(app.get("/workspace/modules/alpha?published=4", "Cookie", trainer.cookie()).bodyAsString().contains("Published as version 4."));
    }
  }

  @Test
  @DisplayName("publishing a draft that removes a read lesson, a question and changes a key names them, counts the readers and waits for confirmation")
  void publishSummaryMustBeConfirmed() throws Exception {
    try (TestApp app = start()) {
      String learner = Accounts.token(app, Accounts.create(app, "learner"));
      assertEquals(204, api(app, learner, HttpMethod.POST, "/api/modules/alpha/lessons/second/read", null).statusCode());
      String token = Accounts.token(app, Accounts.create(app, "admin"));
      JsonObject opened = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft", null).bodyAsJsonObject();
      int revision = opened.getInteger("revision");

      JsonObject delete = new JsonObject().put("path", "02-second.md").putNull("text").put("revision", revision);
      revision = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files", delete).bodyAsJsonObject().getInteger("revision");
      JsonObject draft = api(app, token, HttpMethod.GET, "/api/workspace/modules/alpha/draft", null).bodyAsJsonObject();
      assertTrue(draft.getJsonArray("problems").encode().contains("broken link"), "the first lesson still links to the second: " + draft.encode());
      JsonObject unlink = new JsonObject().put("path", "01-first.md").put("revision", revision)
          .put("text", text(app, "01-first.md").replace("Next, read [the second lesson](02-second.md#part-two).", "The end."));
      revision = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files", unlink).bodyAsJsonObject().getInteger("revision");
      String quiz = text(app, "quiz.md");
      String fr = text(app, "quiz.fr.md");
      int cut = quiz.indexOf("## Question: checkpoint");
      int cutFr = fr.indexOf("## Question: checkpoint");
      assertTrue(cut > 0 && cutFr > 0, "the fixture asks 'checkpoint' last in both languages");
      for (String[] file : new String[][] {{"quiz.md", tiersAlsoRight(quiz.substring(0, cut))}, {"quiz.fr.md", tiersAlsoRight(fr.substring(0, cutFr))}}) {
        JsonObject save = new JsonObject().put("path", file[0]).put("text", file[1]).put("revision", revision);
        var r = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files", save);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        revision = r.bodyAsJsonObject().getInteger("revision");
      }
      draft = api(app, token, HttpMethod.GET, "/api/workspace/modules/alpha/draft", null).bodyAsJsonObject();
      assertEquals(new JsonArray(), draft.getJsonArray("problems"), draft.encode());

      JsonObject unconfirmed = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/publish", new JsonObject()).bodyAsJsonObject();
      assertEquals(true, unconfirmed.getBoolean("mustConfirm"), unconfirmed.encode());
      assertEquals(null, unconfirmed.getValue("published"));
      JsonObject changes = unconfirmed.getJsonObject("changes");
      assertEquals(new JsonArray().add("second"), changes.getJsonArray("lessonsRemoved"));
      assertEquals(1, changes.getInteger("readersOfRemoved"), "the learner who read it");
      assertEquals(new JsonArray().add("checkpoint"), changes.getJsonArray("questionsRemoved"));
      assertEquals(new JsonArray().add("tiers"), changes.getJsonArray("keysChanged"));
      assertEquals(3, app.app().content().get().module("alpha").orElseThrow().version(), "nothing published yet");
      assertEquals(200, app.get("/modules/alpha/second").statusCode());

      var browser = Accounts.browser(app, Accounts.create(app, "admin"));
      String page = post(app, browser, "/workspace/modules/alpha/draft/publish").bodyAsString();
      assertTrue(page.contains("Lessons removed: second") && page.contains("1 learner has read them"), page);
      assertTrue(page.contains("name=\"confirm\" value=\"yes\""), "the page asks to confirm: " + page);

      JsonObject confirmed = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/publish",
          new JsonObject().put("confirm", true)).bodyAsJsonObject();
      assertEquals(4, confirmed.getInteger("published"), confirmed.encode());
      assertEquals(404, app.get("/modules/alpha/second").statusCode(), "the removed lesson is gone for learners");
    }
  }

  @Test
  @DisplayName("a draft whose only change is a question's right answers must be confirmed too; one that changes wording only need not")
  void keyChangeAloneMustBeConfirmed() throws Exception {
    try (TestApp app = start()) {
      String token = Accounts.token(app, Accounts.create(app, "admin"));
      int revision = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft", null).bodyAsJsonObject().getInteger("revision");
      for (String file : new String[] {"quiz.md", "quiz.fr.md"}) {
        var r = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files",
            new JsonObject().put("path", file).put("text", tiersAlsoRight(text(app, file))).put("revision", revision));
        revision = r.bodyAsJsonObject().getInteger("revision");
      }
      JsonObject unconfirmed = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/publish", new JsonObject()).bodyAsJsonObject();
      assertEquals(true, unconfirmed.getBoolean("mustConfirm"), unconfirmed.encode());
      assertEquals(new JsonArray().add("tiers"), unconfirmed.getJsonObject("changes").getJsonArray("keysChanged"));
      api(app, token, HttpMethod.DELETE, "/api/workspace/modules/alpha/draft", null);

      revision = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft", null).bodyAsJsonObject().getInteger("revision");
      api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files", new JsonObject().put("path", "quiz.md")
          .put("text", text(app, "quiz.md").replace("Which of these are tiers of protection?", "Which of these are the tiers of protection?"))
          .put("revision", revision));
      JsonObject published = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/publish", new JsonObject()).bodyAsJsonObject();
      assertEquals(4, published.getInteger("published"), "wording only: published at once, " + published.encode());
    }
  }

  @Test
  @DisplayName("the draft previews as learners will see it, in English and French, lessons and quiz, without its key; learners see the published version")
  void previewAsLearnersSeeIt() throws Exception {
    try (TestApp app = start()) {
      Accounts.Browser trainer = Accounts.browser(app, Accounts.create(app, "admin"));
      post(app, trainer, "/workspace/modules/alpha/draft");
      String lesson = text(app, "01-first.md").replace("title: The first lesson", "title: The first lesson, in the draft");
      assertEquals(303, post(app, trainer, "/workspace/modules/alpha/draft/file", "path", "01-first.md", "revision", "1", "text", lesson).statusCode());

      String first = app.get("/workspace/modules/alpha/draft/preview", "Cookie", trainer.cookie(), "Accept-Language", "en").bodyAsString();
      assertTrue(first.contains("<h1 lang=\"en\">The first lesson, in the draft</h1>"), first);
      assertTrue(first.contains("Preview of the draft: learners do not see it"), first);
      assertTrue(first.contains("href=\"/workspace/modules/alpha/draft/preview/second\""), "the pager stays in the preview: " + first);
      assertFalse(first.contains("action=\"/modules/alpha/first/read\""), "nothing to mark read in a preview");
      String french = app.get("/workspace/modules/alpha/draft/preview/first", "Cookie", trainer.cookie(), "Accept-Language", "fr").bodyAsString();
      String frenchTitle = Files.readString(Path.of(TestApp.GOOD_COURSES, "alpha", "01-first.fr.md")).lines()
          .filter(l -> l.startsWith("title: ")).findFirst().orElseThrow().substring(7);
      assertTrue(french.contains(frenchTitle), "the French lesson: " + french);

      String quiz = app.get("/workspace/modules/alpha/draft/preview/quiz", "Cookie", trainer.cookie(), "Accept-Language", "en").bodyAsString();
      assertTrue(quiz.contains("Which of these are tiers of protection?"), quiz);
      assertTrue(quiz.contains("name=\"q.tiers\""), "the learners' form: " + quiz);
      assertFalse(quiz.contains("type=\"submit\" class=\"button\">Submit"), "a preview sends nothing");
      assertFalse(quiz.contains("Explanation") || quiz.contains("The three tiers are"), "no key, no explanation, as for learners");

      assertFalse(app.get("/modules/alpha/first").bodyAsString().contains("in the draft"), "learners still see version 3");
      String learner = Accounts.token(app, Accounts.create(app, "learner"));
      assertEquals(403, app.get("/workspace/modules/alpha/draft/preview", "Authorization", "Bearer " + learner).statusCode());
    }
  }

  @Test
  @DisplayName("a trainer creates a module: a draft nobody sees, valid from the start, listed in the workspace, served once published")
  void createModule() throws Exception {
    try (TestApp app = start()) {
      Accounts.Browser trainer = Accounts.browser(app, Accounts.create(app, "admin"));
      HttpResponse<Buffer> created = post(app, trainer, "/workspace/modules", "id", "field-guide", "title", "A \"field\" guide: part 1");
      assertEquals(303, created.statusCode(), created.bodyAsString());
      assertEquals("/workspace/modules/field-guide/draft", created.getHeader("Location"));
      String draft = app.get("/workspace/modules/field-guide/draft", "Cookie", trainer.cookie()).bodyAsString();
      assertTrue(draft.contains("No problems: the draft can be published."), draft);
      assertEquals(404, app.get("/modules/field-guide").statusCode(), "learners see nothing of it");
      String token = Accounts.token(app, Accounts.create(app, "admin"));
      JsonObject listed = api(app, token, HttpMethod.GET, "/api/workspace", null).bodyAsJsonObject().getJsonArray("modules").stream()
          .map(JsonObject.class::cast).filter(m -> "field-guide".equals(m.getString("id"))).findFirst().orElseThrow();
      assertEquals(true, listed.getBoolean("draftOpen"));
      assertEquals(null, listed.getValue("version"));

      assertEquals(303, post(app, trainer, "/workspace/modules/field-guide/draft/publish").statusCode());
      String page = app.get("/modules/field-guide").bodyAsString();
      assertTrue(page.contains("A &quot;field&quot; guide: part 1"), "the title survives the YAML: " + page);
      assertEquals(200, app.get("/modules/field-guide/introduction").statusCode());

      for (String[] bad : new String[][] {{"Field-Guide", "T"}, {"-x", "T"}, {"", "T"}, {"ok-id", ""}, {"ok-id", "two\nlines"}, {"alpha", "Exists"}}) {
        var r = api(app, token, HttpMethod.POST, "/api/workspace/modules", new JsonObject().put("id", bad[0]).put("title", bad[1]));
        assertEquals(bad[0].equals("alpha") ? 409 : 400, r.statusCode(), bad[0] + " / " + bad[1] + ": " + r.bodyAsString());
      }
    }
  }

  @Test
  @DisplayName("with PILLARS_REVIEW, a draft is published only once a trainer who did not edit it approved it as it stands")
  void reviewBeforePublishing() throws Exception {
    Trees.copy(Path.of(TestApp.GOOD_COURSES), courses);
    try (TestApp app = TestApp.start(java.util.Map.of(org.pillars.config.AppConfig.COURSES, courses.toString(),
        org.pillars.config.AppConfig.REVIEW, "true"))) {
      String author = Accounts.token(app, Accounts.create(app, "admin"));
      String reviewer = Accounts.token(app, Accounts.create(app, "admin"));
      int revision = api(app, author, HttpMethod.POST, "/api/workspace/modules/alpha/draft", null).bodyAsJsonObject().getInteger("revision");
      revision = api(app, author, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files", new JsonObject().put("path", "01-first.md")
          .put("text", text(app, "01-first.md").replace("The first lesson", "The first lesson, reviewed")).put("revision", revision))
          .bodyAsJsonObject().getInteger("revision");

      var refused = api(app, author, HttpMethod.POST, "/api/workspace/modules/alpha/draft/publish", new JsonObject());
      assertEquals(409, refused.statusCode());
      assertEquals("needs_review", refused.bodyAsJsonObject().getString("error"));
      var own = api(app, author, HttpMethod.POST, "/api/workspace/modules/alpha/draft/approve", new JsonObject().put("revision", revision));
      assertEquals("own_draft", own.bodyAsJsonObject().getString("error"), "the author cannot approve their own edit");
      assertEquals(409, api(app, reviewer, HttpMethod.POST, "/api/workspace/modules/alpha/draft/approve",
          new JsonObject().put("revision", revision - 1)).statusCode(), "an approval names the revision read");
      assertEquals(204, api(app, reviewer, HttpMethod.POST, "/api/workspace/modules/alpha/draft/approve",
          new JsonObject().put("revision", revision)).statusCode());

      // a save after the approval needs a new one, and the one who saved may no longer approve
      revision = api(app, reviewer, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files", new JsonObject().put("path", "01-first.md")
          .put("text", text(app, "01-first.md").replace("The first lesson", "The first lesson, reviewed twice")).put("revision", revision))
          .bodyAsJsonObject().getInteger("revision");
      assertEquals("needs_review", api(app, author, HttpMethod.POST, "/api/workspace/modules/alpha/draft/publish", new JsonObject())
          .bodyAsJsonObject().getString("error"));
      assertEquals("own_draft", api(app, reviewer, HttpMethod.POST, "/api/workspace/modules/alpha/draft/approve",
          new JsonObject().put("revision", revision)).bodyAsJsonObject().getString("error"));
      String third = Accounts.token(app, Accounts.create(app, "admin"));
      assertEquals(204, api(app, third, HttpMethod.POST, "/api/workspace/modules/alpha/draft/approve",
          new JsonObject().put("revision", revision)).statusCode());
      assertEquals(4, api(app, author, HttpMethod.POST, "/api/workspace/modules/alpha/draft/publish", new JsonObject())
          .bodyAsJsonObject().getInteger("published"));
    }
  }

  @Test
  @DisplayName("roll back: an earlier version is served again, after confirming what it removes; attempts keep their versions")
  void rollBack() throws Exception {
    try (TestApp app = start()) {
      String token = Accounts.token(app, Accounts.create(app, "admin"));
      int revision = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft", null).bodyAsJsonObject().getInteger("revision");
      api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files", new JsonObject().put("path", "03-extra.md")
          .put("text", "---\nid: extra\ntitle: An extra lesson\n---\nMore.\n").put("revision", revision));
      assertEquals(4, api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/publish", new JsonObject())
          .bodyAsJsonObject().getInteger("published"));
      assertEquals(200, app.get("/modules/alpha/extra").statusCode());

      JsonObject asked = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/versions/3/publish", new JsonObject()).bodyAsJsonObject();
      assertEquals(true, asked.getBoolean("mustConfirm"), asked.encode());
      assertEquals(new JsonArray().add("extra"), asked.getJsonObject("changes").getJsonArray("lessonsRemoved"));
      assertEquals(200, app.get("/modules/alpha/extra").statusCode(), "nothing changed before confirming");

      var browser = Accounts.browser(app, Accounts.create(app, "admin"));
      String page = post(app, browser, "/workspace/modules/alpha/versions/3/publish").bodyAsString();
      assertTrue(page.contains("What serving version 3 again changes for learners") && page.contains("Lessons removed: extra"), page);
      HttpResponse<Buffer> done = post(app, browser, "/workspace/modules/alpha/versions/3/publish", "confirm", "yes");
      assertEquals(303, done.statusCode(), done.bodyAsString());
      assertEquals("/workspace/modules/alpha?published=3", done.getHeader("Location"));
      assertEquals(404, app.get("/modules/alpha/extra").statusCode(), "version 3 is served again");
      assertEquals(3, app.app().content().get().module("alpha").orElseThrow().version());
      JsonObject history = api(app, token, HttpMethod.GET, "/api/workspace/modules/alpha", null).bodyAsJsonObject();
      assertEquals(3, history.getInteger("published"));
      assertEquals(2, history.getJsonArray("versions").size(), "version 4 is kept: " + history.encode());
      assertEquals(404, api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/versions/9/publish", new JsonObject()).statusCode());
    }
  }

  /** The quiz with the tiers question's wrong option made right: its key changes. */
  private static String tiersAlsoRight(String quiz) {
    int at = quiz.indexOf("## Question: tiers");
    int option = quiz.indexOf("- [ ]", at);
    return quiz.substring(0, option) + "- [x]" + quiz.substring(option + 5);
  }

  @Test
  @DisplayName("two trainers save the same draft at once: the second is told who saved, its text is kept, nothing is overwritten")
  void secondSaveIsTold() throws Exception {
    try (TestApp app = start()) {
      Accounts.Browser one = Accounts.browser(app, Accounts.create(app, "admin"));
      Accounts.Browser two = Accounts.browser(app, Accounts.create(app, "admin"));
      post(app, one, "/workspace/modules/alpha/draft");
      String lesson = text(app, "01-first.md");
      assertEquals(303, post(app, one, "/workspace/modules/alpha/draft/file", "path", "01-first.md", "revision", "1",
          "text", lesson + "\nFrom the first trainer.\n").statusCode());
      HttpResponse<Buffer> late = post(app, two, "/workspace/modules/alpha/draft/file", "path", "01-first.md", "revision", "1",
          "text", lesson + "\nFrom the second trainer.\n");
      assertEquals(409, late.statusCode());
      String page = late.bodyAsString();
      assertTrue(page.contains("the draft was saved since you opened it, by "), page);
      assertTrue(page.contains("From the second trainer."), "the second trainer's text is kept in the editor");
      assertTrue(page.contains("From the first trainer."), "the saved file is shown to compare");
      String saved = app.app().database().pool().query("SELECT convert_from(bytes, 'UTF8') FROM module_draft_files WHERE path = '01-first.md'")
          .execute().await().iterator().next().getString(0);
      assertTrue(saved.contains("From the first trainer.") && !saved.contains("second trainer"), saved);
    }
  }

  @Test
  @DisplayName("bad files are refused with a reason and store nothing: traversal, folders, other types, NUL, too large; a learner or coordinator cannot open a draft")
  void badFilesRefused() throws Exception {
    try (TestApp app = start()) {
      String token = Accounts.token(app, Accounts.create(app, "admin"));
      api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft", null);
      for (String path : new String[] {"../escape.md", "sub/lesson.md", "/etc/passwd.md", "image.svg", "script.html", ".hidden.md", "", "a\\b.md"}) {
        var r = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files",
            new JsonObject().put("path", path).put("text", "x").put("revision", 1));
        assertEquals(400, r.statusCode(), path + ": " + r.bodyAsString());
        assertEquals("bad_path", r.bodyAsJsonObject().getString("error"), path);
      }
      var nul = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files",
          new JsonObject().put("path", "03-new.md").put("text", "a\u0000b").put("revision", 1));
      assertEquals("not_text", nul.bodyAsJsonObject().getString("error"));
      var big = api(app, token, HttpMethod.POST, "/api/workspace/modules/alpha/draft/files",
          new JsonObject().put("path", "03-new.md").put("text", "a".repeat(AuthoringService.MAX_FILE_BYTES + 1)).put("revision", 1));
      assertEquals("too_large", big.bodyAsJsonObject().getString("error"), big.bodyAsString());
      assertEquals(1, api(app, token, HttpMethod.GET, "/api/workspace/modules/alpha/draft", null).bodyAsJsonObject().getInteger("revision"),
          "nothing was stored");
      for (String role : new String[] {"learner", "coordinator"}) {
        String other = Accounts.token(app, Accounts.create(app, role));
        assertEquals(403, api(app, other, HttpMethod.POST, "/api/workspace/modules/alpha/draft", null).statusCode(), role);
      }
    }
  }
}
