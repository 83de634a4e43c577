package org.pillars.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.OwnModules;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.core.Access;

/**
 * Every route, called by every kind of caller, against the status it must answer. The table names the
 * caller columns: nobody signed in, the learner who owns the attempt and certificate in the paths,
 * another learner, a trainer, a trainer of another organisation (the stranger), a coordinator and an admin. A second test checks that the table covers
 * every route the code mounts.
 */
@ExtendWith(TestPostgres.class)
class AccessControlTest {

  private static final List<String> CALLERS = List.of("anonymous", "owner", "learner", "trainer", "stranger", "coordinator", "admin");
  private static TestApp server;
  private static final Map<String, String> TOKENS = new LinkedHashMap<>();
  private static String attempt;
  private static String certificate;
  private static long target;
  private static long switchTarget;

  /** One line of the table: the route as mounted, the concrete request, and the status per caller. */
  private record Row(String method, String template, String path, JsonObject body, String form, String statuses, boolean fresh) { }

  private static final List<Row> TABLE = new ArrayList<>();

  private static void row(String method, String template, String path, String statuses) {
    TABLE.add(new Row(method, template, path, null, null, statuses, false));
  }

  private static void json(String method, String template, String path, JsonObject body, String statuses) {
    TABLE.add(new Row(method, template, path, body, null, statuses, false));
  }

  private static void form(String method, String template, String path, String form, String statuses, boolean fresh) {
    TABLE.add(new Row(method, template, path, null, form, statuses, fresh));
  }

