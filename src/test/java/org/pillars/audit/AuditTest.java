package org.pillars.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
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
 * Every change staff make is in the audit log with who made it, before and after; coordinators see their
 * organisation's, admins everything; and the log cannot be edited through the server's own database account.
 */
@ExtendWith(TestPostgres.class)
class AuditTest {

  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, JsonObject body) {
    return server.send(method, path, body == null ? null : body.toBuffer(), "Authorization", "Bearer " + token,
        "Content-Type", "application/json");
  }

  private static List<JsonObject> entries(String token, String query) {
    HttpResponse<Buffer> r = server.get("/api/audit" + query, "Authorization", "Bearer " + token);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject().getJsonArray("entries").stream().map(JsonObject.class::cast).toList();
  }

  @Test
  @DisplayName("a coordinator's changes (cohort made and renamed, roster imported, codes issued, learners removed) are logged with who, before and after; another country sees none of them")
  void changesLoggedWithWho() {
    long org = Cohorts.organisation(server, "Audit org " + UUID.randomUUID());
    String coordinatorName = Accounts.create(server, "coordinator", org);
    String coordinator = Accounts.token(server, coordinatorName);
    long cohort = call(HttpMethod.POST, "/api/cohorts", coordinator, new JsonObject().put("organisation", org).put("name", "Rotation A")
        .put("startsOn", "2027-01-04").put("deploysOn", "2027-03-01")).bodyAsJsonObject().getLong("id");
    assertEquals(200, call(HttpMethod.PUT, "/api/cohorts/" + cohort, coordinator, new JsonObject().put("name", "Rotation B")
        .put("startsOn", "2027-01-04").put("deploysOn", "2027-03-08")).statusCode());
    JsonObject imported = server.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/import",
        Buffer.buffer("name,service number,rank,unit,email\nAwa Diallo,SN-9001,Sergent,1re compagnie,\n".getBytes(StandardCharsets.UTF_8)),
        "Authorization", "Bearer " + coordinator, "Content-Type", "text/csv").bodyAsJsonObject();
    long learner = Accounts.id(server, imported.getJsonArray("newLearners").getJsonObject(0).getString("username"));
    assertEquals(204, call(HttpMethod.DELETE, "/api/cohorts/" + cohort + "/members/" + learner, coordinator, null).statusCode());
    assertEquals(204, call(HttpMethod.PUT, "/api/cohorts/" + cohort + "/assignments/beta", coordinator,
        new JsonObject().put("dueOn", "2027-02-01")).statusCode());
    JsonObject assigned = entries(coordinator, "?subject=assignments&actor=" + coordinatorName).get(0);
    assertEquals("beta", assigned.getJsonObject("after").getString("module_id"));
    assertEquals("2027-02-01", assigned.getJsonObject("after").getString("due_on"));

    List<JsonObject> log = entries(coordinator, "?subject=cohorts");
    JsonObject renamed = log.stream().filter(e -> e.getString("action").equals("update")).findFirst().orElseThrow();
    assertEquals(coordinatorName, renamed.getString("actorUsername"));
    assertEquals("Rotation A", renamed.getJsonObject("before").getString("name"));
    assertEquals("Rotation B", renamed.getJsonObject("after").getString("name"));
    assertEquals("2027-03-08", renamed.getJsonObject("after").getString("deploys_on"));
    assertTrue(log.stream().anyMatch(e -> e.getString("action").equals("insert") && coordinatorName.equals(e.getString("actorUsername"))));

    List<JsonObject> all = entries(coordinator, "?actor=" + coordinatorName);
    assertTrue(all.stream().allMatch(e -> coordinatorName.equals(e.getString("actorUsername"))), "filtered by who");
    JsonObject learnerMade = all.stream().filter(e -> e.getString("subject").equals("accounts")).findFirst().orElseThrow();
    assertEquals("Awa Diallo", learnerMade.getJsonObject("after").getString("display_name"));
    JsonObject code = all.stream().filter(e -> e.getString("subject").equals("password_setups")).findFirst().orElseThrow();
    assertEquals(java.util.Set.of("account_id", "expires_at"), code.getJsonObject("after").fieldNames(), "never the code or its hash");
    assertTrue(all.stream().anyMatch(e -> e.getString("subject").equals("cohort_members") && e.getString("action").equals("delete")
        && e.getJsonObject("before").getLong("account_id") == learner), "the removal, with whom");

    String stranger = Accounts.token(server, Accounts.create(server, "coordinator", Cohorts.organisation(server, "Other " + UUID.randomUUID())));
    assertTrue(entries(stranger, "?actor=" + coordinatorName).isEmpty(), "another organisation's coordinator sees none of it");
    String adminName = Accounts.create(server, "admin");
    String admin = Accounts.token(server, adminName);
    assertFalse(entries(admin, "?actor=" + coordinatorName).isEmpty(), "an admin sees everything");
    String unit = "Unit " + UUID.randomUUID();
    assertEquals(201, call(HttpMethod.POST, "/api/admin/organisations", admin, new JsonObject().put("name", unit).put("country", "Ghana")
        .put("parent", org)).statusCode());
    JsonObject made = entries(admin, "?subject=organisations&actor=" + adminName).get(0);
    assertEquals(unit, made.getJsonObject("after").getString("name"));
    assertEquals(org, made.getJsonObject("after").getLong("parent_id"));
    assertTrue(entries(coordinator, "?subject=organisations").stream().anyMatch(e -> unit.equals(e.getJsonObject("after").getString("name"))),
        "a unit made under the coordinator's country is theirs to see");
  }

  @Test
  @DisplayName("an admin's role change and disabling are logged; a learner choosing a password is not, and no hash is ever logged")
  void adminChangesAndNoSecrets() {
    String adminName = Accounts.create(server, "admin");
    String admin = Accounts.token(server, adminName);
    long target = Accounts.id(server, Accounts.create(server, "trainer"));
    assertEquals(204, call(HttpMethod.PUT, "/api/admin/accounts/" + target + "/role", admin, new JsonObject().put("role", "coordinator"))
        .statusCode());
    assertEquals(204, call(HttpMethod.POST, "/api/admin/accounts/" + target + "/disable", admin, null).statusCode());
    List<JsonObject> changes = entries(admin, "?subject=accounts&actor=" + adminName).stream()
        .filter(e -> e.getJsonObject("after").getLong("id") == target).toList();
    assertEquals(2, changes.size(), changes.toString());
    assertEquals("coordinator", changes.get(1).getJsonObject("after").getString("role"));
    assertEquals("trainer", changes.get(1).getJsonObject("before").getString("role"));
    assertTrue(changes.get(0).getJsonObject("after").getBoolean("disabled"));
    long secrets = server.app().database().pool().query("SELECT count(*) FROM audit_log WHERE before ?| array['password_hash', 'code_hash',"
        + " 'token_version'] OR after ?| array['password_hash', 'code_hash', 'token_version']").execute().await().iterator().next().getLong(0);
    assertEquals(0, secrets);
  }

  @Test
  @DisplayName("append-only: UPDATE, DELETE and TRUNCATE of the log through the server's own database account are refused and change nothing")
  void appendOnly() {
    var pool = server.app().database().pool();
    Accounts.create(server, "coordinator");
    long before = pool.query("SELECT count(*) FROM audit_log").execute().await().iterator().next().getLong(0);
    assertTrue(before > 0);
    for (String sql : List.of("UPDATE audit_log SET actor_id = NULL", "DELETE FROM audit_log", "TRUNCATE audit_log",
        "UPDATE audit_log SET after = '{}' WHERE id = (SELECT max(id) FROM audit_log)")) {
      PgException refused = assertThrows(PgException.class, () -> pool.query(sql).execute().await(), sql);
      assertEquals("42501", refused.getSqlState(), sql + ": " + refused.getMessage());
    }
    assertEquals(before, pool.query("SELECT count(*) FROM audit_log").execute().await().iterator().next().getLong(0));
  }

  @Test
  @DisplayName("the page and its CSV (byte order mark, semicolons on request); bad filters are refused with the reason")
  void pageCsvAndFilters() {
    long org = Cohorts.organisation(server, "Audit page " + UUID.randomUUID());
    String name = Accounts.create(server, "coordinator", org);
    String token = Accounts.token(server, name);
    long cohort = call(HttpMethod.POST, "/api/cohorts", token, new JsonObject().put("organisation", org).put("name", "Bataillon 1")
        .put("startsOn", "2027-01-04").put("deploysOn", "2027-03-01")).bodyAsJsonObject().getLong("id");
    call(HttpMethod.PUT, "/api/cohorts/" + cohort, token, new JsonObject().put("name", "Bataillon 2").put("startsOn", "2027-01-04")
        .put("deploysOn", "2027-03-01"));
    Accounts.Browser browser = Accounts.browser(server, name);
    String page = server.get("/audit?subject=cohorts", "Cookie", browser.cookie()).bodyAsString();
    assertTrue(page.contains("Bataillon 1 → Bataillon 2"), page);
    String french = server.get("/audit?subject=cohorts", "Cookie", browser.cookie(), "Accept-Language", "fr").bodyAsString();
    assertTrue(french.contains("<li>nom: Bataillon 1 → Bataillon 2</li>") && french.contains("Cohorte · modification"), french);
    HttpResponse<Buffer> csv = server.get("/audit/export.csv?subject=cohorts&separator=%3B", "Cookie", browser.cookie());
    String body = csv.bodyAsString(StandardCharsets.UTF_8.name());
    assertTrue(body.startsWith("\ufeffid;at_utc;actor;actor_username;subject;action;about;field;before;after\r\n"), body);
    assertTrue(body.contains(";update;Bataillon 2;name;Bataillon 1;Bataillon 2\r\n"), "the cohort changed is named: " + body);
    HttpResponse<Buffer> backwards = server.get("/api/audit?from=2027-02-01&to=2027-01-01", "Authorization", "Bearer " + token);
    assertEquals(400, backwards.statusCode());
    assertEquals("bad_dates", backwards.bodyAsJsonObject().getString("error"));
    assertEquals(400, server.get("/api/audit?subject=passwords", "Authorization", "Bearer " + token).statusCode());
    assertEquals(400, server.get("/api/audit?from=yesterday", "Authorization", "Bearer " + token).statusCode());
    JsonArray none = server.get("/api/audit?subject=cohorts&actor=" + "x".repeat(10) + "'%20OR%201=1--", "Authorization", "Bearer " + token)
        .bodyAsJsonObject().getJsonArray("entries");
    assertTrue(none.isEmpty(), "a filter is a parameter, never SQL");
  }
}
