package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * openapi.yaml is enforced both ways. Requests that break it are refused before any handler, with our own reason;
 * and every JSON answer a test server gives is checked against the schema documented for its status (TestApp fails a
 * class whose server broke one). Here one tour calls every operation that documents a JSON success, so that each of
 * those schemas is asserted against a real response at least once.
 */
@ExtendWith(TestPostgres.class)
class ApiContractTest {

  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();  // fails if any response below broke its documented schema
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, String token, Object body) {
    Buffer buffer = body instanceof JsonObject json ? json.toBuffer()
        : body instanceof String csv ? Buffer.buffer(csv.getBytes(StandardCharsets.UTF_8)) : null;
    String type = body instanceof String ? "text/csv" : "application/json";
    return token == null ? server.send(method, path, buffer, "Content-Type", type)
        : server.send(method, path, buffer, "Authorization", "Bearer " + token, "Content-Type", type);
  }

  private static JsonObject ok(int status, HttpResponse<Buffer> r) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    return r.body() == null || r.body().length() == 0 ? new JsonObject() : r.bodyAsJsonObject();
  }

  @Test
  @DisplayName("a body or parameter that breaks the description is a 400 with our reason, naming what is wrong")
  void requestsAreChecked() {
    String learner = Accounts.token(server, Accounts.create(server, "learner"));
    HttpResponse<Buffer> missing = call(HttpMethod.POST, "/api/auth/token", null, new JsonObject().put("username", "a"));
    assertEquals(400, missing.statusCode());
    assertEquals("the body needs 'password'; see /api/openapi.yaml", missing.bodyAsJsonObject().getString("message"));
    HttpResponse<Buffer> wrongType = call(HttpMethod.POST, "/api/auth/token", null,
        new JsonObject().put("username", 7).put("password", "x"));
    assertEquals(400, wrongType.statusCode());
    assertTrue(wrongType.bodyAsJsonObject().getString("message").contains("'/username'"), wrongType.bodyAsString());
    String attempt = ok(201, call(HttpMethod.POST, "/api/modules/alpha/attempts", learner, new JsonObject())).getString("attempt");
    HttpResponse<Buffer> notObject = call(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", learner,
        new JsonObject().put("answers", "all of them"));
    assertEquals(400, notObject.statusCode());
    assertTrue(notObject.bodyAsJsonObject().getString("message").contains("'/answers'"), notObject.bodyAsString());
    HttpResponse<Buffer> badId = call(HttpMethod.GET, "/api/attempts/not-a-uuid", learner, null);
    assertEquals(400, badId.statusCode());
    assertEquals("'attemptId' (path) is required and must be an id as issued (a UUID); see /api/openapi.yaml",
        badId.bodyAsJsonObject().getString("message"));
    for (HttpResponse<Buffer> r : java.util.List.of(missing, wrongType, notObject, badId)) {
      String body = r.bodyAsString();
      assertFalse(body.contains("Instance") || body.contains("schema") || body.contains("io.vertx"), "library text: " + body);
    }
  }

  @Test
  @DisplayName("the contract is checked after the route's guard: no shape lesson for who may not call it")
  void guardFirst() {
    HttpResponse<Buffer> anonymous = call(HttpMethod.POST, "/api/cohorts", null, new JsonObject().put("name", 5));
    assertEquals(401, anonymous.statusCode(), anonymous.bodyAsString());
    String learner = Accounts.token(server, Accounts.create(server, "learner"));
    HttpResponse<Buffer> learnerCall = call(HttpMethod.POST, "/api/cohorts", learner, new JsonObject().put("name", 5));
    assertEquals(403, learnerCall.statusCode(), learnerCall.bodyAsString());
  }

  @Test
  @DisplayName("a response that breaks its schema is caught by the check, so the check can fail")
  void responseCheckCanFail() {
    ApiContract contract = server.app().contract();
    int before = contract.violations().size();
    try {
      contract.checkResponse("listModules", 200, Buffer.buffer("{\"modules\": 5}")).otherwiseEmpty().await();
      assertEquals(before + 1, contract.violations().size(), contract.violations().toString());
    } finally {
      contract.forget(before);  // this one was on purpose: the class's end-of-run check must not count it
    }
  }

  private static JsonObject sent(JsonObject answers) {
    return new JsonObject().put("key", java.util.UUID.randomUUID().toString()).put("kind", "attempt").put("module", "alpha")
        .put("version", 3).put("answers", answers);
  }

  @Test
  @DisplayName("every operation documented with a JSON success has its schema checked against a real answer")
  void everyDocumentedSuccessChecked() {
    String admin = Accounts.token(server, Accounts.create(server, "admin"));
    long org = ok(201, call(HttpMethod.POST, "/api/admin/organisations", admin,
        new JsonObject().put("name", "Contract Land").put("country", "C"))).getLong("id");
    ok(201, call(HttpMethod.POST, "/api/admin/accounts", admin, new JsonObject().put("username", "contract.trainer")
        .put("displayName", "Trainer").put("role", "trainer").put("organisation", org)));
    String coordinator = Accounts.token(server, Accounts.create(server, "coordinator", org));
    long cohort = ok(201, call(HttpMethod.POST, "/api/cohorts", coordinator, new JsonObject().put("organisation", org)
        .put("name", "Tour").put("startsOn", "2027-01-04").put("deploysOn", "2027-03-01"))).getLong("id");
    ok(200, call(HttpMethod.PUT, "/api/cohorts/" + cohort, coordinator, new JsonObject().put("name", "Tour 2")
        .put("startsOn", "2027-01-04").put("deploysOn", "2027-03-01")));
    ok(200, call(HttpMethod.GET, "/api/cohorts", coordinator, null));
    ok(200, call(HttpMethod.POST, "/api/cohorts/" + cohort + "/import", coordinator,
        "name,service number,rank,unit,email\nAda Tour,CT-1,Private,A,\n"));
    ok(201, call(HttpMethod.POST, "/api/cohorts/" + cohort + "/members", coordinator, new JsonObject()
        .put("name", "Ben Tour").put("serviceNumber", "CT-2").put("rank", "Private").put("unit", "A")));
    ok(204, call(HttpMethod.PUT, "/api/cohorts/" + cohort + "/assignments/alpha", coordinator, new JsonObject().put("dueOn", "2027-02-01")));

    String learnerName = Accounts.create(server, "learner", org);
    long learnerId = Accounts.id(server, learnerName);
    server.app().database().pool().preparedQuery("INSERT INTO cohort_members (cohort_id, account_id) VALUES ($1, $2)")
        .execute(io.vertx.sqlclient.Tuple.of(cohort, learnerId)).await();
    String learner = ok(200, call(HttpMethod.POST, "/api/auth/token", null,
        new JsonObject().put("username", learnerName).put("password", Accounts.PASSPHRASE))).getString("token");
    ok(200, call(HttpMethod.GET, "/health", null, null));
    ok(200, call(HttpMethod.GET, "/health/live", null, null));
    ok(200, call(HttpMethod.GET, "/health/ready", null, null));
    ok(200, call(HttpMethod.GET, "/api/me", learner, null));
    ok(200, call(HttpMethod.GET, "/api/modules", learner, null));
    ok(200, call(HttpMethod.GET, "/api/modules/alpha", learner, null));
    ok(200, call(HttpMethod.GET, "/api/modules/alpha/lessons/first", learner, null));
    ok(204, call(HttpMethod.POST, "/api/modules/alpha/lessons/first/read", learner, null));
    ok(204, call(HttpMethod.POST, "/api/modules/alpha/lessons/second/read", learner, null));
    ok(200, call(HttpMethod.GET, "/api/modules/alpha/quiz", learner, null));
    String attempt = ok(201, call(HttpMethod.POST, "/api/modules/alpha/attempts", learner, new JsonObject())).getString("attempt");
    ok(200, call(HttpMethod.GET, "/api/attempts/" + attempt, learner, null));
    JsonObject answers = new JsonObject().put("host-state", 1).put("tiers", new io.vertx.core.json.JsonArray().add(0).add(2))
        .put("mandate-not-r2p", 1).put("checkpoint", 1);
    ok(200, call(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", learner, new JsonObject().put("answers", answers)));
    // the attempt sent later from the phone is all right: it passes, and earns the certificate checked below
    JsonObject right = new JsonObject().put("host-state", 1).put("tiers", new io.vertx.core.json.JsonArray().add(0).add(1).add(3))
        .put("mandate-not-r2p", 1).put("checkpoint", 0);
    ok(200, call(HttpMethod.POST, "/api/sync", learner, new JsonObject().put("items", new io.vertx.core.json.JsonArray()
        .add(new JsonObject().put("key", java.util.UUID.randomUUID().toString()).put("kind", "attempt").put("module", "alpha")
            .put("version", 3).put("answers", right))
        .add(new JsonObject().put("key", "x").put("kind", "read").put("module", "alpha").put("lesson", "first")))));
    ok(200, call(HttpMethod.GET, "/api/progress", learner, null));
    ok(200, call(HttpMethod.GET, "/api/modules/alpha/exercises/gate", learner, null));
    JsonObject ending = ok(200, call(HttpMethod.GET, "/api/modules/alpha/exercises/gate?path=2,2", null, null));
    JsonObject run = new JsonObject().put("path", "2,2").put("shape", ending.getString("shape")).put("runKey", ending.getString("runKey"));
    ok(201, call(HttpMethod.POST, "/api/modules/alpha/exercises/gate/runs", learner, run));
    ok(200, call(HttpMethod.POST, "/api/modules/alpha/exercises/gate/runs", learner, run));
    ok(200, call(HttpMethod.POST, "/api/account/track", learner, new JsonObject().put("track", "police")));
    ok(200, call(HttpMethod.GET, "/api/account/track", learner, null));

    JsonObject certificates = ok(200, call(HttpMethod.GET, "/api/certificates", learner, null));
    assertEquals(1, certificates.getJsonArray("certificates").size(), certificates.encode());
    String code = certificates.getJsonArray("certificates").getJsonObject(0).getString("code");
    ok(200, call(HttpMethod.GET, "/api/verify/" + code, null, null));
    JsonObject credential = ok(200, call(HttpMethod.GET, "/api/certificates/" + code + "/credential", learner, null));
    ok(200, call(HttpMethod.POST, "/api/verify", null, new JsonObject().put("credential", credential.getString("qr"))));
    ok(200, call(HttpMethod.POST, "/api/certificates/" + code + "/revoke", coordinator, new JsonObject().put("reason", "Contract")));
    ok(200, call(HttpMethod.GET, "/api/admin/issuer-keys", admin, null));
    ok(201, call(HttpMethod.POST, "/api/admin/issuer-keys/rotate", admin, null));
    long ltiOrg = server.app().database().pool().query("INSERT INTO organisations (name, country) VALUES ('LTI org', 'Testland')"
        + " RETURNING id").execute().await().iterator().next().getLong(0);
    JsonObject moodle = new JsonObject().put("name", "Moodle").put("auth_url", "https://moodle.example.org/mod/lti/auth.php")
        .put("token_url", "https://moodle.example.org/mod/lti/token.php").put("jwks_url", "https://moodle.example.org/mod/lti/certs.php")
        .put("deployment_ids", new io.vertx.core.json.JsonArray().add("1"));
    HttpResponse<Buffer> lti = call(HttpMethod.POST, "/api/admin/lti/platforms", admin, moodle.copy().put("issuer",
        "https://moodle.example.org").put("client_id", "c1").put("organisation_id", ltiOrg));
    ok(201, lti);
    ok(200, call(HttpMethod.GET, "/api/admin/lti/platforms", admin, null));
    String platform = "/api/admin/lti/platforms/" + lti.bodyAsJsonObject().getLong("id");
    ok(200, call(HttpMethod.GET, platform, admin, null));
    ok(200, call(HttpMethod.PUT, platform, admin, moodle.copy().put("instructor_role", "coordinator").put("enabled", false)));
    String trainer = Accounts.token(server, Accounts.create(server, "trainer", org));
    ok(200, call(HttpMethod.GET, "/api/modules/alpha/analysis", trainer, null));
    ok(200, call(HttpMethod.GET, "/api/workspace", trainer, null));
    ok(200, call(HttpMethod.GET, "/api/workspace/modules/alpha", trainer, null));
    ok(200, call(HttpMethod.GET, "/api/workspace/modules/alpha/compare?from=3&to=3", trainer, null));
    ok(201, call(HttpMethod.POST, "/api/workspace/modules", trainer, new JsonObject().put("id", "contract-new").put("title", "New")));
    // alpha is for every organisation: an admin changes it
    int revision = ok(201, call(HttpMethod.POST, "/api/workspace/modules/alpha/draft", admin, null)).getInteger("revision");
    ok(200, call(HttpMethod.GET, "/api/workspace/modules/alpha/draft", admin, null));
    ok(200, call(HttpMethod.POST, "/api/workspace/modules/alpha/draft/files", admin,
        new JsonObject().put("path", "03-extra.md").put("text", "---\nid: extra\ntitle: Extra\n---\nMore.\n").put("revision", revision)));
    ok(200, call(HttpMethod.POST, "/api/workspace/modules/alpha/draft/publish", admin, new JsonObject()));
    ok(200, call(HttpMethod.POST, "/api/workspace/modules/alpha/versions/3/publish", admin, new JsonObject()));
    ok(204, call(HttpMethod.POST, "/api/workspace/modules/alpha/scope", admin, new JsonObject().put("organisation", "all")));
    ok(200, call(HttpMethod.GET, "/api/cohorts/" + cohort + "/report", coordinator, null));
    ok(200, call(HttpMethod.GET, "/api/readiness/" + org, coordinator, null));
    ok(200, call(HttpMethod.GET, "/api/audit", coordinator, null));
    ok(200, call(HttpMethod.GET, "/api/modules/alpha/locked-out", trainer, null));
    ok(201, call(HttpMethod.POST, "/api/admin/accounts/" + learnerId + "/setup-code", admin, null));
    io.vertx.core.json.JsonArray late = ok(200, call(HttpMethod.POST, "/api/sync", learner, new JsonObject().put("items",
        new io.vertx.core.json.JsonArray().add(sent(answers)).add(sent(answers))))).getJsonArray("items");
    assertTrue(late.getJsonObject(1).getBoolean("held"), "the 4th attempt of 3 is held: " + late);
    ok(200, call(HttpMethod.POST, "/api/cohorts/" + cohort + "/learners/" + learnerId + "/attempts/"
        + late.getJsonObject(1).getString("attempt") + "/decision", coordinator, new JsonObject().put("count", false)));
    ok(200, call(HttpMethod.GET, "/api/cohorts/" + cohort + "/learners/" + learnerId, coordinator, null));
    ok(201, call(HttpMethod.POST, "/api/cohorts/" + cohort + "/learners/" + learnerId + "/setup-code", coordinator, null));
    ok(200, call(HttpMethod.POST, "/api/cohorts/" + cohort + "/bulk", coordinator, new JsonObject().put("action", "codes")
        .put("learners", new io.vertx.core.json.JsonArray().add(learnerId))));

    Set<String> missing = new TreeSet<>();
    Set<String> checked = server.app().contract().checked();
    for (Map.Entry<String, Set<Integer>> op : server.app().contract().documentedJsonSuccesses().entrySet()) {
      for (int status : op.getValue()) {
        if (!checked.contains(op.getKey() + " " + status)) {
          missing.add(op.getKey() + " " + status);
        }
      }
    }
    missing.remove("verifyCertificate 200");  // checked only when the fixture quiz was passed above
    if (!certificates.getJsonArray("certificates").isEmpty()) {
      assertTrue(checked.contains("verifyCertificate 200"));
    }
    missing.remove("addCohortMember 200");  // the same schema as its 201, for a learner already known
    assertEquals(Set.of(), missing, "documented JSON successes never checked against a real response");
  }
}
