package org.pillars.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * The branching exercise "gate" of module alpha (good fixture): start -> buffer | call; buffer -> qrf | call;
 * call -> buffer | qrf; qrf is the ending. Played on the real server, with links alone.
 */
@ExtendWith(TestPostgres.class)
class ExerciseTest {

  private static final String BASE = "/modules/alpha/exercises/gate";
  private static final Pattern RUN_KEY = Pattern.compile("name=\"runKey\" value=\"([0-9a-f-]{36})\"");
  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String page(String path, Accounts.Browser b) {
    HttpResponse<Buffer> r = b == null ? server.get(path) : server.get(path, "Cookie", b.cookie());
    assertEquals(200, r.statusCode(), path + ": " + r.bodyAsString());
    // Handlebars writes '=' in an attribute as &#x3D;, which a browser reads as '='
    return r.bodyAsString().replace("&#x3D;", "=");
  }

  private static String shape() {
    return server.app().content().get().module("alpha").orElseThrow().exercise("gate").orElseThrow().shape();
  }

  private static HttpResponse<Buffer> finish(Accounts.Browser b, String path, String runKey) {
    return finish(b, path, shape(), runKey);
  }

  private static HttpResponse<Buffer> finish(Accounts.Browser b, String path, String shape, String runKey) {
    return server.send(HttpMethod.POST, BASE, Accounts.form("_csrf", b.csrf(), "path", path, "v", shape, "runKey", runKey),
        "Cookie", b.cookie(), "Content-Type", "application/x-www-form-urlencoded");
  }

  private static String runKey(String html) {
    Matcher m = RUN_KEY.matcher(html);
    assertTrue(m.find(), html);
    return m.group(1);
  }

  @Test
  @DisplayName("every passage is a page whose choices are plain links to the next; a loop with an exit; the ending shows the debrief and Finish")
  void playWithLinks() {
    String startPage = page(BASE, null);
    assertTrue(startPage.contains("You command the guard"), "the introduction at the start: " + startPage);
    String v = "&amp;v=" + shape();
    assertTrue(startPage.contains("<a href=\"" + BASE + "?path=1" + v + "\">Let them into the buffer area</a>"), startPage);
    assertTrue(startPage.contains("<a href=\"" + BASE + "?path=2" + v + "\">Call the operations room first</a>"), startPage);
    assertFalse(startPage.contains("<script>") && startPage.contains("exercise"), "no script is needed to play");
    assertFalse(startPage.contains("SECRET-FACILITATOR-NOTE"), "no notes for an anonymous reader");

    // call, back to buffer (the loop), then the QRF: an ending
    String call = page(BASE + "?path=2", null);
    assertTrue(call.contains("The duty officer asks how many"), call);
    assertFalse(call.contains("You command the guard"), "the introduction only at the start");
    assertTrue(call.contains("href=\"" + BASE + "?path=2,1" + v + "\""), call);
    assertTrue(call.contains("<a rel=\"prev\" href=\"" + BASE + "\">"), "back one step to the start: " + call);
    String loop = page(BASE + "?path=2,1", null);
    assertTrue(loop.contains("They are inside the wire"), loop);
    String end = page(BASE + "?path=2,1,1", null);
    assertTrue(end.contains("The quick reaction force arrives"), end);
    assertTrue(end.contains("Report what you know at once"), "the debrief at the ending: " + end);
    assertFalse(end.contains("?path=2,1,1,"), "no choice after an ending: " + end);
    assertTrue(end.contains("Log in to keep your path"), end);

    HttpResponse<Buffer> french = server.get(BASE + "?path=1", "Accept-Language", "fr");
    assertTrue(french.bodyAsString().contains("Ils sont à l’intérieur du périmètre"), french.bodyAsString());
    assertTrue(french.bodyAsString().contains("Que faites-vous ?"), french.bodyAsString());
    assertTrue(french.bodyAsString().contains("Demander la force d’intervention rapide"), french.bodyAsString());
  }

