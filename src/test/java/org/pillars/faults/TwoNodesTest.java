package org.pillars.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.support.Accounts;
import org.pillars.support.ServerProcess;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Two servers, one database, as behind any load balancer: node A runs in this JVM, node B in its own process
 * with only environment variables in common (the database and the signing key file). Nothing a request needs
 * lives in one node's memory.
 */
@ExtendWith(TestPostgres.class)
class TwoNodesTest {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  @Test
  @DisplayName("a token from one node works on the other, progress written through one is seen through the other, logout on one ends it on both")
  void twoNodes() throws Exception {
    String database = TestPostgres.newDatabase();
    Vertx vertx = Vertx.vertx();
    try (TestApp a = TestApp.start(Map.of(AppConfig.DATABASE_URL, database, AppConfig.JWT_KEY_FILE, TestApp.keyFile().toString()));
         ServerProcess b = ServerProcess.start(Map.of("DATABASE_URL", database, "PILLARS_JWT_KEY_FILE", TestApp.keyFile().toString(),
             "PILLARS_COURSES", TestApp.GOOD_COURSES))) {
      WebClient toB = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(b.port())
          .setFollowRedirects(false).setIdleTimeout(60));
      String learner = Accounts.create(a, "learner");

      // a token issued by B is accepted by A, and the other way round
      String fromB = toB.post("/api/auth/token").sendJsonObject(new JsonObject().put("username", learner).put("password", Accounts.PASSPHRASE))
          .await().bodyAsJsonObject().getString("token");
      assertEquals(learner, a.get("/api/me", "Authorization", "Bearer " + fromB).bodyAsJsonObject().getString("username"));
      String fromA = Accounts.token(a, learner);
      assertEquals(200, toB.get("/api/me").putHeader("Authorization", "Bearer " + fromA).send().await().statusCode());

      // progress written through A is seen through B; an attempt started on B is submitted on A
      assertEquals(204, a.send(HttpMethod.POST, "/api/modules/alpha/lessons/first/read", null, "Authorization", "Bearer " + fromA).statusCode());
      JsonObject progressOnB = toB.get("/api/progress").putHeader("Authorization", "Bearer " + fromB).send().await().bodyAsJsonObject();
      assertEquals(1, progressOnB.getJsonArray("modules").getJsonObject(0).getInteger("lessonsRead"), progressOnB.encode());
      String attempt = toB.post("/api/modules/alpha/attempts").putHeader("Authorization", "Bearer " + fromB)
          .sendJsonObject(new JsonObject()).await().bodyAsJsonObject().getString("attempt");
      HttpResponse<Buffer> submitted = a.send(HttpMethod.POST, "/api/attempts/" + attempt + "/submit",
          new JsonObject().put("answers", new JsonObject().put("host-state", 1)).toBuffer(),
          "Authorization", "Bearer " + fromA, "Content-Type", "application/json");
      assertEquals(200, submitted.statusCode(), submitted.bodyAsString());

      // a browser session opened on B posts a form (cookie + CSRF token) through A
      HttpResponse<Buffer> login = toB.post("/login").putHeader("Content-Type", "application/x-www-form-urlencoded")
          .sendBuffer(Accounts.form("username", learner, "password", Accounts.PASSPHRASE, "next", "/home")).await();
      assertEquals(303, login.statusCode(), login.bodyAsString());
      String cookie = login.cookies().stream().filter(c -> c.startsWith("pillars_token=")).findFirst().orElseThrow().split(";")[0];
      Matcher csrf = CSRF.matcher(toB.get("/home").putHeader("Cookie", cookie).send().await().bodyAsString());
      assertTrue(csrf.find(), "the home page on B carries a CSRF token");
      HttpResponse<Buffer> formOnA = a.send(HttpMethod.POST, "/modules/alpha/second/read",
          Accounts.form("_csrf", csrf.group(1)), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
      assertEquals(303, formOnA.statusCode(), "B's CSRF token is valid on A: " + formOnA.bodyAsString());

      // logging out through A ends the session on B within the promised second (B learns it by notification)
      assertEquals(204, a.send(HttpMethod.POST, "/api/auth/logout", null, "Authorization", "Bearer " + fromB).statusCode());
      await("the logout refused on B").atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20)).until(() ->
          toB.get("/api/me").putHeader("Authorization", "Bearer " + fromB).send().await().statusCode() == 401);
      assertEquals(200, toB.get("/api/me").putHeader("Authorization", "Bearer " + fromA).send().await().statusCode(),
          "other sessions of the learner go on");
      toB.close();
    } finally {
      vertx.close().await();
    }
  }
}
