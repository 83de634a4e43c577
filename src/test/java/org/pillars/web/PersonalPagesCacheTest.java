package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.Cohorts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * A page rendered for a signed-in user holds personal data (names, service numbers, scores): no cache, shared or
 * private, may keep it. A public page read anonymously keeps its validator so that a slow link gets a 304.
 */
@ExtendWith(TestPostgres.class)
class PersonalPagesCacheTest {

  private static TestApp server;
  private static String learner;
  private static String coordinator;
  private static String trainer;
  private static List<String> learnerPages;
  private static List<String> coordinatorPages;
  private static String certificateCode;
  private static String setupPage;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    long org = Cohorts.organisation(server, "Cached");
    String learnerName = Accounts.create(server, "learner", org);
    learner = Accounts.token(server, learnerName);
    coordinator = Accounts.token(server, Accounts.create(server, "coordinator", org));
    trainer = Accounts.token(server, Accounts.create(server, "trainer", org));
    long cohort = Cohorts.cohort(server, org, "Cache");
    long account = Accounts.id(server, learnerName);
    Cohorts.enrol(server, cohort, account);

    post("/api/modules/alpha/lessons/first/read", null);
    post("/api/modules/alpha/lessons/second/read", null);
    String submitted = post("/api/modules/alpha/attempts", new JsonObject()).bodyAsJsonObject().getString("attempt");
    post("/api/attempts/" + submitted + "/submit", new JsonObject().put("answers", new JsonObject().put("host-state", 1)
        .put("tiers", new JsonArray().add(0).add(1).add(3)).put("mandate-not-r2p", 1).put("checkpoint", 0)));
    String open = post("/api/modules/alpha/attempts", new JsonObject()).bodyAsJsonObject().getString("attempt");
    String certificate = server.get("/api/certificates", "Authorization", "Bearer " + learner).bodyAsJsonObject()
        .getJsonArray("certificates").getJsonObject(0).getString("code");

    certificateCode = certificate;
    setupPage = "/setup/" + server.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/learners/" + account + "/setup-code", null,
        "Authorization", "Bearer " + coordinator).bodyAsJsonObject().getString("setupCode");
    learnerPages = List.of("/home", "/attempts/" + open, "/attempts/" + submitted, "/certificates/" + certificate,
        "/account/password", "/modules/alpha/first", "/");
    coordinatorPages = List.of("/cohorts", "/cohorts/" + cohort, "/cohorts/" + cohort + "/learners/" + account,
        "/cohorts/" + cohort + "/readiness");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    HttpResponse<Buffer> r = server.send(HttpMethod.POST, path, body == null ? null : body.toBuffer(),
        "Authorization", "Bearer " + learner, "Content-Type", "application/json");
    assertEquals(2, r.statusCode() / 100, path + ": " + r.bodyAsString());
    return r;
  }

  @Test
  @DisplayName("every page rendered for a signed-in user is sent Cache-Control: no-store, without a validator")
  void personalPagesAreNotStored() {
    List<String> stored = new ArrayList<>();
    for (String[] caller : new String[][] {{learner, "learner"}, {coordinator, "coordinator"}, {trainer, "trainer"}}) {
      List<String> paths = switch (caller[1]) {
        case "learner" -> learnerPages;
        case "coordinator" -> coordinatorPages;
        default -> List.of("/modules/alpha/analysis", "/home");
      };
      for (String path : paths) {
        HttpResponse<Buffer> r = server.get(path, "Authorization", "Bearer " + caller[0]);
        assertEquals(200, r.statusCode(), path + ": " + r.bodyAsString());
        if (!"no-store".equals(r.getHeader("Cache-Control")) || r.getHeader("ETag") != null) {
          stored.add(caller[1] + " " + path + ": Cache-Control " + r.getHeader("Cache-Control") + ", ETag " + r.getHeader("ETag"));
        }
      }
    }
    assertEquals(List.of(), stored);
  }

  @Test
  @DisplayName("an error page for a signed-in user is not stored either")
  void personalErrorPage() {
    HttpResponse<Buffer> r = server.get("/attempts/00000000-0000-0000-0000-000000000000", "Authorization", "Bearer " + learner);
    assertEquals(404, r.statusCode(), r.bodyAsString());
    assertEquals("no-store", r.getHeader("Cache-Control"));
  }

  @Test
  @DisplayName("pages that show someone's name to an anonymous reader (a set-up page, a verification) are not stored either")
  void anonymousPersonalPages() {
    for (String path : List.of(setupPage, "/verify/" + certificateCode)) {
      HttpResponse<Buffer> r = server.get(path);
      assertEquals(200, r.statusCode(), path + ": " + r.bodyAsString());
      assertEquals("no-store", r.getHeader("Cache-Control"), path);
      assertNull(r.getHeader("ETag"), path);
    }
  }

  @Test
  @DisplayName("a public page read anonymously stays no-cache with its ETag, and a repeat visit gets a 304")
  void publicPageKeepsItsValidator() {
    for (String path : List.of("/", "/modules/alpha", "/modules/alpha/first")) {
      HttpResponse<Buffer> r = server.get(path);
      assertEquals(200, r.statusCode(), path);
      assertEquals("no-cache", r.getHeader("Cache-Control"), path);
      String etag = r.getHeader("ETag");
      assertNotNull(etag, path);
      HttpResponse<Buffer> again = server.get(path, "If-None-Match", etag);
      assertEquals(304, again.statusCode(), path);
      assertNull(again.bodyAsString(), path);
    }
  }
}
