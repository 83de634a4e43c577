package org.pillars.cohorts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.AlphaAnswers;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Readiness of a country with two units in three cohorts not yet deployed, all assigned fixture module alpha (two
 * lessons, pass mark 75, 3 attempts): one person ready, two at risk (one also in a cohort deployed already, which
 * no longer counts), three not ready (locked out with time left; overdue; nothing assigned), each for one reason
 * only; and one person only in a deployed cohort, who is history.
 */
@ExtendWith(TestPostgres.class)
class ReadinessTest {

  private static TestApp server;
  private static long country;
  private static long first;
  private static long second;
  private static String coordinator;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    country = organisation("Readiness country", null);
    first = organisation("1st battalion", country);
    second = organisation("2nd battalion", country);
    long a = cohort(first, "A rotation", 9, 5);        // deploys in 9 days, alpha due in 5
    long b = cohort(second, "B rotation", 9, -1);      // alpha was due yesterday
    long c = cohort(country, "Staff rotation", -1, 5);  // deployed yesterday, though alpha is not yet due
    long d = cohort(country, "Staff rotation 2", 20, 10);
    learner(first, a, "Ready Person", p -> complete(p));
    learner(first, a, "Risk Person", p -> { });
    learner(first, a, "Locked Person", p -> {  // locked out with time left: not ready all the same
      for (int i = 0; i < 3; i++) {
        attempt(p, AlphaAnswers.allWrong());
      }
    });
    learner(second, b, "=HYPERLINK(\"x\")", p -> { });  // overdue, and a name a spreadsheet would run
    learner(country, c, "Deployed Person", p -> { });
    String twice = learner(country, d, "Two Rotations", p -> { });
    long empty = server.app().database().pool().preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) "
        + "VALUES ($1, 'Empty rotation', current_date, current_date + 30) RETURNING id").execute(Tuple.of(second)).await()
        .iterator().next().getLong(0);
    learner(second, empty, "Nothing Assigned", p -> { });  // nothing says they were trained: not ready
    server.app().database().pool().preparedQuery("INSERT INTO cohort_members VALUES ($1, $2)")
        .execute(Tuple.of(c, Accounts.id(server, twice))).await();
    coordinator = Accounts.token(server, Accounts.create(server, "coordinator", country));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long organisation(String name, Long parent) {
    return server.app().database().pool().preparedQuery("INSERT INTO organisations (name, country, parent_id) VALUES ($1, 'R', $2) RETURNING id")
        .execute(Tuple.of(name, parent)).await().iterator().next().getLong(0);
  }

  private static long cohort(long organisation, String name, int deploysIn, int dueIn) {
    long id = server.app().database().pool().preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) "
        + "VALUES ($1, $2, current_date - 30, current_date + $3::int) RETURNING id").execute(Tuple.of(organisation, name, deploysIn))
        .await().iterator().next().getLong(0);
    server.app().database().pool().preparedQuery("INSERT INTO assignments (cohort_id, module_id, due_on) VALUES ($1, 'alpha', current_date + $2::int)")
        .execute(Tuple.of(id, dueIn)).await();
    return id;
  }

  private static String learner(long organisation, long cohort, String name, java.util.function.Consumer<String> does) {
    String username = Accounts.create(server, "learner", organisation);
    server.app().database().pool().preparedQuery("UPDATE accounts SET display_name = $2, rank = 'Sergeant', service_number = $3 WHERE username = $1")
        .execute(Tuple.of(username, name, "SN-" + username)).await();
    server.app().database().pool().preparedQuery("INSERT INTO cohort_members VALUES ($1, $2)")
        .execute(Tuple.of(cohort, Accounts.id(server, username))).await();
    does.accept(Accounts.token(server, username));
    return username;
  }

  private static HttpResponse<Buffer> post(String token, String path, JsonObject body) {
    return server.send(HttpMethod.POST, path, body == null ? null : body.toBuffer(), "Authorization", "Bearer " + token,
        "Content-Type", "application/json");
  }

  private static void attempt(String token, JsonObject answers) {
    String id = post(token, "/api/modules/alpha/attempts", new JsonObject()).bodyAsJsonObject().getString("attempt");
    assertEquals(200, post(token, "/api/attempts/" + id + "/submit", new JsonObject().put("answers", answers)).statusCode());
  }

  private static void complete(String token) {
    post(token, "/api/modules/alpha/lessons/first/read", null);
    post(token, "/api/modules/alpha/lessons/second/read", null);
    attempt(token, AlphaAnswers.allRight());
  }

  private static JsonObject readiness(String token, long organisation) {
    HttpResponse<Buffer> r = server.get("/api/readiness/" + organisation, "Authorization", "Bearer " + token);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  @Test
  @DisplayName("a country's readiness: counts per unit and in all, by the one rule (ready, at risk, not ready); a unit's lists its people with the version each passed")
  void countryAndUnits() {
    JsonObject all = readiness(coordinator, country);
    assertEquals(new JsonObject().put("people", 6).put("ready", 1).put("atRisk", 2).put("notReady", 3), all.getJsonObject("summary"),
        "the person only in a deployed cohort is not counted");
    Map<String, String> units = all.getJsonArray("units").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(u -> u.getString("name"), u -> u.getInteger("ready") + "/" + u.getInteger("atRisk") + "/" + u.getInteger("notReady")));
    assertEquals(Map.of("1st battalion", "1/1/1", "2nd battalion", "0/0/2", "Readiness country", "0/1/0"), units);
    JsonObject unassigned = readiness(coordinator, second).getJsonArray("people").stream().map(JsonObject.class::cast)
        .filter(p -> p.getString("name").equals("Nothing Assigned")).findFirst().orElseThrow();
    assertEquals("not-ready", unassigned.getString("status"), "listed, and not ready: " + unassigned.encode());
    assertTrue(unassigned.getJsonArray("modules").isEmpty());
    assertEquals(1, all.getJsonArray("people").size(), "the country lists its own people; each unit, its own: " + all.encode());
    JsonObject staff = all.getJsonArray("people").getJsonObject(0);
    assertEquals("Two Rotations", staff.getString("name"));
    assertEquals("at-risk", staff.getString("status"), "the deployed rotation's dates no longer count");
    assertEquals(java.time.LocalDate.now().plusDays(20).toString(), staff.getString("deploysOn"));
    assertEquals(new JsonObject().put("module", "alpha").put("people", 5).put("completed", 1).put("locked", 1).put("conduct", false),
        all.getJsonArray("modules").getJsonObject(0));

    JsonObject unit = readiness(coordinator, first);
    Map<String, String> status = unit.getJsonArray("people").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(p -> p.getString("name"), p -> p.getString("status")));
    assertEquals(Map.of("Ready Person", "ready", "Risk Person", "at-risk", "Locked Person", "not-ready"), status);
    JsonObject passed = unit.getJsonArray("people").stream().map(JsonObject.class::cast).filter(p -> p.getString("status").equals("ready"))
        .findFirst().orElseThrow().getJsonArray("modules").getJsonObject(0);
    assertEquals(3, passed.getInteger("version"), "the version passed");
    assertEquals(100, passed.getInteger("score"));
    assertTrue(passed.getString("passedAt") != null);

    JsonObject locked = readiness(coordinator, first).getJsonArray("people").stream().map(JsonObject.class::cast)
        .filter(p -> p.getString("name").equals("Locked Person")).findFirst().orElseThrow();
    assertEquals("not-ready", locked.getString("status"));
    assertTrue(locked.getJsonArray("modules").getJsonObject(0).getBoolean("locked"));
  }

  @Test
  @DisplayName("a conduct and discipline module (beta: conduct: true) gets a column of its own, in the page, the JSON and the CSV")
  void conductColumn() {
    long land = organisation("Conduct country", null);
    long unit = organisation("Conduct battalion", land);
    long cohort = cohort(unit, "Conduct rotation", 9, 5);
    server.app().database().pool().preparedQuery("INSERT INTO assignments (cohort_id, module_id, due_on) VALUES ($1, 'beta', current_date + 5)")
        .execute(Tuple.of(cohort)).await();
    learner(unit, cohort, "Alpha Only", p -> complete(p));
    String token = Accounts.token(server, Accounts.create(server, "coordinator", land));
    JsonObject r = readiness(token, unit);
    JsonObject person = r.getJsonArray("people").getJsonObject(0);
    assertEquals(false, person.getBoolean("conductCompleted"), "alpha done, beta (conduct and discipline) not: " + person.encode());
    assertEquals("at-risk", person.getString("status"));
    Map<String, Boolean> conduct = r.getJsonArray("modules").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(m -> m.getString("module"), m -> m.getBoolean("conduct")));
    assertEquals(Map.of("alpha", false, "beta", true), conduct);
    Accounts.Browser browser = Accounts.browser(server, server.get("/api/me", "Authorization", "Bearer " + token).bodyAsJsonObject()
        .getString("username"));
    String page = server.get("/readiness/" + unit, "Cookie", browser.cookie()).bodyAsString();
    assertTrue(page.contains("<th scope=\"col\">Conduct and discipline</th>") && page.contains("not completed"), page);
    String csv = server.get("/readiness/" + unit + "/export.csv", "Cookie", browser.cookie()).bodyAsString();
    assertTrue(csv.contains(",alpha,false,") && csv.contains(",beta,true,"), csv);
  }

  @Test
  @DisplayName("who sees what: a unit's coordinator their unit only, another country's nothing; learners and trainers are refused")
  void scope() {
    String unitCoordinator = Accounts.token(server, Accounts.create(server, "coordinator", first));
    assertEquals(200, server.get("/api/readiness/" + first, "Authorization", "Bearer " + unitCoordinator).statusCode());
    for (long other : new long[] {second, country}) {
      assertEquals(404, server.get("/api/readiness/" + other, "Authorization", "Bearer " + unitCoordinator).statusCode());
    }
    String stranger = Accounts.token(server, Accounts.create(server, "coordinator"));
    assertEquals(404, server.get("/api/readiness/" + country, "Authorization", "Bearer " + stranger).statusCode());
    assertEquals(404, server.get("/readiness/" + first + "/export.csv", "Authorization", "Bearer " + stranger).statusCode());
    assertEquals(404, server.get("/api/readiness/not-a-number", "Authorization", "Bearer " + coordinator).statusCode());
    for (String role : new String[] {"learner", "trainer"}) {
      assertEquals(403, server.get("/api/readiness/" + first, "Authorization", "Bearer "
          + Accounts.token(server, Accounts.create(server, role, first))).statusCode(), role);
    }
  }

  @Test
  @DisplayName("the printed page: one section per unit with its people, the rule, and a signature block; in French too; the CSV defuses formulas")
  void pageAndCsv() {
    Accounts.Browser browser = Accounts.browser(server, server.get("/api/me", "Authorization", "Bearer " + coordinator)
        .bodyAsJsonObject().getString("username"));
    assertTrue(server.get("/cohorts", "Cookie", browser.cookie()).bodyAsString().contains("href=\"/readiness\""), "linked from the cohorts");
    HttpResponse<Buffer> home = server.get("/readiness", "Cookie", browser.cookie());
    assertEquals(303, home.statusCode());
    assertEquals("/readiness/" + country, home.getHeader("Location"), "to the coordinator's own organisation");
    String page = server.get("/readiness/" + first, "Cookie", browser.cookie()).bodyAsString();
    assertTrue(page.contains("class=\"unit-page\""), page);
    assertTrue(page.contains("Locked Person") && page.contains("Not ready") && page.contains("locked out"), page);
    assertTrue(page.contains("I certify that the one person of 1st battalion marked Ready above"), "the signature block counts who is ready");
    assertTrue(page.contains("the 3 people listed are all who have modules to complete"), page);
    String second = server.get("/readiness/" + ReadinessTest.second, "Cookie", browser.cookie()).bodyAsString();
    assertTrue(second.contains("overdue (due "), "an overdue module says so: " + second);
    String french = server.get("/readiness/" + first, "Cookie", browser.cookie(), "Accept-Language", "fr").bodyAsString();
    assertTrue(french.contains("Prêt") && french.contains("À risque") && french.contains("réussi, version 3")
        && french.contains("Je certifie, en date du"), french);

    HttpResponse<Buffer> csv = server.get("/readiness/" + country + "/export.csv", "Cookie", browser.cookie());
    assertEquals(200, csv.statusCode());
    String[] lines = csv.bodyAsString().split("\r\n");
    assertEquals(ReadinessRoutes.CSV_HEADER.strip(), lines[0].replace("\uFEFF", ""));
    assertEquals(6, lines.length, "one line per person and module, for the units too, none for the deployed");
    assertTrue(csv.bodyAsString().startsWith("\uFEFF"), "a byte order mark for spreadsheet programs");
    assertTrue(csv.bodyAsString().contains("\"'=HYPERLINK(\"\"x\"\")\""), "a formula is kept as text: " + csv.bodyAsString());
    String semicolons = server.get("/readiness/" + country + "/export.csv?separator=%3B", "Cookie", browser.cookie()).bodyAsString();
    assertTrue(semicolons.startsWith("\uFEFF" + ReadinessRoutes.CSV_HEADER.replace(",", ";")), semicolons);
    assertEquals(6, semicolons.split("\r\n").length);
    assertTrue(semicolons.split("\r\n")[1].chars().filter(ch -> ch == ';').count() >= 14, "every cell separated by ';'");
  }
}
