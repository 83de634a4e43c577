package org.pillars.authoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.AlphaAnswers;
import org.pillars.support.Multipart;
import org.pillars.support.OwnModules;
import org.pillars.support.Pictures;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Who a module is for, through the real server. A country (with a unit below it) has its own module, published by its
 * trainer: its people see it, down to the unit; everyone else (another country's learners, trainers, coordinators,
 * anonymous readers) finds nothing, in every page, API, image and assignment. Trainers change only their own
 * organisation's modules; a module for every organisation is an admin's, and an admin decides who a module is for.
 */
@ExtendWith(TestPostgres.class)
class ScopeTest {

  private static TestApp app;
  private static long country;
  private static long unit;
  private static long elsewhere;
  private static String trainer;
  private static String unitTrainer;
  private static String otherTrainer;
  private static String countryLearner;
  private static String unitLearner;
  private static String otherLearner;
  private static String admin;

  @BeforeAll
  static void start() {
    app = TestApp.start();
    country = organisation("Scope country", null);
    unit = organisation("Scope battalion", country);
    elsewhere = organisation("Scope elsewhere", null);
    trainer = token("trainer", country);
    unitTrainer = token("trainer", unit);
    otherTrainer = token("trainer", elsewhere);
    countryLearner = token("learner", country);
    unitLearner = token("learner", unit);
    otherLearner = token("learner", elsewhere);
    admin = token("admin", elsewhere);
    OwnModules.publish(app, trainer, "national", null);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static long organisation(String name, Long parent) {
    return app.app().database().pool().preparedQuery("INSERT INTO organisations (name, country, parent_id) VALUES ($1, $1, $2) RETURNING id")
        .execute(Tuple.of(name, parent)).await().iterator().next().getLong(0);
  }

  private static String token(String role, long organisation) {
    return Accounts.token(app, Accounts.create(app, role, organisation));
  }

  private static HttpResponse<Buffer> get(String path, String token) {
    return token == null ? app.get(path) : app.get(path, "Authorization", "Bearer " + token);
  }

  private static HttpResponse<Buffer> send(HttpMethod method, String path, String token, JsonObject body) {
    return app.send(method, path, body == null ? null : body.toBuffer(), "Authorization", "Bearer " + token,
        "Content-Type", "application/json");
  }

  private static List<String> catalogue(String token) {
    return get("/api/modules", token).bodyAsJsonObject().getJsonArray("modules").stream()
        .map(m -> ((JsonObject) m).getString("id")).toList();
  }

  private static List<String> workspace(String token) {
    return get("/api/workspace", token).bodyAsJsonObject().getJsonArray("modules").stream()
        .map(m -> ((JsonObject) m).getString("id")).toList();
  }

  @Test
  @DisplayName("a trainer's module is for their organisation and its units: seen there, and by nobody else, in any page or API")
  void seenByItsOrganisationOnly() {
    assertTrue(catalogue(countryLearner).containsAll(List.of("alpha", "national")), "the country's learner");
    assertTrue(catalogue(unitLearner).contains("national"), "a learner of a unit below the country");
    assertTrue(catalogue(otherLearner).containsAll(List.of("alpha", "beta")), "another country's learner sees the modules for everyone");
    assertFalse(catalogue(otherLearner).contains("national"), "and not the country's");
    assertFalse(catalogue(null).contains("national"), "nor does an anonymous reader");
    assertTrue(catalogue(admin).contains("national"), "admins see every module");

    assertEquals(200, get("/api/modules/national", unitLearner).statusCode());
    assertEquals(200, get("/api/modules/national/lessons/introduction", unitLearner).statusCode());
    for (String path : List.of("/modules/national", "/modules/national/introduction", "/modules/national/quiz",
        "/api/modules/national", "/api/modules/national/lessons/introduction", "/api/modules/national/quiz")) {
      assertEquals(404, get(path, otherLearner).statusCode(), path + " for another country's learner");
      assertEquals(404, get(path, null).statusCode(), path + " for an anonymous reader");
    }
    assertFalse(app.get("/").bodyAsString().contains("/modules/national"), "not on the public catalogue page");
    assertEquals(404, send(HttpMethod.POST, "/api/modules/national/attempts", otherLearner, new JsonObject()).statusCode(),
        "no attempt at a module one cannot see");
    assertEquals(404, send(HttpMethod.POST, "/api/modules/national/lessons/introduction/read", otherLearner, null).statusCode());
    JsonObject sync = send(HttpMethod.POST, "/api/sync", otherLearner, new JsonObject().put("items", new JsonArray()
        .add(new JsonObject().put("kind", "read").put("key", java.util.UUID.randomUUID().toString()).put("module", "national")
            .put("lesson", "introduction").put("at", "2026-12-01T10:00:00Z"))
        .add(new JsonObject().put("kind", "attempt").put("key", java.util.UUID.randomUUID().toString()).put("module", "national")
            .put("version", 1).put("answers", AlphaAnswers.allRight()).put("answeredAt", "2026-12-01T10:00:00Z"))))
        .bodyAsJsonObject();
    for (Object item : sync.getJsonArray("items")) {
      assertEquals("refused", ((JsonObject) item).getString("status"), "an answer sent from a device is refused too: " + sync);
    }
    long stored = app.app().database().pool().query("SELECT (SELECT count(*) FROM attempts WHERE module_id = 'national')"
        + " + (SELECT count(*) FROM lesson_reads WHERE module_id = 'national')").execute().await().iterator().next().getLong(0);
    assertEquals(0, stored, "nothing was stored for them");
    assertEquals(201, send(HttpMethod.POST, "/api/modules/national/attempts", unitLearner, new JsonObject()).statusCode(),
        "the unit's learner takes its quiz");
  }

  @Test
  @DisplayName("the workspace: another country's trainer finds nothing; a unit's trainer reads the country's module but cannot change it")
  void workspaceOfOthers() {
    assertTrue(workspace(trainer).contains("national"));
    assertFalse(workspace(otherTrainer).contains("national"), "another country's trainer");
    for (String path : List.of("/api/workspace/modules/national", "/api/workspace/modules/national/compare?from=1&to=1",
        "/workspace/modules/national/versions/1/zip", "/modules/national/analysis", "/api/modules/national/analysis")) {
      assertEquals(404, get(path, otherTrainer).statusCode(), path + " for another country's trainer");
    }
    assertEquals(404, send(HttpMethod.POST, "/api/workspace/modules/national/draft", otherTrainer, null).statusCode());
    assertEquals(404, send(HttpMethod.POST, "/api/workspace/modules/national/versions/1/publish", otherTrainer, new JsonObject())
        .statusCode());

    JsonObject read = get("/api/workspace/modules/national", unitTrainer).bodyAsJsonObject();
    assertEquals(country, read.getJsonObject("scope").getLong("organisation"), read.encode());
    assertFalse(read.getJsonObject("scope").getBoolean("editable"), "a unit's trainer may read the country's module");
    HttpResponse<Buffer> refused = send(HttpMethod.POST, "/api/workspace/modules/national/draft", unitTrainer, null);
    assertEquals(403, refused.statusCode(), "but not change it");
    assertTrue(refused.bodyAsString().contains("another organisation"), refused.bodyAsString());

    HttpResponse<Buffer> global = send(HttpMethod.POST, "/api/workspace/modules/alpha/draft", trainer, null);
    assertEquals(403, global.statusCode(), "a module for every organisation is an admin's to change");
    assertTrue(global.bodyAsString().contains("only an admin"), global.bodyAsString());
    assertFalse(get("/api/workspace/modules/alpha", trainer).bodyAsJsonObject().getJsonObject("scope").getBoolean("editable"));
    assertEquals(0L, app.app().database().pool().query("SELECT count(*) FROM module_drafts WHERE module_id = 'alpha'").execute().await()
        .iterator().next().getLong(0), "no draft was opened");

    // a new module: its draft is seen by its own organisation's trainers only, until published
    assertEquals(201, send(HttpMethod.POST, "/api/workspace/modules", otherTrainer,
        new JsonObject().put("id", "theirs").put("title", "Theirs").put("organisation", country)).statusCode());
    assertEquals(elsewhere, app.app().database().pool().query("SELECT organisation_id FROM module_drafts WHERE module_id = 'theirs'")
        .execute().await().iterator().next().getLong(0), "a trainer's module is for their own organisation, whatever they ask");
    assertFalse(workspace(trainer).contains("theirs"));
    assertEquals(404, get("/api/workspace/modules/theirs/draft", trainer).statusCode());
    assertTrue(workspace(otherTrainer).contains("theirs"));
    HttpResponse<Buffer> taken = send(HttpMethod.POST, "/api/workspace/modules", trainer,
        new JsonObject().put("id", "theirs").put("title", "Mine"));
    assertEquals(409, taken.statusCode(), "ids are shared by every organisation");
  }

  @Test
  @DisplayName("assignments: a country's module goes to its own cohorts and its units', never to another country's")
  void assignedWithinItsOrganisation() {
    long unitCohort = cohort(unit, "Scope battalion rotation");
    long otherCohort = cohort(elsewhere, "Scope elsewhere rotation");
    String coordinator = token("coordinator", country);
    String otherCoordinator = token("coordinator", elsewhere);
    JsonObject due = new JsonObject().put("dueOn", "2030-01-01");
    assertEquals(204, send(HttpMethod.PUT, "/api/cohorts/" + unitCohort + "/assignments/national", coordinator, due).statusCode());
    HttpResponse<Buffer> refused = send(HttpMethod.PUT, "/api/cohorts/" + otherCohort + "/assignments/national", otherCoordinator, due);
    assertEquals(400, refused.statusCode(), refused.bodyAsString());
    assertEquals(400, send(HttpMethod.PUT, "/api/cohorts/" + otherCohort + "/assignments/national", admin, due).statusCode(),
        "not even an admin puts it in another country's cohort");
    assertEquals(0L, app.app().database().pool().preparedQuery("SELECT count(*) FROM assignments WHERE cohort_id = $1")
        .execute(Tuple.of(otherCohort)).await().iterator().next().getLong(0));

    Accounts.Browser browser = Accounts.browser(app, Accounts.create(app, "coordinator", elsewhere));
    String page = app.get("/cohorts/" + otherCohort, "Cookie", browser.cookie()).bodyAsString();
    assertTrue(page.contains("<option value=\"alpha\">"), "the form offers the modules for everyone");
    assertFalse(page.contains("value=\"national\""), "and not another country's");
  }

  private static long cohort(long organisation, String name) {
    return app.app().database().pool().preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) "
        + "VALUES ($1, $2, '2027-01-01', '2027-06-01') RETURNING id").execute(Tuple.of(organisation, name)).await()
        .iterator().next().getLong(0);
  }

  @Test
  @DisplayName("a module cannot be narrowed past the cohorts that have it; an attempt opened before a narrowing cannot be submitted; a country's coordinator cannot assign a unit's own module")
  void narrowingAndUnits() {
    OwnModules.publish(app, admin, "everyones", null);
    long otherCohort = cohort(elsewhere, "Scope elsewhere narrowing");
    String otherCoordinator = token("coordinator", elsewhere);
    JsonObject due = new JsonObject().put("dueOn", "2030-01-01");
    assertEquals(204, send(HttpMethod.PUT, "/api/cohorts/" + otherCohort + "/assignments/everyones", otherCoordinator, due).statusCode());
    HttpResponse<Buffer> narrowed = send(HttpMethod.POST, "/api/workspace/modules/everyones/scope", admin,
        new JsonObject().put("organisation", country));
    assertEquals(409, narrowed.statusCode(), narrowed.bodyAsString());
    assertTrue(narrowed.bodyAsString().contains("assigned to 1 cohort(s) outside"), narrowed.bodyAsString());
    assertTrue(catalogue(otherLearner).contains("everyones"), "nothing changed");
    assertEquals(204, send(HttpMethod.DELETE, "/api/cohorts/" + otherCohort + "/assignments/everyones", otherCoordinator, null).statusCode());

    String attempt = send(HttpMethod.POST, "/api/modules/everyones/attempts", otherLearner, new JsonObject()).bodyAsJsonObject()
        .getString("attempt");
    assertEquals(204, send(HttpMethod.POST, "/api/workspace/modules/everyones/scope", admin, new JsonObject().put("organisation", country))
        .statusCode(), "no cohort outside has it now");
    assertEquals(404, send(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", otherLearner,
        new JsonObject().put("answers", AlphaAnswers.allRight())).statusCode(), "the module is no longer theirs");

    OwnModules.publish(app, unitTrainer, "unit-only", null);
    long unitCohort = cohort(unit, "Scope battalion, unit-only");
    String coordinator = token("coordinator", country);
    assertEquals(404, get("/api/modules/unit-only", coordinator).statusCode(), "the country's coordinator cannot read it");
    assertEquals(400, send(HttpMethod.PUT, "/api/cohorts/" + unitCohort + "/assignments/unit-only", coordinator, due).statusCode(),
        "nor assign it");
    assertEquals(204, send(HttpMethod.PUT, "/api/cohorts/" + unitCohort + "/assignments/unit-only", token("coordinator", unit), due)
        .statusCode(), "the unit's coordinator can");
  }

  @Test
  @DisplayName("a copy kept offline is rendered as anyone sees it, though fetched signed in: no name, no CSRF token")
  void keptCopiesAreNotPersonal() {
    Accounts.Browser reader = Accounts.browser(app, Accounts.create(app, "learner", unit));
    String personal = app.get("/modules/national/introduction", "Cookie", reader.cookie()).bodyAsString();
    assertTrue(personal.contains("name=\"pillars-csrf\""), "the page as the reader sees it");
    HttpResponse<Buffer> kept = app.get("/modules/national/introduction", "Cookie", reader.cookie(), "X-Pillars-Copy", "kept");
    assertEquals(200, kept.statusCode(), "a module for the reader's organisation: found, signed in");
    assertFalse(kept.bodyAsString().contains("pillars-csrf"), kept.bodyAsString());
    assertFalse(kept.bodyAsString().contains(reader.csrf()));
    assertFalse(app.get("/modules/national/quiz", "Cookie", reader.cookie(), "X-Pillars-Copy", "kept").bodyAsString().contains("pillars-account"));
    assertEquals(404, app.get("/modules/national/introduction", "X-Pillars-Copy", "kept").statusCode(), "and still nobody else's");
  }

  @Test
  @DisplayName("an image of a country's module is served to its readers only, and privately")
  void imagesFollowTheModule() throws Exception {
    OwnModules.publish(app, trainer, "pictured", null);
    Accounts.Browser author = Accounts.browser(app, Accounts.create(app, "trainer", country));
    app.send(HttpMethod.POST, "/workspace/modules/pictured/draft", Accounts.form("_csrf", author.csrf()), "Cookie", author.cookie(),
        "Content-Type", "application/x-www-form-urlencoded");
    String lesson = "---\nid: introduction\ntitle: Introduction\n---\n![A map of the sector](map.png)\n";
    Multipart form = new Multipart().field("_csrf", author.csrf()).field("revision", "1")
        .file("files", "map.png", "image/png", Pictures.png())
        .file("files", "01-introduction.md", "text/markdown", lesson.getBytes(StandardCharsets.UTF_8));
    assertEquals(303, app.send(HttpMethod.POST, "/workspace/modules/pictured/draft/upload", form.body(), "Cookie", author.cookie(),
        "Content-Type", form.contentType()).statusCode());
    assertEquals(303, app.send(HttpMethod.POST, "/workspace/modules/pictured/draft/publish", Accounts.form("_csrf", author.csrf()),
        "Cookie", author.cookie(), "Content-Type", "application/x-www-form-urlencoded").statusCode());
    String html = get("/api/modules/pictured/lessons/introduction", unitLearner).bodyAsJsonObject().getString("html");
    Matcher src = Pattern.compile("/modules/pictured/files/map\\.png\\?v(?:=|&#61;)([0-9a-f]{16})").matcher(html);
    assertTrue(src.find(), html);
    String address = "/modules/pictured/files/map.png?v=" + src.group(1);
    HttpResponse<Buffer> seen = get(address, unitLearner);
    assertEquals(200, seen.statusCode());
    assertEquals("private, max-age=31536000, immutable", seen.getHeader("Cache-Control"), "no shared cache keeps it");
    assertEquals(404, get(address, otherLearner).statusCode(), "another country's learner");
    assertEquals(404, get(address, null).statusCode(), "an anonymous reader");
  }

  @Test
  @DisplayName("an admin decides who a module is for: every organisation, or one; a bad organisation is refused and changes nothing")
  void adminScopes() {
    OwnModules.publish(app, trainer, "widened", null);
    assertFalse(catalogue(otherLearner).contains("widened"));
    assertEquals(403, send(HttpMethod.POST, "/api/workspace/modules/widened/scope", trainer, new JsonObject().put("organisation", "all"))
        .statusCode(), "a trainer does not widen their own module");
    HttpResponse<Buffer> bad = send(HttpMethod.POST, "/api/workspace/modules/widened/scope", admin, new JsonObject().put("organisation", 999999));
    assertEquals(400, bad.statusCode(), bad.bodyAsString());
    assertEquals(400, send(HttpMethod.POST, "/api/workspace/modules/widened/scope", admin, new JsonObject().put("organisation", "everyone"))
        .statusCode());
    assertFalse(catalogue(otherLearner).contains("widened"), "still the country's only");

    assertEquals(204, send(HttpMethod.POST, "/api/workspace/modules/widened/scope", admin, new JsonObject().put("organisation", "all"))
        .statusCode());
    assertTrue(catalogue(otherLearner).contains("widened"), "for every organisation now");
    assertTrue(catalogue(null).contains("widened"));
    assertEquals(403, send(HttpMethod.POST, "/api/workspace/modules/widened/draft", trainer, null).statusCode(),
        "and so an admin's to change: its trainer no longer may");

    assertEquals(204, send(HttpMethod.POST, "/api/workspace/modules/widened/scope", admin, new JsonObject().put("organisation", elsewhere))
        .statusCode());
    assertTrue(catalogue(otherLearner).contains("widened"));
    assertFalse(catalogue(countryLearner).contains("widened"), "moved to the other country");

    // a new version keeps the module's scope, and so does reading courses/ again
    String otherToken = otherTrainer;
    JsonObject draft = send(HttpMethod.POST, "/api/workspace/modules/widened/draft", otherToken, null).bodyAsJsonObject();
    assertEquals(200, send(HttpMethod.POST, "/api/workspace/modules/widened/draft/files", otherToken, new JsonObject()
        .put("path", "02-more.md").put("text", "---\nid: more\ntitle: More\n---\nMore.\n").put("revision", draft.getInteger("revision")))
        .statusCode());
    assertEquals(2, send(HttpMethod.POST, "/api/workspace/modules/widened/draft/publish", otherToken, new JsonObject())
        .bodyAsJsonObject().getInteger("published"));
    app.app().content().load().await();
    assertTrue(catalogue(otherLearner).contains("widened"));
    assertFalse(catalogue(countryLearner).contains("widened"), "version 2 is still for the other country only");
  }
}
