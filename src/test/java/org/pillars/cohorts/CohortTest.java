package org.pillars.cohorts;

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
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pillars.support.Accounts;
import org.pillars.support.Saboteur;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

@ExtendWith(TestPostgres.class)
class CohortTest {

  private static final String ROSTER = "name,service number,rank,unit,email\n"
      + "Ama Mensah,GH-1001,Captain,A Company,ama@example.org\n"
      + "Kofi Boateng,GH-1002,Private,B Company,\n"
      + "Esi Owusu,GH-1003,Corporal,A Company,\n";
  private static TestApp server;
  private static long countryA;
  private static long unitA;
  private static long countryB;
  private static String coordinatorA;
  private static String coordinatorB;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    var pool = server.app().database().pool();
    countryA = pool.query("INSERT INTO organisations (name, country) VALUES ('Country A', 'A') RETURNING id").execute().await()
        .iterator().next().getLong(0);
    unitA = pool.preparedQuery("INSERT INTO organisations (name, country, parent_id) VALUES ('Country A, 1st Battalion', 'A', $1) RETURNING id")
        .execute(Tuple.of(countryA)).await().iterator().next().getLong(0);
    countryB = pool.query("INSERT INTO organisations (name, country) VALUES ('Country B', 'B') RETURNING id").execute().await()
        .iterator().next().getLong(0);
    coordinatorA = Accounts.token(server, Accounts.create(server, "coordinator", countryA));
    coordinatorB = Accounts.token(server, Accounts.create(server, "coordinator", countryB));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    if (body instanceof String csv) {
      return server.send(method, path, Buffer.buffer(csv.getBytes(StandardCharsets.UTF_8)), "Authorization", "Bearer " + token,
          "Content-Type", "text/csv");
    }
    if (body instanceof byte[] raw) {
      return server.send(method, path, Buffer.buffer(raw), "Authorization", "Bearer " + token, "Content-Type", "text/csv");
    }
    return server.send(method, path, body == null ? null : ((JsonObject) body).toBuffer(), "Authorization", "Bearer " + token,
        "Content-Type", "application/json");
  }

  private static long cohort(String token, long organisation, String name) {
    HttpResponse<Buffer> r = call(HttpMethod.POST, "/api/cohorts", token, new JsonObject().put("organisation", organisation)
        .put("name", name).put("startsOn", "2027-01-10").put("deploysOn", "2027-03-01"));
    assertEquals(201, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getLong("id");
  }

  private static long count(String sql, Object... args) {
    return server.app().database().pool().preparedQuery(sql).execute(Tuple.from(args)).await().iterator().next().getLong(0);
  }

  @Test
  @DisplayName("another organisation's coordinator gets 404 for every cohort route; learners and trainers get 403")
  void scoping() {
    long id = cohort(coordinatorA, unitA, "Scoped rotation");
    String base = "/api/cohorts/" + id;
    assertEquals(200, call(HttpMethod.GET, base + "/report", coordinatorA, null).statusCode(), "the unit belongs to country A");
    assertEquals(404, call(HttpMethod.GET, base + "/report", coordinatorB, null).statusCode());
    assertEquals(404, call(HttpMethod.GET, base + "/export.csv", coordinatorB, null).statusCode());
    assertEquals(404, call(HttpMethod.POST, base + "/import", coordinatorB, ROSTER).statusCode());
    assertEquals(404, call(HttpMethod.PUT, base + "/assignments/alpha", coordinatorB, new JsonObject().put("dueOn", "2027-02-01")).statusCode());
    assertEquals(404, call(HttpMethod.DELETE, base + "/members/1", coordinatorB, null).statusCode());
    assertEquals(404, server.get("/cohorts/" + id, "Authorization", "Bearer " + coordinatorB).statusCode());
    assertFalse(call(HttpMethod.GET, "/api/cohorts", coordinatorB, null).bodyAsString().contains("Scoped rotation"));
    assertEquals(404, call(HttpMethod.POST, "/api/cohorts", coordinatorB, new JsonObject().put("organisation", countryA)
        .put("name", "Intrusion").put("startsOn", "2027-01-10").put("deploysOn", "2027-03-01")).statusCode(),
        "nor can they create a cohort in another organisation");

    String learner = Accounts.token(server, Accounts.create(server, "learner", countryA));
    String trainer = Accounts.token(server, Accounts.create(server, "trainer", countryA));
    assertEquals(403, call(HttpMethod.GET, "/api/cohorts", learner, null).statusCode());
    assertEquals(403, call(HttpMethod.GET, base + "/report", learner, null).statusCode());
    assertEquals(403, call(HttpMethod.GET, base + "/export.csv", trainer, null).statusCode());
    String admin = Accounts.token(server, Accounts.create(server, "admin"));
    assertEquals(200, call(HttpMethod.GET, base + "/report", admin, null).statusCode(), "an admin sees every cohort");
  }

  @Test
  @DisplayName("a roster imports all at once; the same file again changes nothing; a corrected file updates")
  void importIsIdempotent() {
    long id = cohort(coordinatorA, countryA, "Import rotation");
    HttpResponse<Buffer> first = call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA, "\uFEFF" + ROSTER);
    assertEquals(200, first.statusCode(), first.bodyAsString());
    JsonObject result = first.bodyAsJsonObject();
    assertEquals(3, result.getInteger("created"));
    assertEquals(3, result.getInteger("enrolled"));
    JsonArray fresh = result.getJsonArray("newLearners");
    assertEquals(3, fresh.size());
    assertTrue(fresh.getJsonObject(0).getString("setupCode").matches("[a-z2-9]{20}"));
    assertFalse(first.bodyAsString().contains("password"), "no password travels");

    JsonObject again = call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA, ROSTER).bodyAsJsonObject();
    assertEquals(new JsonObject().put("created", 0).put("updated", 0).put("unchanged", 3).put("enrolled", 0)
        .put("newLearners", new JsonArray()), again);

    JsonObject corrected = call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA,
        ROSTER.replace("Kofi Boateng,GH-1002,Private", "Kofi Boateng,GH-1002,Lance Corporal").replace(";", ","))
        .bodyAsJsonObject();
    assertEquals(1, corrected.getInteger("updated"));
    assertEquals(2, corrected.getInteger("unchanged"));
    assertEquals(1, count("SELECT count(*) FROM accounts WHERE service_number = 'GH-1002' AND rank = 'Lance Corporal'"));
  }

  @Test
  @DisplayName("a bad roster is refused whole, with every bad line, and writes nothing")
  void badRosters() {
    long id = cohort(coordinatorA, countryA, "Bad rosters");
    long accounts = count("SELECT count(*) FROM accounts");
    HttpResponse<Buffer> r = call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA,
        ROSTER + "Mallory,=HYPERLINK(\"http://evil.example\"),Private,A Company,\nDup,GH-1001,Private,A Company,\n");
    assertEquals(400, r.statusCode(), r.bodyAsString());
    JsonArray problems = r.bodyAsJsonObject().getJsonArray("problems");
    assertTrue(problems.stream().anyMatch(p -> ((JsonObject) p).getInteger("line") == 5), problems.encode());
    assertTrue(problems.stream().anyMatch(p -> ((JsonObject) p).getInteger("line") == 6
        && ((JsonObject) p).getString("message").contains("also on line 2")), problems.encode());
    assertEquals(accounts, count("SELECT count(*) FROM accounts"), "nothing was written");
    assertEquals(0, count("SELECT count(*) FROM cohort_members WHERE cohort_id = $1", id));

    assertEquals(400, call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA, "").statusCode());
    assertEquals(400, call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA, "surname,rank\nX,Y\n").statusCode());
    assertEquals(400, call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA,
        "name,service number,rank,unit\nCaf\u00e9,1,B,C\n".getBytes(StandardCharsets.ISO_8859_1)).statusCode());
    byte[] huge = new byte[20 * 1024 * 1024];
    java.util.Arrays.fill(huge, (byte) 'a');
    assertEquals(413, call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA, huge).statusCode());
    assertEquals(415, server.send(HttpMethod.POST, "/api/cohorts/" + id + "/import", Buffer.buffer(ROSTER),
        "Authorization", "Bearer " + coordinatorA, "Content-Type", "application/json").statusCode());
    assertEquals(accounts, count("SELECT count(*) FROM accounts"));
  }

  /**
   * The import writes the learners first, then their set-up codes, then the memberships. A trigger set by the
   * test refuses the first row of one of the later statements, after every learner row is in.
   */
  @ParameterizedTest(name = "refused at {0}")
  @CsvSource({"password_setups, GH-600", "cohort_members, GH-700"})
  @DisplayName("an import refused at a late statement, after its learners are written, leaves nothing; the same file then imports whole")
  void importRefusedLateLeavesNothing(String table, String serviceNumbers) {
    String roster = ROSTER.replace("GH-100", serviceNumbers);
    long earlier = cohort(coordinatorA, countryA, "Earlier rotation " + serviceNumbers);
    String path = "/api/cohorts/" + cohort(coordinatorA, countryA, "Refused rotation " + serviceNumbers) + "/import";
    assertEquals(200, call(HttpMethod.POST, "/api/cohorts/" + earlier + "/import", coordinatorA,
        String.join("\n", roster.lines().limit(2).toList()) + "\n").statusCode(), "one learner is known already");
    String promoted = roster.replace("Captain", "Major");
    long accounts = count("SELECT count(*) FROM accounts");
    long codes = count("SELECT count(*) FROM password_setups");

    try (Saboteur db = Saboteur.on(server)) {
      db.execute("CREATE OR REPLACE FUNCTION refuse_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
          + "RAISE EXCEPTION 'refused by the test'; END $$");
      db.execute("CREATE TRIGGER refuse_row BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION refuse_row()");
      try {
        HttpResponse<Buffer> refused = call(HttpMethod.POST, path, coordinatorA, promoted);
        assertTrue(refused.statusCode() >= 400, refused.statusCode() + " " + refused.bodyAsString());
      } finally {
        db.execute("DROP TRIGGER refuse_row ON " + table);
      }
    }
    assertEquals(accounts, count("SELECT count(*) FROM accounts"), "no new learner remains");
    assertEquals(codes, count("SELECT count(*) FROM password_setups"), "no set-up code remains");
    assertEquals(0, count("SELECT count(*) FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id WHERE c.name = $1",
        "Refused rotation " + serviceNumbers), "no membership remains");
    assertEquals(1, count("SELECT count(*) FROM accounts WHERE service_number = $1 AND rank = 'Captain'", serviceNumbers + "1"),
        "the known learner's update is undone");

    HttpResponse<Buffer> whole = call(HttpMethod.POST, path, coordinatorA, promoted);
    assertEquals(200, whole.statusCode(), whole.bodyAsString());
    JsonObject result = whole.bodyAsJsonObject();
    assertEquals(List.of(2, 1, 0, 3), List.of(result.getInteger("created"), result.getInteger("updated"),
        result.getInteger("unchanged"), result.getInteger("enrolled")), result.encode());
    assertEquals(accounts + 2, count("SELECT count(*) FROM accounts"));
    assertEquals(codes + 2, count("SELECT count(*) FROM password_setups"));
  }

  @Test
  @DisplayName("a new learner sets a password once with their code, then logs in")
  void setupCode() {
    long id = cohort(coordinatorA, countryA, "Setup rotation");
    JsonObject learner = call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA,
        "name,service number,rank,unit\nYaw Asante,GH-2001,Private,C Company\n").bodyAsJsonObject().getJsonArray("newLearners")
        .getJsonObject(0);
    String code = learner.getString("setupCode");
    assertEquals(200, server.get("/setup/" + code).statusCode());
    assertEquals(400, server.send(HttpMethod.POST, "/api/setup/" + code, new JsonObject().put("password", "password1").toBuffer(),
        "Content-Type", "application/json").statusCode(), "the policy applies");
    assertEquals(204, server.send(HttpMethod.POST, "/api/setup/" + code, new JsonObject().put("password", "quiet harbour lantern 7").toBuffer(),
        "Content-Type", "application/json").statusCode());
    assertEquals(404, server.send(HttpMethod.POST, "/api/setup/" + code, new JsonObject().put("password", "another quiet harbour").toBuffer(),
        "Content-Type", "application/json").statusCode(), "a code works once");
    assertEquals(404, server.get("/setup/" + code).statusCode());
    assertEquals(404, server.get("/setup/not-a-code").statusCode());
    HttpResponse<Buffer> login = server.send(HttpMethod.POST, "/api/auth/token", new JsonObject()
        .put("username", learner.getString("username")).put("password", "quiet harbour lantern 7").toBuffer(), "Content-Type", "application/json");
    assertEquals(200, login.statusCode(), login.bodyAsString());
    String oldToken = login.bodyAsJsonObject().getString("token");

    // the learner forgot the password: the coordinator issues a new code, which resets it and ends the old sessions
    long account = Accounts.id(server, learner.getString("username"));
    String path = "/api/cohorts/" + id + "/learners/" + account + "/setup-code";
    assertEquals(404, call(HttpMethod.POST, path, coordinatorB, null).statusCode(), "another country's coordinator");
    assertEquals(404, call(HttpMethod.POST, "/api/cohorts/" + id + "/learners/" + Accounts.id(server, Accounts.create(server, "learner"))
        + "/setup-code", coordinatorA, null).statusCode(), "a learner who is not in this cohort");
    String first = call(HttpMethod.POST, path, coordinatorA, null).bodyAsJsonObject().getString("setupCode");
    HttpResponse<Buffer> second = call(HttpMethod.POST, path, coordinatorA, null);
    assertEquals(201, second.statusCode(), second.bodyAsString());
    String fresh = second.bodyAsJsonObject().getString("setupCode");
    assertEquals(404, server.get("/setup/" + first).statusCode(), "an earlier unused code stops working");
    assertEquals(200, server.get("/api/me", "Authorization", "Bearer " + oldToken).statusCode(), "nothing changes until the code is used");
    assertEquals(204, server.send(HttpMethod.POST, "/api/setup/" + fresh, new JsonObject().put("password", "amber signal orchard 42").toBuffer(),
        "Content-Type", "application/json").statusCode());
    assertEquals(401, server.get("/api/me", "Authorization", "Bearer " + oldToken).statusCode(), "the old session ended");
    assertEquals(401, server.send(HttpMethod.POST, "/api/auth/token", new JsonObject().put("username", learner.getString("username"))
        .put("password", "quiet harbour lantern 7").toBuffer(), "Content-Type", "application/json").statusCode());
    assertEquals(200, server.send(HttpMethod.POST, "/api/auth/token", new JsonObject().put("username", learner.getString("username"))
        .put("password", "amber signal orchard 42").toBuffer(), "Content-Type", "application/json").statusCode());
  }

  @Test
  @DisplayName("the report says who never activated their account and whose set-up code expired, on the page, the learner's page and the API")
  void activationShown() {
    long id = cohort(coordinatorA, countryA, "Activation rotation");
    JsonArray made = call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA, ROSTER.replace("GH-100", "AC-700"))
        .bodyAsJsonObject().getJsonArray("newLearners");
    Map<String, String> codes = new java.util.HashMap<>();
    made.forEach(o -> codes.put(((JsonObject) o).getString("name"), ((JsonObject) o).getString("setupCode")));
    assertEquals(204, server.send(HttpMethod.POST, "/api/setup/" + codes.get("Ama Mensah"),
        new JsonObject().put("password", "quiet harbour lantern 7").toBuffer(), "Content-Type", "application/json").statusCode());
    server.app().database().pool().preparedQuery("UPDATE password_setups SET expires_at = now() - interval '1 day' WHERE account_id = "
        + "(SELECT id FROM accounts WHERE service_number = 'AC-7002')").execute().await();
    JsonArray learners = call(HttpMethod.GET, "/api/cohorts/" + id + "/report", coordinatorA, null).bodyAsJsonObject().getJsonArray("learners");
    Map<String, Object> activation = new java.util.HashMap<>();
    learners.forEach(o -> activation.put(((JsonObject) o).getString("name"), ((JsonObject) o).getValue("activation")));
    java.util.Map<String, Object> expected = new java.util.HashMap<>();
    expected.put("Ama Mensah", null);
    expected.put("Kofi Boateng", "code-expired");
    expected.put("Esi Owusu", "never-activated");
    assertEquals(expected, activation);
    String coordinator = server.get("/api/me", "Authorization", "Bearer " + coordinatorA).bodyAsJsonObject().getString("username");
    Accounts.Browser browser = Accounts.browser(server, coordinator);
    String page = server.get("/cohorts/" + id, "Cookie", browser.cookie()).bodyAsString();
    assertTrue(page.contains("never activated (no password chosen yet)") && page.contains("set-up code expired"), page);
    long kofi = count("SELECT id FROM accounts WHERE service_number = 'AC-7002'");
    assertTrue(server.get("/cohorts/" + id + "/learners/" + kofi, "Cookie", browser.cookie()).bodyAsString().contains("set-up code expired"));
  }

  private static List<String> names(long cohort, String query) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/api/cohorts/" + cohort + "/report?" + query, coordinatorA, null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("learners").stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  @Test
  @DisplayName("the report shows each learner's state per assigned module, with filters, and the export streams it as CSV")
  void reportAndExport() {
    long id = cohort(coordinatorA, countryA, "Report rotation");
    // a rotation that began a month ago, so that a module can be overdue (a due date is never before the start)
    server.app().database().pool().preparedQuery("UPDATE cohorts SET starts_on = current_date - 30 WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(id)).await();
    JsonArray fresh = call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA, ROSTER.replace("GH-100", "GH-300"))
        .bodyAsJsonObject().getJsonArray("newLearners");
    String yesterday = LocalDate.now().minusDays(1).toString();
    assertEquals(204, call(HttpMethod.PUT, "/api/cohorts/" + id + "/assignments/alpha", coordinatorA, new JsonObject().put("dueOn", yesterday)).statusCode());
    assertEquals(204, call(HttpMethod.PUT, "/api/cohorts/" + id + "/assignments/beta", coordinatorA, new JsonObject().put("dueOn", "2099-01-01")).statusCode());
    assertEquals(400, call(HttpMethod.PUT, "/api/cohorts/" + id + "/assignments/nope", coordinatorA, new JsonObject().put("dueOn", "2099-01-01")).statusCode());

    String ama = fresh.getJsonObject(0).getString("username");
    server.send(HttpMethod.POST, "/api/setup/" + fresh.getJsonObject(0).getString("setupCode"),
        new JsonObject().put("password", "quiet harbour lantern 7").toBuffer(), "Content-Type", "application/json");
    String token = server.send(HttpMethod.POST, "/api/auth/token", new JsonObject().put("username", ama).put("password", "quiet harbour lantern 7")
        .toBuffer(), "Content-Type", "application/json").bodyAsJsonObject().getString("token");
    String attempt = call(HttpMethod.POST, "/api/modules/alpha/attempts", token, new JsonObject()).bodyAsJsonObject().getString("attempt");
    call(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", token, new JsonObject().put("answers", new JsonObject()
        .put("host-state", 1).put("tiers", new JsonArray().add(0).add(1).add(3)).put("mandate-not-r2p", 1).put("checkpoint", 0)));
    call(HttpMethod.POST, "/api/modules/alpha/lessons/first/read", token, null);
    call(HttpMethod.POST, "/api/modules/alpha/lessons/second/read", token, null);
    call(HttpMethod.POST, "/api/modules/beta/lessons/only/read", token, null);

    JsonObject report = call(HttpMethod.GET, "/api/cohorts/" + id + "/report", coordinatorA, null).bodyAsJsonObject();
    assertEquals(new JsonObject().put("learners", 3).put("completed", 1).put("inProgress", 1).put("notStarted", 4).put("overdue", 2),
        report.getJsonObject("summary"));
    JsonObject amaRow = report.getJsonArray("learners").stream().map(o -> (JsonObject) o)
        .filter(o -> o.getString("name").equals("Ama Mensah")).findFirst().orElseThrow();
    JsonObject alpha = amaRow.getJsonArray("modules").getJsonObject(0);
    assertEquals("completed", alpha.getString("status"));
    assertEquals(100, alpha.getInteger("score"));
    assertEquals(LocalDate.now().toString(), alpha.getString("completedOn"));
    assertEquals("in-progress", amaRow.getJsonArray("modules").getJsonObject(1).getString("status"));

    assertEquals(2, call(HttpMethod.GET, "/api/cohorts/" + id + "/report?status=overdue", coordinatorA, null).bodyAsJsonObject()
        .getJsonArray("learners").size());
    assertEquals(1, call(HttpMethod.GET, "/api/cohorts/" + id + "/report?unit=B%20Company", coordinatorA, null).bodyAsJsonObject()
        .getJsonArray("learners").size());
    assertEquals(400, call(HttpMethod.GET, "/api/cohorts/" + id + "/report?status=whatever", coordinatorA, null).statusCode());
    assertEquals(List.of("Ama Mensah"), names(id, "status=completed"));
    assertEquals(List.of("Ama Mensah"), names(id, "status=in-progress"));
    assertEquals(List.of("Esi Owusu", "Kofi Boateng"), names(id, "status=not-started"));
    assertEquals(List.of("Esi Owusu"), names(id, "offset=1&limit=1"));
    JsonObject past = call(HttpMethod.GET, "/api/cohorts/" + id + "/report?offset=5", coordinatorA, null).bodyAsJsonObject();
    assertEquals(0, past.getJsonArray("learners").size());
    assertEquals(3, past.getInteger("matching"), "the count of matching learners does not depend on the window");
    for (String bad : List.of("limit=0", "limit=1001", "offset=-1", "offset=x", "limit=1e3")) {
      HttpResponse<Buffer> refused = call(HttpMethod.GET, "/api/cohorts/" + id + "/report?" + bad, coordinatorA, null);
      assertEquals(400, refused.statusCode(), bad);
      assertTrue(refused.bodyAsJsonObject().getString("message").contains("whole number"), refused.bodyAsString());
    }

    String home = server.get("/home", "Authorization", "Bearer " + token).bodyAsString();
    assertTrue(home.contains("Assigned to you"), home);
    assertTrue(home.indexOf("Assigned to you") < home.indexOf("Beta module") && home.contains("due January 1, 2099"), home);
    String page = server.get("/cohorts/" + id, "Authorization", "Bearer " + coordinatorA).bodyAsString();
    assertTrue(page.contains("<svg class=\"chart\"") && page.contains("Completed 100 %"), page);

    long mallory = server.app().database().pool().preparedQuery("INSERT INTO accounts (organisation_id, username, display_name, role, "
        + "service_number, rank, unit) VALUES ($1, 'mallory-x', '=HYPERLINK(\"http://evil\",\"x\")', 'learner', '@SUM(1)', '+1', '-cmd') RETURNING id")
        .execute(Tuple.of(countryA)).await().iterator().next().getLong(0);
    server.app().database().pool().preparedQuery("INSERT INTO cohort_members VALUES ($1, $2)").execute(Tuple.of(id, mallory)).await();

    HttpResponse<Buffer> export = call(HttpMethod.GET, "/api/cohorts/" + id + "/export.csv", coordinatorA, null);
    assertEquals(200, export.statusCode());
    assertTrue(export.getHeader("Content-Type").startsWith("text/csv"));
    String[] lines = export.bodyAsString().split("\r\n");
    assertEquals("\uFEFF" + CohortApi.EXPORT_HEADER, lines[0]);
    assertEquals(1 + 4 * 2, lines.length, export.bodyAsString());
    assertTrue(export.bodyAsString().contains("GH-3001,Ama Mensah,Captain,A Company,alpha," + yesterday + ",completed,false,2,2,1,100,"
        + LocalDate.now() + ",100"), export.bodyAsString());
    assertTrue(export.bodyAsString().contains("'@SUM(1),\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'+1,'-cmd,alpha"), export.bodyAsString());
  }

  @Test
  @DisplayName("an export larger than one database fetch and one write has every learner-module line once, in report order")
  void largeExport() {
    long id = cohort(coordinatorA, countryA, "Large export rotation");
    var pool = server.app().database().pool();
    // 1,700 learners x 2 modules: 3,400 lines, more than one fetch (3,000) and about ten writes of 32 KiB
    pool.preparedQuery("""
        WITH made AS (INSERT INTO accounts (organisation_id, username, display_name, role, service_number, unit)
          SELECT $1, 'bulk-' || i, 'Learner ' || lpad(i::text, 4, '0'), 'learner', 'BK-' || i,
                 CASE WHEN i % 3 = 0 THEN NULL ELSE 'Company ' || (i % 3) END
          FROM generate_series(1, 1700) i RETURNING id)
        INSERT INTO cohort_members (cohort_id, account_id) SELECT $2, id FROM made""").execute(Tuple.of(countryA, id)).await();
    pool.preparedQuery("""
        INSERT INTO lesson_reads (account_id, module_id, lesson_id)
        SELECT id, 'beta', 'only' FROM accounts WHERE username LIKE 'bulk-%' AND right(username, 1) = '7'""").execute().await();
    assertEquals(204, call(HttpMethod.PUT, "/api/cohorts/" + id + "/assignments/alpha", coordinatorA,
        new JsonObject().put("dueOn", "2099-01-01")).statusCode());
    assertEquals(204, call(HttpMethod.PUT, "/api/cohorts/" + id + "/assignments/beta", coordinatorA,
        new JsonObject().put("dueOn", "2098-01-01")).statusCode());

    HttpResponse<Buffer> export = call(HttpMethod.GET, "/api/cohorts/" + id + "/export.csv", coordinatorA, null);
    assertEquals(200, export.statusCode());
    List<String> lines = List.of(export.bodyAsString().split("\r\n"));
    assertEquals(1 + 1700 * 2, lines.size());
    List<String> expected = new java.util.ArrayList<>();
    // report order: unit (no unit last), name; within a learner, modules by due date (beta is due first)
    for (String unit : new String[] {"Company 1", "Company 2", null}) {
      for (int i = 1; i <= 1700; i++) {
        String u = i % 3 == 0 ? null : "Company " + (i % 3);
        if (java.util.Objects.equals(u, unit)) {
          String status = i % 10 == 7 ? "in-progress" : "not-started";
          expected.add("BK-" + i + "," + String.format("Learner %04d", i) + ",," + (u == null ? "" : u) + ",beta,2098-01-01," + status);
          expected.add("BK-" + i + "," + String.format("Learner %04d", i) + ",," + (u == null ? "" : u) + ",alpha,2099-01-01,not-started");
        }
      }
    }
    List<String> got = lines.subList(1, lines.size()).stream().map(l -> String.join(",", List.of(l.split(",", -1)).subList(0, 7))).toList();
    assertEquals(expected, got);
  }

  @Test
  @DisplayName("a cohort can be renamed and re-dated, and deleted without touching its learners' accounts or progress")
  void editAndDelete() {
    long id = cohort(coordinatorA, countryA, "Typo rotaton");
    cohort(coordinatorA, countryA, "Taken name");
    JsonObject renamed = new JsonObject().put("name", "Typo rotation").put("startsOn", "2027-01-10").put("deploysOn", "2027-04-01");
    HttpResponse<Buffer> ok = call(HttpMethod.PUT, "/api/cohorts/" + id, coordinatorA, renamed);
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    assertEquals("Typo rotation", ok.bodyAsJsonObject().getString("name"));
    assertEquals("2027-04-01", ok.bodyAsJsonObject().getString("deploysOn"));
    assertEquals(409, call(HttpMethod.PUT, "/api/cohorts/" + id, coordinatorA, renamed.copy().put("name", "Taken name")).statusCode());
    assertEquals(400, call(HttpMethod.PUT, "/api/cohorts/" + id, coordinatorA, renamed.copy().put("deploysOn", "2026-12-31")).statusCode());
    assertEquals(400, call(HttpMethod.PUT, "/api/cohorts/" + id, coordinatorA, renamed.copy().put("startsOn", 20270110)).statusCode());
    assertEquals(404, call(HttpMethod.PUT, "/api/cohorts/" + id, coordinatorB, renamed).statusCode(), "another country's cohort");
    assertEquals(404, call(HttpMethod.DELETE, "/api/cohorts/" + id, coordinatorB, null).statusCode(), "another country's cohort");

    JsonArray fresh = call(HttpMethod.POST, "/api/cohorts/" + id + "/import", coordinatorA, ROSTER.replace("GH-100", "GH-400"))
        .bodyAsJsonObject().getJsonArray("newLearners");
    long learner = Accounts.id(server, fresh.getJsonObject(0).getString("username"));
    assertEquals(204, call(HttpMethod.PUT, "/api/cohorts/" + id + "/assignments/alpha", coordinatorA,
        new JsonObject().put("dueOn", "2027-02-01")).statusCode());
    server.app().database().pool().preparedQuery("INSERT INTO lesson_reads (account_id, module_id, lesson_id) VALUES ($1, 'alpha', 'first')")
        .execute(Tuple.of(learner)).await();

    HttpResponse<Buffer> unticked = server.send(HttpMethod.POST, "/cohorts/" + id + "/delete", Accounts.form("confirm", ""),
        "Authorization", "Bearer " + coordinatorA, "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(400, unticked.statusCode(), "the form deletes only with the box ticked");
    assertEquals(1L, count("SELECT count(*) FROM cohorts WHERE id = $1", id));
    assertEquals(204, call(HttpMethod.DELETE, "/api/cohorts/" + id, coordinatorA, null).statusCode());
    assertEquals(404, call(HttpMethod.GET, "/api/cohorts/" + id + "/report", coordinatorA, null).statusCode());
    assertEquals(0L, count("SELECT count(*) FROM cohort_members WHERE cohort_id = $1", id));
    assertEquals(0L, count("SELECT count(*) FROM assignments WHERE cohort_id = $1", id));
    assertEquals(1L, count("SELECT count(*) FROM accounts WHERE id = $1", learner), "the learner keeps the account");
    assertEquals(1L, count("SELECT count(*) FROM lesson_reads WHERE account_id = $1", learner), "and the progress");
  }

  private static HttpResponse<Buffer> form(String path, String... pairs) {
    return server.send(HttpMethod.POST, path, Accounts.form(pairs), "Authorization", "Bearer " + coordinatorA,
        "Content-Type", "application/x-www-form-urlencoded");
  }

  private static void refusedOutOfRange(HttpResponse<Buffer> r, String what) {
    assertEquals(400, r.statusCode(), what + ": " + r.bodyAsString());
    String reason = r.bodyAsString();
    // a year of more than four digits is no date at all by the API's description (RFC 3339 full-date): the
    // contract check refuses it first, naming the field; a well-formed date out of range gets the range
    boolean malformed = what.startsWith("API") && what.endsWith("+999999999-12-31")
        && reason.contains("'/" + (what.startsWith("API assignment") ? "dueOn" : what.split(" ")[2]) + "'");
    assertTrue(malformed || reason.contains("1900-01-01") && reason.contains("2200-12-31"),
        what + ": the reason names the range (or, for a malformed date, the field): " + reason);
  }

  @Test
  @DisplayName("dates outside 1900-01-01..2200-12-31 are refused with 400 naming the range, by the API and the forms; the ends are accepted")
  void datesOutOfRange() {
    long id = cohort(coordinatorA, countryA, "Dated rotation");
    String api = "/api/cohorts/" + id;
    for (String bad : List.of("+999999999-12-31", "1899-12-31", "2201-01-01")) {
      JsonObject starts = new JsonObject().put("organisation", countryA).put("name", "Out of range " + bad)
          .put("startsOn", bad).put("deploysOn", "2027-03-01");
      JsonObject deploys = starts.copy().put("startsOn", "2027-01-10").put("deploysOn", bad);
      refusedOutOfRange(call(HttpMethod.POST, "/api/cohorts", coordinatorA, starts), "API create, startsOn " + bad);
      refusedOutOfRange(call(HttpMethod.POST, "/api/cohorts", coordinatorA, deploys), "API create, deploysOn " + bad);
      refusedOutOfRange(call(HttpMethod.PUT, api, coordinatorA, starts), "API update, startsOn " + bad);
      refusedOutOfRange(call(HttpMethod.PUT, api, coordinatorA, deploys), "API update, deploysOn " + bad);
      refusedOutOfRange(call(HttpMethod.PUT, api + "/assignments/alpha", coordinatorA, new JsonObject().put("dueOn", bad)),
          "API assignment " + bad);
      String org = Long.toString(countryA);
      refusedOutOfRange(form("/cohorts", "organisation", org, "name", "Form " + bad, "startsOn", bad, "deploysOn", "2027-03-01"),
          "form create, startsOn " + bad);
      refusedOutOfRange(form("/cohorts", "organisation", org, "name", "Form " + bad, "startsOn", "2027-01-10", "deploysOn", bad),
          "form create, deploysOn " + bad);
      refusedOutOfRange(form("/cohorts/" + id + "/edit", "name", "Dated rotation", "startsOn", bad, "deploysOn", "2027-03-01"),
          "form edit, startsOn " + bad);
      refusedOutOfRange(form("/cohorts/" + id + "/edit", "name", "Dated rotation", "startsOn", "2027-01-10", "deploysOn", bad),
          "form edit, deploysOn " + bad);
      refusedOutOfRange(form("/cohorts/" + id + "/assignments", "module", "alpha", "dueOn", bad), "form assignment " + bad);
    }
    assertEquals(0L, count("SELECT count(*) FROM cohorts WHERE starts_on < '1900-01-01' OR deploys_on > '2200-12-31'"));
    assertEquals(0L, count("SELECT count(*) FROM assignments WHERE cohort_id = $1", id), "no assignment was stored");

    JsonObject ends = new JsonObject().put("organisation", countryA).put("name", "Ends of the range")
        .put("startsOn", "1900-01-01").put("deploysOn", "2200-12-31");
    assertEquals(201, call(HttpMethod.POST, "/api/cohorts", coordinatorA, ends).statusCode());
    HttpResponse<Buffer> updated = call(HttpMethod.PUT, api, coordinatorA, ends.copy().put("name", "Dated rotation"));
    assertEquals(200, updated.statusCode(), updated.bodyAsString());
    assertEquals("1900-01-01", updated.bodyAsJsonObject().getString("startsOn"));
    assertEquals("2200-12-31", updated.bodyAsJsonObject().getString("deploysOn"));
    assertEquals(204, call(HttpMethod.PUT, api + "/assignments/alpha", coordinatorA, new JsonObject().put("dueOn", "1900-01-01")).statusCode());
    assertEquals(303, form("/cohorts", "organisation", Long.toString(countryA), "name", "Form ends", "startsOn", "1900-01-01",
        "deploysOn", "2200-12-31").statusCode());
    assertEquals(303, form("/cohorts/" + id + "/edit", "name", "Dated rotation", "startsOn", "1900-01-01", "deploysOn", "2200-12-31")
        .statusCode());
    assertEquals(303, form("/cohorts/" + id + "/assignments", "module", "alpha", "dueOn", "2200-12-31").statusCode());
    assertEquals(LocalDate.of(2200, 12, 31), server.app().database().pool()
        .preparedQuery("SELECT due_on FROM assignments WHERE cohort_id = $1 AND module_id = 'alpha'").execute(Tuple.of(id)).await()
        .iterator().next().getLocalDate(0));
  }

  @Test
  @DisplayName("a learner can be removed from a cohort, or moved to another cohort of the same organisation")
  void moveAndRemove() {
    long from = cohort(coordinatorA, countryA, "Move from");
    long to = cohort(coordinatorA, countryA, "Move to");
    long elsewhere = cohort(coordinatorB, countryB, "Other country");
    call(HttpMethod.POST, "/api/cohorts/" + from + "/import", coordinatorA, ROSTER.replace("GH-100", "GH-400"));
    long learner = count("SELECT id FROM accounts WHERE service_number = 'GH-4001'");
    assertEquals(404, call(HttpMethod.POST, "/api/cohorts/" + from + "/members/" + learner + "/move", coordinatorA,
        new JsonObject().put("to", elsewhere)).statusCode(), "not into another country's cohort");
    assertEquals(204, call(HttpMethod.POST, "/api/cohorts/" + from + "/members/" + learner + "/move", coordinatorA,
        new JsonObject().put("to", to)).statusCode());
    assertEquals(1, count("SELECT count(*) FROM cohort_members WHERE cohort_id = $1 AND account_id = $2", to, learner));
    assertEquals(0, count("SELECT count(*) FROM cohort_members WHERE cohort_id = $1 AND account_id = $2", from, learner));
    String drill = server.get("/cohorts/" + to + "/learners/" + learner, "Authorization", "Bearer " + coordinatorA).bodyAsString();
    assertTrue(drill.contains("Move to another cohort") && drill.contains("Move from"), drill);
    HttpResponse<Buffer> back = server.send(HttpMethod.POST, "/cohorts/" + to + "/members/" + learner + "/move",
        Buffer.buffer("to=" + from), "Authorization", "Bearer " + coordinatorA, "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, back.statusCode(), back.bodyAsString());
    assertEquals(1, count("SELECT count(*) FROM cohort_members WHERE cohort_id = $1 AND account_id = $2", from, learner));
    assertEquals(204, call(HttpMethod.POST, "/api/cohorts/" + from + "/members/" + learner + "/move", coordinatorA,
        new JsonObject().put("to", to)).statusCode());
    assertEquals(204, call(HttpMethod.DELETE, "/api/cohorts/" + to + "/members/" + learner, coordinatorA, null).statusCode());
    assertEquals(404, call(HttpMethod.DELETE, "/api/cohorts/" + to + "/members/" + learner, coordinatorA, null).statusCode());
  }

  @Test
  @DisplayName("one learner added by hand passes the same checks; the drill-down and readiness summary show them")
  void oneLearnerDrillDownAndReadiness() {
    long id = cohort(coordinatorA, countryA, "Drill rotation");
    call(HttpMethod.PUT, "/api/cohorts/" + id + "/assignments/alpha", coordinatorA, new JsonObject().put("dueOn", "2099-01-01"));
    HttpResponse<Buffer> added = call(HttpMethod.POST, "/api/cohorts/" + id + "/members", coordinatorA, new JsonObject()
        .put("name", "Abena Darko").put("serviceNumber", "GH-5001").put("rank", "Sergeant").put("unit", "D Company"));
    assertEquals(201, added.statusCode(), added.bodyAsString());
    assertEquals(1, added.bodyAsJsonObject().getJsonArray("newLearners").size());
    HttpResponse<Buffer> formula = call(HttpMethod.POST, "/api/cohorts/" + id + "/members", coordinatorA, new JsonObject()
        .put("name", "=cmd|' /C calc'!A0").put("serviceNumber", "GH-5002").put("rank", "Private").put("unit", "D Company"));
    assertEquals(400, formula.statusCode(), formula.bodyAsString());
    assertEquals("invalid_roster", formula.bodyAsJsonObject().getString("error"));

    long abena = count("SELECT id FROM accounts WHERE service_number = 'GH-5001'");
    JsonObject detail = call(HttpMethod.GET, "/api/cohorts/" + id + "/learners/" + abena, coordinatorA, null).bodyAsJsonObject();
    assertEquals("Abena Darko", detail.getString("name"));
    assertEquals("alpha", detail.getJsonArray("modules").getJsonObject(0).getString("module"));
    assertEquals(404, call(HttpMethod.GET, "/api/cohorts/" + id + "/learners/" + abena, coordinatorB, null).statusCode());
    long outsider = Accounts.id(server, Accounts.create(server, "learner", countryA));
    assertEquals(404, call(HttpMethod.GET, "/api/cohorts/" + id + "/learners/" + outsider, coordinatorA, null).statusCode(),
        "a learner of the organisation who is not in this cohort");
    String page = server.get("/cohorts/" + id + "/learners/" + abena, "Authorization", "Bearer " + coordinatorA).bodyAsString();
    assertTrue(page.contains("Abena Darko") && page.contains("No quiz attempt yet."), page);

    String readiness = server.get("/cohorts/" + id + "/readiness", "Authorization", "Bearer " + coordinatorA).bodyAsString();
    assertTrue(readiness.contains("0 of 1 learners have completed every assigned module."), readiness);
    assertTrue(readiness.contains("<h3>D Company</h3>") && readiness.contains("Abena Darko (Sergeant, GH-5001): 1 module to complete"), readiness);
  }

  @Test
  @DisplayName("an admin creates a coordinator, who sets a password with the one-time code and then sees only their organisation")
  void adminCreatesCoordinator() {
    String admin = Accounts.token(server, Accounts.create(server, "admin"));
    HttpResponse<Buffer> created = call(HttpMethod.POST, "/api/admin/accounts", admin, new JsonObject().put("username", "coord-b2")
        .put("displayName", "Second Coordinator").put("role", "coordinator").put("organisation", countryB));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    assertEquals(409, call(HttpMethod.POST, "/api/admin/accounts", admin, new JsonObject().put("username", "coord-b2")
        .put("displayName", "Again").put("role", "coordinator").put("organisation", countryB)).statusCode());
    String code = created.bodyAsJsonObject().getString("setupCode");
    assertEquals(204, server.send(HttpMethod.POST, "/api/setup/" + code, new JsonObject().put("password", "amber valley compass 42")
        .toBuffer(), "Content-Type", "application/json").statusCode());
    String token = server.send(HttpMethod.POST, "/api/auth/token", new JsonObject().put("username", "coord-b2")
        .put("password", "amber valley compass 42").toBuffer(), "Content-Type", "application/json").bodyAsJsonObject().getString("token");
    long mine = cohort(token, countryB, "B's own rotation");
    JsonArray visible = call(HttpMethod.GET, "/api/cohorts", token, null).bodyAsJsonObject().getJsonArray("cohorts");
    assertTrue(visible.stream().allMatch(c -> ((JsonObject) c).getLong("organisation") == countryB), visible.encode());
    assertTrue(visible.stream().anyMatch(c -> ((JsonObject) c).getLong("id") == mine));
  }
}