  @BeforeAll
  static void start() {
    server = TestApp.start();
    TOKENS.put("anonymous", null);
    String owner = Accounts.create(server, "learner");
    for (String caller : CALLERS.subList(1, CALLERS.size())) {
      // every account is made in an organisation of its own: the stranger is a trainer of another one than the trainer's
      String username = caller.equals("owner") ? owner : Accounts.create(server, caller.equals("stranger") ? "trainer" : caller);
      TOKENS.put(caller, Accounts.token(server, username));
    }
    String ownerToken = TOKENS.get("owner");
    String first = post("/api/modules/alpha/attempts", ownerToken, new JsonObject()).bodyAsJsonObject().getString("attempt");
    post("/api/attempts/" + first + "/submit", ownerToken, new JsonObject().put("answers", new JsonObject()
        .put("host-state", 1).put("tiers", new JsonArray().add(0).add(1).add(3)).put("mandate-not-r2p", 1).put("checkpoint", 0)));
    post("/api/modules/alpha/lessons/first/read", ownerToken, null);
    post("/api/modules/alpha/lessons/second/read", ownerToken, null);
    certificate = server.get("/api/certificates", "Authorization", "Bearer " + ownerToken).bodyAsJsonObject()
        .getJsonArray("certificates").getJsonObject(0).getString("code");
    attempt = post("/api/modules/alpha/attempts", ownerToken, new JsonObject()).bodyAsJsonObject().getString("attempt");
    target = Accounts.id(server, Accounts.create(server, "learner"));
    String coordinatorName = server.get("/api/me", "Authorization", "Bearer " + TOKENS.get("coordinator")).bodyAsJsonObject()
        .getString("username");
    long coordinatorOrg = server.app().database().pool().preparedQuery("SELECT organisation_id FROM accounts WHERE username = $1")
        .execute(io.vertx.sqlclient.Tuple.of(coordinatorName)).await().iterator().next().getLong(0);
    long cohort = server.app().database().pool().preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) "
        + "VALUES ($1, 'Access rotation', '2027-01-01', '2027-02-01') RETURNING id")
        .execute(io.vertx.sqlclient.Tuple.of(coordinatorOrg)).await().iterator().next().getLong(0);
    String c = "/cohorts/" + cohort;
    long[] doomed = new long[2];
    for (int i = 0; i < 2; i++) {
      doomed[i] = server.app().database().pool().preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) "
          + "VALUES ($1, $2, '2027-01-01', '2027-02-01') RETURNING id")
          .execute(io.vertx.sqlclient.Tuple.of(coordinatorOrg, "Doomed " + i)).await().iterator().next().getLong(0);
    }
    switchTarget = Accounts.id(server, Accounts.create(server, "learner"));
    // a module for the trainer's organisation only: its drafts are the trainer's to make; alpha, for every
    // organisation, is an admin's to change
    OwnModules.publish(server, TOKENS.get("trainer"), "local", null);

    //                                                                         anon owner learner trainer stranger coord admin
    row("GET", "/", "/", "200 200 200 200 200 200 200");
    row("GET", "/modules/:moduleId", "/modules/alpha", "200 200 200 200 200 200 200");
    row("GET", "/modules/:moduleId/:lessonId", "/modules/alpha/first", "200 200 200 200 200 200 200");
    row("GET", "/modules/:moduleId/quiz", "/modules/alpha/quiz", "200 200 200 200 200 200 200");
    row("GET", "/lang/:code", "/lang/fr?next=/", "303 303 303 303 303 303 303");
    row("GET", "/health", "/health", "200 200 200 200 200 200 200");
    // probes and the scraper: open, but /metrics to loopback only by default (other addresses and the token: MetricsTest)
    row("GET", "/health/live", "/health/live", "200 200 200 200 200 200 200");
    row("GET", "/health/ready", "/health/ready", "200 200 200 200 200 200 200");
    row("GET", "/metrics", "/metrics", "200 200 200 200 200 200 200");
    row("GET", "/static/*", "/static/css/app.css", "200 200 200 200 200 200 200");
    row("HEAD", "/static/*", "/static/css/app.css", "200 200 200 200 200 200 200");
    row("GET", "/login", "/login", "200 303 303 303 303 303 303");
    form("POST", "/login", "/login", "username=nobody&password=wrong-password", "401 401 401 401 401 401 401", false);
    form("POST", "/logout", "/logout", "", "303 303 303 303 303 303 303", true);
    row("GET", "/home", "/home", "303 200 200 200 200 200 200");
    row("GET", "/account/password", "/account/password", "303 200 200 200 200 200 200");
    form("POST", "/account/password", "/account/password", "current=wrong", "303 400 400 400 400 400 400", false);
    form("POST", "/modules/:moduleId/:lessonId/read", "/modules/alpha/first/read", "", "303 303 303 303 303 303 303", false);
    form("POST", "/modules/:moduleId/quiz", "/modules/alpha/quiz", "", "303 303 303 303 303 303 303", false);
    // exercises: anyone plays (nothing kept); keeping a finished path is for the signed-in, each their own; the
    // facilitator notes are in ExerciseTest
    row("GET", "/modules/:moduleId/exercises/:exerciseId", "/modules/alpha/exercises/gate?path=2", "200 200 200 200 200 200 200");
    String shape = server.app().content().get().module("alpha").orElseThrow().exercise("gate").orElseThrow().shape();
    form("POST", "/modules/:moduleId/exercises/:exerciseId", "/modules/alpha/exercises/gate",
        "path=1,1&v=" + shape + "&runKey=" + java.util.UUID.randomUUID(), "303 303 303 303 303 303 303", false);
    row("GET", "/api/modules/:moduleId/exercises/:exerciseId", "/api/modules/alpha/exercises/gate?path=1,1",
        "200 200 200 200 200 200 200");
    json("POST", "/api/modules/:moduleId/exercises/:exerciseId/runs", "/api/modules/alpha/exercises/gate/runs",
        new JsonObject().put("path", "1,1").put("shape", shape).put("runKey", java.util.UUID.randomUUID().toString()),
        "401 201 201 201 201 201 201");
    row("GET", "/account/track", "/account/track", "303 200 200 200 200 200 200");
    form("POST", "/account/track", "/account/track", "track=police", "303 303 303 303 303 303 303", false);
    row("GET", "/api/account/track", "/api/account/track", "401 200 200 200 200 200 200");
    json("POST", "/api/account/track", "/api/account/track", new JsonObject().put("track", "police"), "401 200 200 200 200 200 200");
    row("GET", "/attempts/:attemptId", "/attempts/" + attempt, "303 200 404 404 404 404 404");
    form("POST", "/attempts/:attemptId", "/attempts/" + attempt, "q.host-state=1&confirm=blank", "303 303 404 404 404 404 404", false);
    row("GET", "/certificates/:code", "/certificates/" + certificate, "303 200 404 404 404 404 404");
    row("GET", "/verify/:code", "/verify/" + certificate, "200 200 200 200 200 200 200");
    // certificates: the owner's own, downloads included; revoking is for an admin or the holder's coordinator (an empty
    // reason is refused before anything is done: the coordinator and the admin get 400); verifying is for anyone
    row("GET", "/certificates", "/certificates", "303 200 200 200 200 200 200");
    row("GET", "/certificates/:code/credential.jwt", "/certificates/" + certificate + "/credential.jwt", "303 200 404 404 404 404 404");
    row("GET", "/certificates/:code/credential.json", "/certificates/" + certificate + "/credential.json", "303 200 404 404 404 404 404");
    row("GET", "/certificates/:code/certificate.pdf", "/certificates/" + certificate + "/certificate.pdf", "303 200 404 404 404 404 404");
    form("POST", "/certificates/:code/revoke", "/certificates/" + certificate + "/revoke", "reason=", "303 403 403 403 403 400 400", false);
    row("GET", "/verify", "/verify", "200 200 200 200 200 200 200");
    row("GET", "/verify", "/verify?code=" + certificate.toLowerCase(java.util.Locale.ROOT), "303 303 303 303 303 303 303");
    form("POST", "/verify", "/verify", "credential=not-a-credential", "422 422 422 422 422 422 422", false);
    row("GET", "/.well-known/jwks.json", "/.well-known/jwks.json", "200 200 200 200 200 200 200");
    row("GET", "/.well-known/revocations.jwt", "/.well-known/revocations.jwt", "200 200 200 200 200 200 200");
    String kid = server.get("/.well-known/jwks.json").bodyAsJsonObject().getJsonArray("keys").getJsonObject(0).getString("kid");
    row("GET", "/.well-known/jwks/:kid", "/.well-known/jwks/" + kid, "200 200 200 200 200 200 200");
    // LTI 1.3: the key set, login and launch are anyone's (a launch proves itself by its signed id_token; the unknown
    // issuer and the unsigned token are refused for everyone alike); the Deep Linking picker is its instructor's alone
    row("GET", "/lti/jwks", "/lti/jwks", "200 200 200 200 200 200 200");
    row("GET", "/lti/login", "/lti/login?iss=https%3A%2F%2Funknown.example&login_hint=x", "403 403 403 403 403 403 403");
    form("POST", "/lti/login", "/lti/login", "iss=https%3A%2F%2Funknown.example&login_hint=x", "403 403 403 403 403 403 403", false);
    form("POST", "/lti/launch", "/lti/launch", "id_token=not-a-token&state=x", "401 401 401 401 401 401 401", false);
    String deepLink = "/lti/deep-links/" + java.util.UUID.randomUUID();
    row("GET", "/lti/deep-links/:requestId", deepLink, "303 403 403 404 404 404 404");
    form("POST", "/lti/deep-links/:requestId", deepLink, "module=alpha", "303 403 403 404 404 404 404", false);
    // a course no platform launched: nobody's (the course's own staff are in LtiLaunchTest)
    row("GET", "/lti/courses/:courseId", "/lti/courses/987654", "303 403 403 404 404 404 404");
    form("POST", "/lti/courses/:courseId/import", "/lti/courses/987654/import", "cohort=1", "303 403 403 403 403 404 404", false);
    row("GET", "/lti/register/:code", "/lti/register/no-such-code?openid_configuration=https%3A%2F%2Fmoodle.example%2F",
        "404 404 404 404 404 404 404");
    form("POST", "/admin/lti/invitations", "/admin/lti/invitations", "organisation_id=x", "303 403 403 403 403 403 400", false);
    row("GET", "/admin/lti", "/admin/lti", "303 403 403 403 403 403 200");
    form("POST", "/admin/lti", "/admin/lti", "name=x", "303 403 403 403 403 403 400", false);
    row("GET", "/api/admin/lti/platforms", "/api/admin/lti/platforms", "401 403 403 403 403 403 200");
    json("POST", "/api/admin/lti/platforms", "/api/admin/lti/platforms", new JsonObject().put("name", "x"),
        "401 403 403 403 403 403 400");
    row("GET", "/admin/lti/platforms/:platformId", "/admin/lti/platforms/987654", "303 403 403 403 403 403 404");
    form("POST", "/admin/lti/platforms/:platformId", "/admin/lti/platforms/987654", "name=x", "303 403 403 403 403 403 404", false);
    row("GET", "/api/admin/lti/platforms/:platformId", "/api/admin/lti/platforms/987654", "401 403 403 403 403 403 404");
    json("PUT", "/api/admin/lti/platforms/:platformId", "/api/admin/lti/platforms/987654", new JsonObject().put("name", "x"),
        "401 403 403 403 403 403 400");
    row("GET", "/admin/issuer-keys", "/admin/issuer-keys", "303 403 403 403 403 403 200");
    form("POST", "/admin/issuer-keys/rotate", "/admin/issuer-keys/rotate", "", "303 403 403 403 403 403 303", false);
    row("GET", "/api/certificates/:code/credential", "/api/certificates/" + certificate + "/credential", "401 200 404 404 404 404 404");
    json("POST", "/api/certificates/:code/revoke", "/api/certificates/" + certificate + "/revoke", new JsonObject(),
        "401 403 403 403 403 400 400");
    json("POST", "/api/verify", "/api/verify", new JsonObject().put("credential", "x"), "200 200 200 200 200 200 200");
    row("GET", "/api/admin/issuer-keys", "/api/admin/issuer-keys", "401 403 403 403 403 403 200");
    json("POST", "/api/admin/issuer-keys/rotate", "/api/admin/issuer-keys/rotate", null, "401 403 403 403 403 403 201");
    row("GET", "/api/openapi.yaml", "/api/openapi.yaml", "200 200 200 200 200 200 200");
    json("POST", "/api/auth/token", "/api/auth/token", new JsonObject().put("username", "nobody").put("password", "wrong-password"),
        "401 401 401 401 401 401 401");
    TABLE.add(new Row("POST", "/api/auth/logout", "/api/auth/logout", null, null, "401 204 204 204 204 204 204", true));
    row("GET", "/api/me", "/api/me", "401 200 200 200 200 200 200");
    json("POST", "/api/account/password", "/api/account/password", new JsonObject(), "401 400 400 400 400 400 400");
    row("GET", "/api/modules", "/api/modules", "200 200 200 200 200 200 200");
    row("GET", "/api/modules/:moduleId", "/api/modules/alpha", "200 200 200 200 200 200 200");
    row("GET", "/api/modules/:moduleId/lessons/:lessonId", "/api/modules/alpha/lessons/first", "200 200 200 200 200 200 200");
    json("POST", "/api/modules/:moduleId/lessons/:lessonId/read", "/api/modules/alpha/lessons/first/read", null,
        "401 204 204 204 204 204 204");
    row("GET", "/api/modules/:moduleId/quiz", "/api/modules/alpha/quiz", "200 200 200 200 200 200 200");
    json("POST", "/api/modules/:moduleId/attempts", "/api/modules/alpha/attempts", new JsonObject(), "401 201 201 201 201 201 201");
    row("GET", "/api/attempts/:attemptId", "/api/attempts/" + attempt, "401 200 404 404 404 404 404");
    json("POST", "/api/attempts/:attemptId/submit", "/api/attempts/" + attempt + "/submit",
        new JsonObject().put("answers", new JsonObject()), "401 200 404 404 404 404 404");
    json("POST", "/api/sync", "/api/sync", new JsonObject().put("items", new io.vertx.core.json.JsonArray()), "401 200 200 200 200 200 200");
    row("GET", "/api/progress", "/api/progress", "401 200 200 200 200 200 200");
    row("GET", "/offline", "/offline", "200 200 200 200 200 200 200");
    row("GET", "/api/certificates", "/api/certificates", "401 200 200 200 200 200 200");
    row("GET", "/api/verify/:code", "/api/verify/" + certificate, "200 200 200 200 200 200 200");
    row("GET", "/modules/:moduleId/analysis", "/modules/alpha/analysis", "303 403 403 200 200 403 200");
    row("GET", "/api/modules/:moduleId/analysis", "/api/modules/alpha/analysis", "401 403 403 200 200 403 200");
    row("GET", "/modules/:moduleId/analysis.csv", "/modules/alpha/analysis.csv?lang=fr", "303 403 403 200 200 403 200");
    row("GET", "/workspace", "/workspace", "303 403 403 200 200 403 200");
    row("GET", "/api/workspace", "/api/workspace", "401 403 403 200 200 403 200");
    row("GET", "/workspace/modules/:moduleId", "/workspace/modules/alpha", "303 403 403 200 200 403 200");
    row("GET", "/api/workspace/modules/:moduleId", "/api/workspace/modules/alpha", "401 403 403 200 200 403 200");
    row("GET", "/workspace/modules/:moduleId/versions/:version/zip", "/workspace/modules/alpha/versions/3/zip", "303 403 403 200 200 403 200");
    row("GET", "/workspace/modules/:moduleId/compare", "/workspace/modules/alpha/compare?from=3&to=3", "303 403 403 200 200 403 200");
    row("GET", "/api/workspace/modules/:moduleId/compare", "/api/workspace/modules/alpha/compare?from=3&to=3", "401 403 403 200 200 403 200");
    row("GET", "/modules/:moduleId/files/:name", "/modules/alpha/files/map.png?v=0123456789abcdef", "404 404 404 404 404 404 404");
    form("POST", "/workspace/modules", "/workspace/modules", "id=made-by-the-table&title=A+new+module", "303 403 403 303 409 403 409", false);
    json("POST", "/api/workspace/modules", "/api/workspace/modules", new JsonObject().put("id", "made-by-the-api").put("title", "New"),
        "401 403 403 201 409 403 409");
    // a draft of the trainer's module: opened, read, a stale save refused, then published (nothing changed: version 1 stays) and discarded
    form("POST", "/workspace/modules/:moduleId/draft", "/workspace/modules/local/draft", "", "303 403 403 303 404 403 303", false);
    row("GET", "/workspace/modules/:moduleId/draft", "/workspace/modules/local/draft", "303 403 403 200 404 403 200");
    form("POST", "/workspace/modules/:moduleId/draft/upload", "/workspace/modules/local/draft/upload", "revision=1",
        "303 403 403 400 404 403 400", false);
    row("GET", "/workspace/modules/:moduleId/draft/file", "/workspace/modules/local/draft/file?path=01-introduction.md", "303 403 403 200 404 403 200");
    form("POST", "/workspace/modules/:moduleId/draft/file", "/workspace/modules/local/draft/file", "path=01-first.md&revision=0&text=x",
        "303 403 403 409 404 403 409", false);
    json("POST", "/api/workspace/modules/:moduleId/draft", "/api/workspace/modules/local/draft", new JsonObject(), "401 403 403 201 404 403 201");
    row("GET", "/api/workspace/modules/:moduleId/draft", "/api/workspace/modules/local/draft", "401 403 403 200 404 403 200");
    // approving: the trainer opened the draft, so may not approve it (409); the admin only read it, so may
    form("POST", "/workspace/modules/:moduleId/draft/approve", "/workspace/modules/local/draft/approve", "revision=1",
        "303 403 403 409 404 403 303", false);
    json("POST", "/api/workspace/modules/:moduleId/draft/approve", "/api/workspace/modules/local/draft/approve",
        new JsonObject().put("revision", 1), "401 403 403 409 404 403 204");
    row("GET", "/workspace/modules/:moduleId/draft/preview", "/workspace/modules/local/draft/preview", "303 403 403 200 404 403 200");
    row("GET", "/workspace/modules/:moduleId/draft/preview/:lessonId", "/workspace/modules/local/draft/preview/quiz", "303 403 403 200 404 403 200");
    json("POST", "/api/workspace/modules/:moduleId/draft/files", "/api/workspace/modules/local/draft/files",
        new JsonObject().put("path", "01-first.md").put("text", "x").put("revision", 0), "401 403 403 409 404 403 409");
    json("POST", "/api/workspace/modules/:moduleId/draft/publish", "/api/workspace/modules/local/draft/publish", new JsonObject(),
        "401 403 403 200 404 403 404");
    form("POST", "/workspace/modules/:moduleId/draft/publish", "/workspace/modules/local/draft/publish", "", "303 403 403 404 404 403 404", false);
    form("POST", "/workspace/modules/:moduleId/draft/discard", "/workspace/modules/local/draft/discard", "", "303 403 403 303 404 403 303", false);
    row("DELETE", "/api/workspace/modules/:moduleId/draft", "/api/workspace/modules/local/draft", "401 403 403 204 404 403 204");
    // serving a version again: version 1 is served already, so nothing changes
    form("POST", "/workspace/modules/:moduleId/versions/:version/publish", "/workspace/modules/local/versions/1/publish", "confirm=yes",
        "303 403 403 303 404 403 303", false);
    json("POST", "/api/workspace/modules/:moduleId/versions/:version/publish", "/api/workspace/modules/local/versions/1/publish",
        new JsonObject(), "401 403 403 200 404 403 200");
    // alpha is for every organisation: the trainer may read it (above) but not change it; the admin may
    json("POST", "/api/workspace/modules/:moduleId/draft", "/api/workspace/modules/alpha/draft", new JsonObject(), "401 403 403 403 403 403 201");
    row("DELETE", "/api/workspace/modules/:moduleId/draft", "/api/workspace/modules/alpha/draft", "401 403 403 403 403 403 204");
    form("POST", "/workspace/modules/:moduleId/versions/:version/publish", "/workspace/modules/alpha/versions/3/publish", "confirm=yes",
        "303 403 403 403 403 403 303", false);
    json("POST", "/api/workspace/modules/:moduleId/versions/:version/publish", "/api/workspace/modules/alpha/versions/3/publish",
        new JsonObject(), "401 403 403 403 403 403 200");
    // the trainer's module is seen by its organisation (and admins) only: to anyone else it does not exist
    row("GET", "/modules/:moduleId", "/modules/local", "404 404 404 200 404 404 200");
    row("GET", "/api/modules/:moduleId", "/api/modules/local", "404 404 404 200 404 404 200");
    row("GET", "/workspace/modules/:moduleId", "/workspace/modules/local", "303 403 403 200 404 403 200");
    // who a module is for: admins decide (here: every organisation, as it was, then the trainer's again)
    json("POST", "/api/workspace/modules/:moduleId/scope", "/api/workspace/modules/local/scope", new JsonObject().put("organisation", "all"),
        "401 403 403 403 403 403 204");
    form("POST", "/workspace/modules/:moduleId/scope", "/workspace/modules/local/scope", "organisation=" + trainerOrganisation(),
        "303 403 403 403 403 403 303", false);
    row("GET", "/modules/:moduleId", "/modules/local", "404 404 404 200 404 404 200");
    row("GET", "/cohorts", "/cohorts", "303 403 403 403 403 200 200");
    form("POST", "/cohorts", "/cohorts", "organisation=none", "303 403 403 403 403 400 400", false);
    row("GET", "/cohorts/:cohortId", c, "303 403 403 403 403 200 200");
    row("GET", "/cohorts/:cohortId/export.csv", c + "/export.csv", "303 403 403 403 403 200 200");
    row("GET", "/cohorts/:cohortId/statements.json", c + "/statements.json", "303 403 403 403 403 200 200");
    form("POST", "/cohorts/:cohortId/import", c + "/import", "", "303 403 403 403 403 400 400", false);
    form("POST", "/cohorts/:cohortId/assignments", c + "/assignments", "module=alpha&dueOn=2030-01-01", "303 403 403 403 403 303 303", false);
    // bulk actions: the target learner is of another organisation than the coordinator's cohort, so nothing is done (404)
    form("POST", "/cohorts/:cohortId/bulk", c + "/bulk", "action=remove&learner=" + target, "303 403 403 403 403 404 404", false);
    json("POST", "/api/cohorts/:cohortId/bulk", "/api" + c + "/bulk", new JsonObject().put("action", "remove")
        .put("learners", new JsonArray().add(target)), "401 403 403 403 403 404 404");
    row("GET", "/cohorts/:cohortId/learners/:accountId", c + "/learners/" + target, "303 403 403 403 403 404 404");
    row("GET", "/api/cohorts/:cohortId/learners/:accountId", "/api" + c + "/learners/" + target, "401 403 403 403 403 404 404");
    form("POST", "/cohorts/:cohortId/learners/:accountId/setup-code", c + "/learners/" + target + "/setup-code", "",
        "303 403 403 403 403 404 404", false);
    json("POST", "/api/cohorts/:cohortId/learners/:accountId/setup-code", "/api" + c + "/learners/" + target + "/setup-code", null,
        "401 403 403 403 403 404 404");
    form("POST", "/cohorts/:cohortId/learners/:accountId/attempts/:attemptId/decision", c + "/learners/" + target + "/attempts/"
        + attempt + "/decision", "count=yes", "303 403 403 403 403 404 404", false);
    json("POST", "/api/cohorts/:cohortId/learners/:accountId/attempts/:attemptId/decision", "/api" + c + "/learners/" + target
        + "/attempts/" + attempt + "/decision", new JsonObject().put("count", true), "401 403 403 403 403 404 404");
    form("POST", "/cohorts/:cohortId/learners/:accountId/grants", c + "/learners/" + target + "/grants", "module=alpha&extra=1&reason=x",
        "303 403 403 403 403 404 404", false);
    json("POST", "/api/cohorts/:cohortId/learners/:accountId/grants", "/api" + c + "/learners/" + target + "/grants",
        new JsonObject().put("module", "alpha").put("extra", 1).put("reason", "x"), "401 403 403 403 403 404 404");
    form("POST", "/cohorts/:cohortId/members", c + "/members", "name=", "303 403 403 403 403 400 400", false);
    form("POST", "/cohorts/:cohortId/members/:accountId/move", c + "/members/" + target + "/move", "to=" + cohort,
        "303 403 403 403 403 404 404", false);
    json("POST", "/api/cohorts/:cohortId/members", "/api" + c + "/members", new JsonObject(), "401 403 403 403 403 400 400");
    row("GET", "/cohorts/:cohortId/readiness", c + "/readiness", "303 403 403 403 403 200 200");
    // readiness of the coordinator's own organisation (each caller is in one of their own: the admin sees it too)
    row("GET", "/readiness", "/readiness", "303 403 403 403 403 303 303");
    row("GET", "/readiness/:organisationId", "/readiness/" + coordinatorOrg, "303 403 403 403 403 200 200");
    row("GET", "/readiness/:organisationId/export.csv", "/readiness/" + coordinatorOrg + "/export.csv", "303 403 403 403 403 200 200");
    row("GET", "/api/readiness/:organisationId", "/api/readiness/" + coordinatorOrg, "401 403 403 403 403 200 200");
    row("GET", "/api/readiness/:organisationId", "/api/readiness/" + trainerOrganisation(), "401 403 403 403 403 404 200");
    json("POST", "/api/admin/accounts", "/api/admin/accounts", new JsonObject(), "401 403 403 403 403 403 400");
    // the admin pages: admins only; an account or organisation that does not exist is not found
    row("GET", "/admin", "/admin", "303 403 403 403 403 403 200");
    form("POST", "/admin/organisations", "/admin/organisations", "name=&country=", "303 403 403 403 403 403 400", false);
    row("GET", "/admin/organisations/:organisationId", "/admin/organisations/" + coordinatorOrg, "303 403 403 403 403 403 200");
    form("POST", "/admin/organisations/:organisationId/accounts", "/admin/organisations/" + coordinatorOrg + "/accounts",
        "username=Bad!&displayName=x&role=trainer", "303 403 403 403 403 403 400", false);
    form("POST", "/admin/organisations/:organisationId/accounts/:accountId/role", "/admin/organisations/" + coordinatorOrg
        + "/accounts/0/role", "role=trainer", "303 403 403 403 403 403 404", false);
    form("POST", "/admin/organisations/:organisationId/accounts/:accountId/disable", "/admin/organisations/" + coordinatorOrg
        + "/accounts/0/disable", "confirm=yes", "303 403 403 403 403 403 404", false);
    form("POST", "/admin/organisations/:organisationId/accounts/:accountId/enable", "/admin/organisations/" + coordinatorOrg
        + "/accounts/0/enable", "", "303 403 403 403 403 403 404", false);
    form("POST", "/admin/organisations/:organisationId/accounts/:accountId/setup-code", "/admin/organisations/" + coordinatorOrg
        + "/accounts/0/setup-code", "", "303 403 403 403 403 403 404", false);
    json("POST", "/api/admin/accounts/:accountId/setup-code", "/api/admin/accounts/0/setup-code", null, "401 403 403 403 403 403 404");
    // learners locked out of a quiz, for trainers, coordinators and admins of their organisation (nobody here is)
    row("GET", "/modules/:moduleId/locked-out", "/modules/alpha/locked-out", "303 403 403 200 200 200 200");
    row("GET", "/api/modules/:moduleId/locked-out", "/api/modules/alpha/locked-out", "401 403 403 200 200 200 200");
    row("GET", "/api/modules/:moduleId/locked-out", "/api/modules/local/locked-out", "401 403 403 200 404 404 200");
    form("POST", "/modules/:moduleId/locked-out/:accountId/grants", "/modules/alpha/locked-out/" + target + "/grants",
        "extra=1&reason=x", "303 403 403 404 404 404 404", false);
    json("POST", "/api/modules/:moduleId/locked-out/:accountId/grants", "/api/modules/alpha/locked-out/" + target + "/grants",
        new JsonObject().put("extra", 1).put("reason", "x"), "401 403 403 404 404 404 404");
    // the audit log: coordinators (their organisation's changes) and admins (all)
    row("GET", "/audit", "/audit", "303 403 403 403 403 200 200");
    row("GET", "/audit/export.csv", "/audit/export.csv", "303 403 403 403 403 200 200");
    row("GET", "/api/audit", "/api/audit", "401 403 403 403 403 200 200");
    row("GET", "/setup", "/setup", "200 200 200 200 200 200 200");
    row("GET", "/setup", "/setup?code=Unknown+Code", "303 303 303 303 303 303 303");
    row("GET", "/setup/:code", "/setup/unknowncode", "404 404 404 404 404 404 404");
    form("POST", "/setup/:code", "/setup/unknowncode", "password=irrelevant", "404 404 404 404 404 404 404", false);
    json("POST", "/api/setup/:code", "/api/setup/unknowncode", new JsonObject().put("password", "irrelevant"), "404 404 404 404 404 404 404");
    row("GET", "/api/cohorts", "/api/cohorts", "401 403 403 403 403 200 200");
    json("POST", "/api/cohorts", "/api/cohorts", new JsonObject(), "401 403 403 403 403 400 400");
    row("GET", "/api/cohorts/:cohortId/report", "/api" + c + "/report", "401 403 403 403 403 200 200");
    json("PUT", "/api/cohorts/:cohortId", "/api" + c, new JsonObject().put("name", "Access rotation").put("startsOn", "2027-01-01")
        .put("deploysOn", "2027-02-01"), "401 403 403 403 403 200 200");
    form("POST", "/cohorts/:cohortId/edit", c + "/edit", "name=Access+rotation&startsOn=2027-01-01&deploysOn=2027-02-01",
        "303 403 403 403 403 303 303", false);
    // callers go in column order: the coordinator deletes the cohort, so the admin then finds nothing
    json("DELETE", "/api/cohorts/:cohortId", "/api/cohorts/" + doomed[0], null, "401 403 403 403 403 204 404");
    form("POST", "/cohorts/:cohortId/delete", "/cohorts/" + doomed[1] + "/delete", "confirm=yes", "303 403 403 403 403 303 404", false);
    json("POST", "/api/cohorts/:cohortId/import", "/api" + c + "/import", new JsonObject(), "401 403 403 403 403 415 415");
    json("PUT", "/api/cohorts/:cohortId/assignments/:moduleId", "/api" + c + "/assignments/beta", new JsonObject().put("dueOn", "2030-01-01"),
        "401 403 403 403 403 204 204");
    json("DELETE", "/api/cohorts/:cohortId/assignments/:moduleId", "/api" + c + "/assignments/beta", null, "401 403 403 403 403 204 204");
    row("GET", "/api/cohorts/:cohortId/export.csv", "/api" + c + "/export.csv", "401 403 403 403 403 200 200");
    json("DELETE", "/api/cohorts/:cohortId/members/:accountId", "/api" + c + "/members/" + target, null, "401 403 403 403 403 404 404");
    json("POST", "/api/cohorts/:cohortId/members/:accountId/move", "/api" + c + "/members/" + target + "/move",
        new JsonObject().put("to", cohort), "401 403 403 403 403 404 404");
    json("POST", "/api/admin/organisations", "/api/admin/organisations", new JsonObject().put("name", "Access org").put("country", "X"),
        "401 403 403 403 403 403 201");
    json("PUT", "/api/admin/accounts/:accountId/role", "/api/admin/accounts/" + target + "/role",
        new JsonObject().put("role", "learner"), "401 403 403 403 403 403 204");
    json("POST", "/api/admin/accounts/:accountId/disable", "/api/admin/accounts/" + switchTarget + "/disable", null,
        "401 403 403 403 403 403 204");
    json("POST", "/api/admin/accounts/:accountId/enable", "/api/admin/accounts/" + switchTarget + "/enable", null,
        "401 403 403 403 403 403 204");
  }

  private static long trainerOrganisation() {
    String name = server.get("/api/me", "Authorization", "Bearer " + TOKENS.get("trainer")).bodyAsJsonObject().getString("username");
    return server.app().database().pool().preparedQuery("SELECT organisation_id FROM accounts WHERE username = $1")
        .execute(io.vertx.sqlclient.Tuple.of(name)).await().iterator().next().getLong(0);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> post(String path, String token, JsonObject body) {
    return server.send(HttpMethod.POST, path, body == null ? null : body.toBuffer(), "Authorization", "Bearer " + token,
        "Content-Type", "application/json");
  }

  @Test
  @DisplayName("every route answers every caller as the table says")
  void everyRouteEveryCaller() {
    List<String> failures = new ArrayList<>();
    for (Row row : TABLE) {
      String[] expected = row.statuses().split(" ");
      for (int c = 0; c < CALLERS.size(); c++) {
        String caller = CALLERS.get(c);
        String token = TOKENS.get(caller);
        if (token != null && row.fresh()) {
          String username = server.get("/api/me", "Authorization", "Bearer " + token).bodyAsJsonObject().getString("username");
          token = Accounts.token(server, username);
        }
        List<String> headers = new ArrayList<>();
        if (token != null) {
          headers.addAll(List.of("Authorization", "Bearer " + token));
        }
        Buffer body = null;
        if (row.body() != null) {
          headers.addAll(List.of("Content-Type", "application/json"));
          body = row.body().toBuffer();
        } else if (row.form() != null) {
          headers.addAll(List.of("Content-Type", "application/x-www-form-urlencoded"));
          body = Buffer.buffer(row.form());
        }
        if (row.template().equals("/login") || row.template().equals("/api/auth/token")) {
          // failed logins are slowed down (LoginTest); here each caller's attempt must be judged on its own
          server.app().database().pool().query("DELETE FROM login_failures").execute().await();
        }
        HttpResponse<Buffer> r = server.send(HttpMethod.valueOf(row.method()), row.path(), body, headers.toArray(String[]::new));
        if (r.statusCode() != Integer.parseInt(expected[c])) {
          failures.add(row.method() + " " + row.path() + " as " + caller + ": expected " + expected[c] + ", got "
              + r.statusCode() + " " + r.bodyAsString());
        }
        if (caller.equals("anonymous") && expected[c].equals("303") && row.template().matches("/(home|account/password|attempts/.*|certificates/.*)")) {
          assertTrue(r.getHeader("Location").startsWith("/login?next="), row.path() + " sends strangers to the login page");
        }
      }
    }
    assertEquals(List.of(), failures);
  }

  @Test
  @DisplayName("the table covers every route the code mounts")
  void tableCoversEveryRoute() throws IOException {
    Pattern mount = Pattern.compile("router\\.(get|post|put|delete|head|patch)\\(\"([^\"]+)\"\\)");
    TreeSet<String> mounted = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = mount.matcher(Files.readString(f));
        while (m.find()) {
          mounted.add(m.group(1).toUpperCase() + " " + m.group(2));
        }
      }
    }
    TreeSet<String> tested = new TreeSet<>();
    TABLE.forEach(r -> tested.add(r.method() + " " + r.template()));
    assertEquals(mounted, tested);
  }
}