  @Test
  @DisplayName("a path that takes no choice there, goes past an ending or is malformed gets 400 with the reason in the reader's language")
  void badPaths() {
    for (String path : new String[] {"3", "1,1,1", "0", "1,,2", "a", "1,".repeat(61) + "1"}) {
      HttpResponse<Buffer> r = server.get(BASE + "?path=" + path, "Accept-Language", "fr");
      assertEquals(400, r.statusCode(), path + ": " + r.bodyAsString());
      assertTrue(r.bodyAsString().contains("Recommencez l’exercice depuis le début"), r.bodyAsString());
    }
    assertEquals(404, server.get("/modules/alpha/exercises/nowhere").statusCode());
    assertEquals(404, server.get("/modules/nowhere/exercises/gate").statusCode());
    HttpResponse<Buffer> api = server.get("/api/modules/alpha/exercises/gate?path=9");
    assertEquals(400, api.statusCode(), api.bodyAsString());
  }

  @Test
  @DisplayName("Finish keeps the path once, even sent twice; a path short of an ending is refused and keeps nothing; the module page says it was played")
  void finishKeepsThePathOnce() {
    Accounts.Browser b = Accounts.browser(server, Accounts.create(server, "learner"));
    String end = page(BASE + "?path=1,1", b);
    String key = runKey(end);
    assertTrue(end.contains("name=\"path\" value=\"1,1\""), end);
    assertTrue(end.contains("name=\"v\" value=\"" + shape() + "\""), end);

    HttpResponse<Buffer> unfinished = finish(b, "1", key);
    assertEquals(400, unfinished.statusCode(), unfinished.bodyAsString());
    assertTrue(unfinished.bodyAsString().contains("does not reach an ending"), unfinished.bodyAsString());
    assertFalse(page("/modules/alpha", b).contains("Played once"), "nothing was kept");

    HttpResponse<Buffer> first = finish(b, "1,1", key);
    assertEquals(303, first.statusCode(), first.bodyAsString());
    assertEquals("/modules/alpha?played=gate#exercises", first.getHeader("Location"));
    // the same Finish again, as a phone retries on a bad link: still one run
    assertEquals(303, finish(b, "1,1", key).statusCode());
    String module = page("/modules/alpha?played=gate", b);
    assertTrue(module.contains("Your path is kept: People at the gate"), module);
    assertTrue(module.contains("Played once, last on "), module);

    // another play is another run
    finish(b, "2,2", runKey(page(BASE + "?path=2,2", b)));
    assertTrue(page("/modules/alpha", b).contains("Played 2 times"), "a second play is kept too");

    // a crafted confirmation confirms nothing for a learner who never played
    Accounts.Browser other = Accounts.browser(server, Accounts.create(server, "learner"));
    String crafted = page("/modules/alpha?played=gate", other);
    assertFalse(crafted.contains("Your path is kept"), crafted);
    // a forged run key is refused
    HttpResponse<Buffer> forged = finish(other, "1,1", "not-a-key");
    assertEquals(400, forged.statusCode());
    // a key kept for one path does not keep another: 409, and the first path stands
    HttpResponse<Buffer> reused = finish(b, "2,2", key);
    assertEquals(409, reused.statusCode(), reused.bodyAsString());
    assertTrue(reused.bodyAsString().contains("already kept for another path"), reused.bodyAsString());
    assertTrue(page("/modules/alpha", b).contains("Played 2 times"), "the reused key kept nothing more");
    // a path played in another shape of the exercise (a version that moved its choices) is not kept
    HttpResponse<Buffer> changed = finish(b, "1,1", "0123456789ab", java.util.UUID.randomUUID().toString());
    assertEquals(409, changed.statusCode(), changed.bodyAsString());
    assertTrue(changed.bodyAsString().contains("changed while you played it"), changed.bodyAsString());
  }

