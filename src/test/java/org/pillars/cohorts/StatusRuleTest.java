package org.pillars.cohorts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * One status rule (progress_status and progress_overdue, V5), read the same by every view of a cohort: the report's
 * cells, its summary and filters, the drill-down and the export. Four learners, one in each state that the rule tells
 * apart, with a module due yesterday: untouched, a lesson read, a failed attempt and nothing read, certified.
 */
@ExtendWith(TestPostgres.class)
class StatusRuleTest {

  private static final Map<String, String> EXPECTED = Map.of(
      "SR-1", "not-started", "SR-2", "in-progress", "SR-3", "in-progress", "SR-4", "completed");
  private static final Map<String, Boolean> LATE = Map.of("SR-1", true, "SR-2", true, "SR-3", true, "SR-4", false);

  private static TestApp server;
  private static String coordinator;
  private static long cohort;
  private static final Map<String, Long> ids = new HashMap<>();

  @BeforeAll
  static void start() {
    server = TestApp.start();
    var pool = server.app().database().pool();
    long country = pool.query("INSERT INTO organisations (name, country) VALUES ('Status Land', 'S') RETURNING id").execute()
        .await().iterator().next().getLong(0);
    coordinator = Accounts.token(server, Accounts.create(server, "coordinator", country));
    HttpResponse<Buffer> created = call(HttpMethod.POST, "/api/cohorts", new JsonObject().put("organisation", country)
        .put("name", "Status cohort").put("startsOn", "2026-01-05").put("deploysOn", "2027-03-01"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    cohort = created.bodyAsJsonObject().getLong("id");
    String roster = "name,service number,rank,unit,email\n"
        + "One,SR-1,Private,A,\nTwo,SR-2,Private,A,\nThree,SR-3,Private,A,\nFour,SR-4,Private,A,\n";
    HttpResponse<Buffer> imported = server.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/import",
        Buffer.buffer(roster.getBytes(StandardCharsets.UTF_8)), "Authorization", "Bearer " + coordinator, "Content-Type", "text/csv");
    assertEquals(200, imported.statusCode(), imported.bodyAsString());
    String yesterday = LocalDate.now().minusDays(1).toString();
    assertEquals(204, call(HttpMethod.PUT, "/api/cohorts/" + cohort + "/assignments/alpha", new JsonObject().put("dueOn", yesterday))
        .statusCode());
    pool.preparedQuery("SELECT id, service_number FROM accounts WHERE organisation_id = $1 AND service_number IS NOT NULL")
        .execute(Tuple.of(country)).await().forEach(r -> ids.put(r.getString(1), r.getLong(0)));
    // the progress rows as the triggers keep them (V4): the rule reads nothing else
    String progress = "INSERT INTO module_progress (account_id, module_id, lessons_read, attempts, best_score, certificate_score,"
        + " completed_at) VALUES ($1, 'alpha', $2, $3, $4, $5, $6)";
    pool.preparedQuery(progress).execute(Tuple.of(ids.get("SR-2"), 1, 0, null, null, null)).await();
    pool.preparedQuery(progress).execute(Tuple.of(ids.get("SR-3"), 0, 1, 40, null, null)).await();
    pool.preparedQuery(progress).execute(Tuple.of(ids.get("SR-4"), 3, 1, 90, 90, java.time.OffsetDateTime.now())).await();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, JsonObject body) {
    return server.send(method, path, body == null ? null : body.toBuffer(), "Authorization", "Bearer " + coordinator,
        "Content-Type", "application/json");
  }

  private static JsonObject report(String query) {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/api/cohorts/" + cohort + "/report" + query, null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  @Test
  @DisplayName("the report's cells, its summary and each status filter agree with the one rule")
  void report() {
    JsonObject all = report("");
    Map<String, String> seen = new HashMap<>();
    Map<String, Boolean> late = new HashMap<>();
    all.getJsonArray("learners").forEach(o -> {
      JsonObject l = (JsonObject) o;
      JsonObject cell = l.getJsonArray("modules").getJsonObject(0);
      seen.put(l.getString("serviceNumber"), cell.getString("status"));
      late.put(l.getString("serviceNumber"), cell.getBoolean("overdue"));
    });
    assertEquals(EXPECTED, seen, all.encodePrettily());
    assertEquals(LATE, late, all.encodePrettily());
    JsonObject summary = all.getJsonObject("summary");
    assertEquals(List.of(1, 2, 1, 3), List.of(summary.getInteger("completed"), summary.getInteger("inProgress"),
        summary.getInteger("notStarted"), summary.getInteger("overdue")), summary.encode());
    JsonObject module = all.getJsonArray("modules").getJsonObject(0);
    assertEquals(List.of(1, 2, 1, 3), List.of(module.getInteger("completed"), module.getInteger("inProgress"),
        module.getInteger("notStarted"), module.getInteger("overdue")), module.encode());
    assertEquals(1, report("?status=completed").getInteger("matching"));
    assertEquals(2, report("?status=in-progress").getInteger("matching"));
    assertEquals(1, report("?status=not-started").getInteger("matching"));
    assertEquals(3, report("?status=overdue").getInteger("matching"));
  }

  @Test
  @DisplayName("the drill-down names the same status and lateness for each learner")
  void drillDown() {
    for (Map.Entry<String, Long> learner : ids.entrySet()) {
      HttpResponse<Buffer> r = call(HttpMethod.GET, "/api/cohorts/" + cohort + "/learners/" + learner.getValue(), null);
      assertEquals(200, r.statusCode(), r.bodyAsString());
      JsonObject module = r.bodyAsJsonObject().getJsonArray("modules").getJsonObject(0);
      assertEquals(EXPECTED.get(learner.getKey()), module.getString("status"), learner.getKey() + ": " + r.bodyAsString());
      assertEquals(LATE.get(learner.getKey()), module.getBoolean("overdue"), learner.getKey() + ": " + r.bodyAsString());
    }
  }

  @Test
  @DisplayName("the export's status and overdue columns say the same")
  void export() {
    HttpResponse<Buffer> r = call(HttpMethod.GET, "/api/cohorts/" + cohort + "/export.csv", null);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    Map<String, String> seen = new HashMap<>();
    Map<String, Boolean> late = new HashMap<>();
    for (String line : r.bodyAsString().replace("\uFEFF", "").split("\r\n")) {
      String[] cells = line.split(",", -1);
      if (cells[0].startsWith("SR-")) {
        seen.put(cells[0], cells[6]);
        late.put(cells[0], Boolean.parseBoolean(cells[7]));
      }
    }
    assertEquals(EXPECTED, seen, r.bodyAsString());
    assertEquals(LATE, late, r.bodyAsString());
  }
}