  @Test
  @DisplayName("an address taken in another shape of the exercise starts again and says so; a path as long as the limit offers only starting again")
  void changedAndTooLong() {
    String changed = page(BASE + "?path=1,1&v=0123456789ab", null);
    assertTrue(changed.contains("This exercise was changed since you began it"), changed);
    assertTrue(changed.contains("It is 02:00"), "back at the start: " + changed);
    assertTrue(page(BASE + "?path=1,1&v=" + shape(), null).contains("The quick reaction force arrives"));

    // start -> call, then buffer, call, buffer... : 60 steps round the loop, still not at an ending
    String loop = "2" + ",1,2".repeat(29) + ",1";
    String longest = page(BASE + "?path=" + loop, null);
    assertTrue(longest.contains("You have gone round this exercise a long way."), longest);
    assertFalse(longest.contains("?path=" + loop + ","), "no choice beyond the limit: " + longest);
    assertEquals(400, server.get(BASE + "?path=" + loop + ",1").statusCode(), "61 steps are refused");
  }

  @Test
  @DisplayName("facilitator notes and the endings reached show to trainers, coordinators and admins only, on the page and in the API")
  void notesForFacilitatorsOnly() {
    long unit = server.app().database().pool().preparedQuery("INSERT INTO organisations (name, country) VALUES ($1, 'Testland') RETURNING id")
        .execute(io.vertx.sqlclient.Tuple.of("Unit " + java.util.UUID.randomUUID())).await().iterator().next().getLong(0);
    Accounts.Browser learner = Accounts.browser(server, Accounts.create(server, "learner", unit));
    assertEquals(303, finish(learner, "2,2", runKey(page(BASE + "?path=2,2", learner))).statusCode());
    assertFalse(page(BASE, learner).contains("SECRET-FACILITATOR-NOTE"));
    String learnerToken = Accounts.token(server, Accounts.create(server, "learner"));
    JsonObject asLearner = server.get("/api/modules/alpha/exercises/gate", "Authorization", "Bearer " + learnerToken).bodyAsJsonObject();
    assertNull(asLearner.getValue("notesHtml"), asLearner.encode());
    assertFalse(asLearner.containsKey("endings"), asLearner.encode());

    // a trainer of another organisation sees no ending of this learner's
    Accounts.Browser stranger = Accounts.browser(server, Accounts.create(server, "trainer"));
    String theirs = page(BASE + "?path=2", stranger);
    assertTrue(theirs.contains("SECRET-FACILITATOR-NOTE") && theirs.contains("No learner has finished this exercise yet."), theirs);
    for (String role : new String[] {"trainer", "coordinator", "admin"}) {
      // the admin in an organisation of their own: an admin sees everyone's
      Long org = role.equals("admin") ? null : unit;
      Accounts.Browser staff = Accounts.browser(server, Accounts.create(server, role, org));
      String html = page(BASE + "?path=2", staff);
      assertTrue(html.contains("SECRET-FACILITATOR-NOTE"), role + ": " + html);
      assertTrue(html.contains("Passage: call"), role + ": " + html);
      assertTrue(html.contains(role.equals("admin") ? "<li>qrf: " : "<li>qrf: once</li>"), role + ": " + html);
      String token = Accounts.token(server, Accounts.create(server, role, org));
      JsonObject api = server.get("/api/modules/alpha/exercises/gate", "Authorization", "Bearer " + token).bodyAsJsonObject();
      assertTrue(api.getString("notesHtml").contains("SECRET-FACILITATOR-NOTE"), role + ": " + api.encode());
      assertTrue(api.getJsonObject("endings").getInteger("qrf") >= 1, api.encode());
    }
  }

  @Test
  @DisplayName("the attempt page names a question's track beside it; every lesson still counts, whatever the learner's track")
  void questionTrackAndEveryLessonCounts() {
    Accounts.Browser b = Accounts.browser(server, Accounts.create(server, "learner"));
    server.send(HttpMethod.POST, "/account/track", Accounts.form("_csrf", b.csrf(), "track", "police"),
        "Cookie", b.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    HttpResponse<Buffer> started = server.send(HttpMethod.POST, "/modules/alpha/quiz", Accounts.form("_csrf", b.csrf()),
        "Cookie", b.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, started.statusCode(), started.bodyAsString());
    String attempt = page(started.getHeader("Location"), b);
    assertTrue(attempt.contains("<span class=\"meta track\">· For: Military</span>"), attempt);
    assertEquals(1, attempt.split("class=\"meta track\"", -1).length - 1, "only the checkpoint question has a track");
    // a police officer reads the police lesson only: the module is not done, the lesson for everyone still counts
    server.send(HttpMethod.POST, "/modules/alpha/second/read", Accounts.form("_csrf", b.csrf()),
        "Cookie", b.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    assertTrue(page("/modules/alpha", b).contains("1 of 2 lessons marked as read"));
  }

  @Test
  @DisplayName("a learner's track puts its lessons and exercises first on the module page and in the API; a bad track is refused")
  void trackFirst() {
    Accounts.Browser b = Accounts.browser(server, Accounts.create(server, "learner"));
    String home = page("/home", b);
    assertTrue(home.contains("Your track: not chosen"), home);

    HttpResponse<Buffer> bad = server.send(HttpMethod.POST, "/account/track", Accounts.form("_csrf", b.csrf(), "track", "navy"),
        "Cookie", b.cookie(), "Content-Type", "application/x-www-form-urlencoded", "Accept-Language", "fr");
    assertEquals(400, bad.statusCode(), bad.bodyAsString());
    assertTrue(bad.bodyAsString().contains("Choisissez militaire, police ou officier d’état-major"), bad.bodyAsString());

    HttpResponse<Buffer> set = server.send(HttpMethod.POST, "/account/track", Accounts.form("_csrf", b.csrf(), "track", "military"),
        "Cookie", b.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, set.statusCode(), set.bodyAsString());
    assertTrue(page("/account/track?saved=1", b).contains("value=\"military\" checked"));
    assertTrue(page("/home", b).contains("Your track: Military"));
    String module = page("/modules/alpha", b);
    assertTrue(module.contains("For: Military (your track)"), "the exercise is marked as the learner's: " + module);
    assertTrue(module.contains("For: Police · "), "another track's lesson is named and stays listed: " + module);
    assertTrue(module.indexOf("href=\"/modules/alpha/first\"") < module.indexOf("href=\"/modules/alpha/second\""),
        "for a soldier, the lesson for everyone comes before the police lesson");

    String token = Accounts.token(server, Accounts.create(server, "learner"));
    JsonObject api = server.send(HttpMethod.POST, "/api/account/track", Buffer.buffer(new JsonObject().put("track", "police").encode()),
        "Authorization", "Bearer " + token, "Content-Type", "application/json").bodyAsJsonObject();
    assertEquals("police", api.getString("track"));
    JsonObject alpha = server.get("/api/modules/alpha", "Authorization", "Bearer " + token).bodyAsJsonObject();
    // "second" is the police lesson: first for a police officer, its number still the authored one
    assertEquals("second", alpha.getJsonArray("lessons").getJsonObject(0).getString("id"));
    assertEquals(2, alpha.getJsonArray("lessons").getJsonObject(0).getInteger("number"));
    assertEquals("police", alpha.getJsonArray("lessons").getJsonObject(0).getString("track"));
    Accounts.Browser police = Accounts.browser(server, Accounts.create(server, "learner"));
    server.send(HttpMethod.POST, "/account/track", Accounts.form("_csrf", police.csrf(), "track", "police"),
        "Cookie", police.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    String policePage = page("/modules/alpha", police);
    assertTrue(policePage.indexOf("href=\"/modules/alpha/second\"") < policePage.indexOf("href=\"/modules/alpha/first\""),
        "for a police officer, the police lesson comes first: " + policePage);
    assertTrue(policePage.contains("For: Police (your track)"), policePage);
    assertTrue(policePage.contains("<a class=\"button\" href=\"/modules/alpha/second\">"), "Start leads to their track's lesson");
    assertEquals("gate", alpha.getJsonArray("exercises").getJsonObject(0).getString("id"));
    assertEquals("military", alpha.getJsonArray("exercises").getJsonObject(0).getString("track"));
    HttpResponse<Buffer> wrongType = server.send(HttpMethod.POST, "/api/account/track",
        Buffer.buffer(new JsonObject().put("track", 3).encode()), "Authorization", "Bearer " + token, "Content-Type", "application/json");
    assertEquals(400, wrongType.statusCode(), wrongType.bodyAsString());
  }
}
