package org.pillars.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

@ExtendWith(TestPostgres.class)
class LoginTest {

  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> apiLogin(String username, String password) {
    return server.send(HttpMethod.POST, "/api/auth/token",
        new JsonObject().put("username", username).put("password", password).toBuffer(), "Content-Type", "application/json");
  }

  private static HttpResponse<Buffer> formLogin(String username, String password) {
    return server.send(HttpMethod.POST, "/login", Accounts.form("username", username, "password", password),
        "Content-Type", "application/x-www-form-urlencoded");
  }

  @Test
  @DisplayName("the API issues a short-lived bearer token that carries the account's role and organisation")
  void apiToken() {
    String user = Accounts.create(server, "coordinator");
    HttpResponse<Buffer> r = apiLogin(user, Accounts.PASSPHRASE);
    assertEquals(200, r.statusCode(), r.bodyAsString());
    assertEquals(30 * 60, r.bodyAsJsonObject().getInteger("expiresIn"));
    JsonObject me = server.get("/api/me", "Authorization", "Bearer " + r.bodyAsJsonObject().getString("token")).bodyAsJsonObject();
    assertEquals(user, me.getString("username"));
    assertEquals("coordinator", me.getString("role"));
    assertNotNull(me.getLong("organisation"));
  }

  @Test
  @DisplayName("a wrong username and a wrong password get exactly the same answer")
  void sameAnswer() {
    String user = Accounts.create(server, "learner");
    HttpResponse<Buffer> wrongPassword = apiLogin(user, "not-the-password");
    HttpResponse<Buffer> wrongUser = apiLogin("nobody-" + user, Accounts.PASSPHRASE);
    assertEquals(401, wrongPassword.statusCode());
    assertEquals(wrongPassword.statusCode(), wrongUser.statusCode());
    assertEquals(wrongPassword.bodyAsString(), wrongUser.bodyAsString());

    HttpResponse<Buffer> formWrongPassword = formLogin(user, "not-the-password");
    HttpResponse<Buffer> formWrongUser = formLogin("nobody-" + user, Accounts.PASSPHRASE);
    assertEquals(401, formWrongPassword.statusCode());
    assertEquals(formWrongPassword.bodyAsString().replace("nobody-" + user, user), formWrongUser.bodyAsString()
        .replace("nobody-" + user, user), "the page differs only in the echoed username");
    assertTrue(formWrongPassword.bodyAsString().contains("Wrong username or password."));
  }

  @Test
  @DisplayName("after five failures an account is slowed down with 429 and Retry-After, even for the right password")
  void throttlesAnAccount() {
    String user = Accounts.create(server, "learner");
    for (int i = 0; i < 5; i++) {
      assertEquals(401, apiLogin(user, "wrong-" + i).statusCode());
    }
    HttpResponse<Buffer> slowed = apiLogin(user, Accounts.PASSPHRASE);
    assertEquals(429, slowed.statusCode(), slowed.bodyAsString());
    assertTrue(Integer.parseInt(slowed.getHeader("Retry-After")) >= 1);
    assertEquals("throttled", slowed.bodyAsJsonObject().getString("error"));
    HttpResponse<Buffer> page = formLogin(user, Accounts.PASSPHRASE);
    assertEquals(429, page.statusCode());
    assertTrue(page.bodyAsString().contains("Too many failed attempts"), page.bodyAsString());

    String other = Accounts.create(server, "learner");
    assertEquals(200, apiLogin(other, Accounts.PASSPHRASE).statusCode(), "another account on the same address is not blocked yet");
  }

  @Test
  @DisplayName("the first wait after the free failures is a whole second, even when the clock's second turns within it")
  void firstWaitIsASecond() throws InterruptedException {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    while (now.getNano() < 100_000_000 || now.getNano() > 800_000_000) {
      Thread.sleep(50);
      now = OffsetDateTime.now(ZoneOffset.UTC);
    }
    // a few hundred milliseconds ago, in the second before this one
    OffsetDateTime last = now.truncatedTo(ChronoUnit.SECONDS).minusNanos(1_000_000);
    assertEquals(1, AuthService.secondsToWait(new AuthRepository.Failures(AuthService.accountKey("someone"),
        AuthService.ACCOUNT_FREE_FAILURES, last)));
  }

  @Test
  @DisplayName("many failures from one address slow down that address for every account")
  void throttlesAnAddress() {
    String victim = Accounts.create(server, "learner");
    for (int i = 0; i < AuthService.ADDRESS_FREE_FAILURES; i++) {
      apiLogin("guess-" + i + "-" + victim, "password" + i);
    }
    assertEquals(429, apiLogin(victim, Accounts.PASSPHRASE).statusCode());
    server.app().database().pool().query("DELETE FROM login_failures").execute().await();
  }

  @Test
  @DisplayName("the login form sets an HttpOnly SameSite cookie and only redirects within the site")
  void formLoginCookie() {
    String user = Accounts.create(server, "learner");
    HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/login",
        Accounts.form("username", user, "password", Accounts.PASSPHRASE, "next", "https://evil.example/"),
        "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, r.statusCode());
    assertEquals("/home", r.getHeader("Location"), "an outside next is ignored");
    String cookie = r.cookies().stream().filter(c -> c.startsWith("pillars_token=")).findFirst().orElseThrow();
    assertTrue(cookie.startsWith("pillars_token=ey"), cookie);
    assertTrue(cookie.toLowerCase().contains("httponly") && cookie.contains("SameSite=Lax"), cookie);
  }

  @Test
  @DisplayName("logging out in the browser ends the session: the old cookie no longer works")
  void browserLogout() {
    String user = Accounts.create(server, "learner");
    Accounts.Browser b = Accounts.browser(server, user);
    assertEquals(200, server.get("/home", "Cookie", b.cookie()).statusCode());
    HttpResponse<Buffer> out = server.send(HttpMethod.POST, "/logout", Buffer.buffer("_csrf=" + b.csrf()),
        "Cookie", b.cookie(), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, out.statusCode(), out.bodyAsString());
    assertEquals(303, server.get("/home", "Cookie", b.cookie()).statusCode(), "the replayed cookie is refused");
  }

  @Test
  @DisplayName("a new password must be 8 to 128 characters and not a common one; changing it ends other sessions")
  void passwordChange() {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    String other = Accounts.token(server, user);
    for (String weak : new String[] {"short", "password123", "qwertyuiop", "x".repeat(129)}) {
      HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/api/account/password",
          new JsonObject().put("current", Accounts.PASSPHRASE).put("password", weak).toBuffer(),
          "Authorization", "Bearer " + token, "Content-Type", "application/json");
      assertEquals(400, r.statusCode(), weak + ": " + r.bodyAsString());
      assertEquals("password_rejected", r.bodyAsJsonObject().getString("error"));
    }
    HttpResponse<Buffer> wrongCurrent = server.send(HttpMethod.POST, "/api/account/password",
        new JsonObject().put("current", "not-it").put("password", "lantern orchard mosaic river").toBuffer(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    assertEquals(400, wrongCurrent.statusCode());

    HttpResponse<Buffer> ok = server.send(HttpMethod.POST, "/api/account/password",
        new JsonObject().put("current", Accounts.PASSPHRASE).put("password", "lantern orchard mosaic river").toBuffer(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    assertEquals(204, ok.statusCode(), ok.bodyAsString());
    assertEquals(200, server.get("/api/me", "Authorization", "Bearer " + token).statusCode(), "this session goes on");
    assertEquals(401, server.get("/api/me", "Authorization", "Bearer " + other).statusCode(), "other sessions end");
    assertEquals(401, apiLogin(user, Accounts.PASSPHRASE).statusCode());
    assertEquals(200, apiLogin(user, "lantern orchard mosaic river").statusCode());
  }

  @Test
  @DisplayName("a burst of logins beyond what the hashing pool can check in about two seconds gets 503 + Retry-After, not a long wait")
  void loginBurst() {
    String username = Accounts.create(server, "learner");
    Buffer body = new JsonObject().put("username", username).put("password", Accounts.PASSPHRASE).toBuffer();
    java.util.List<io.vertx.core.Future<HttpResponse<Buffer>>> burst = new java.util.ArrayList<>();
    // 150 connections at once, as 150 phones would open (the shared test client keeps 5)
    io.vertx.ext.web.client.WebClient many = io.vertx.ext.web.client.WebClient.create(server.app().vertx(),
        new io.vertx.ext.web.client.WebClientOptions().setDefaultHost("localhost").setDefaultPort(server.app().port()),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(150));
    for (int i = 0; i < 150; i++) {
      burst.add(many.post("/api/auth/token").putHeader("Content-Type", "application/json").sendBuffer(body));
    }
    io.vertx.core.Future.join(burst).await();
    many.close();
    java.util.Map<Integer, Long> statuses = burst.stream().collect(java.util.stream.Collectors.groupingBy(f -> f.result().statusCode(),
        java.util.stream.Collectors.counting()));
    assertEquals(java.util.Set.of(200, 503), statuses.keySet(), statuses.toString());
    HttpResponse<Buffer> busy = burst.stream().map(io.vertx.core.Future::result).filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
    assertEquals("busy", busy.bodyAsJsonObject().getString("error"));
    assertNotNull(busy.getHeader("Retry-After"));
    assertEquals(200, server.send(HttpMethod.POST, "/api/auth/token", body, "Content-Type", "application/json").statusCode(),
        "once the burst is checked, logins go through again");
  }

  @Test
  @DisplayName("malformed login requests get 400 or 415 with a reason")
  void malformedLogin() {
    assertEquals(415, server.send(HttpMethod.POST, "/api/auth/token", Buffer.buffer("username=a"),
        "Content-Type", "application/x-www-form-urlencoded").statusCode());
    assertEquals(400, server.send(HttpMethod.POST, "/api/auth/token", Buffer.buffer("{not json"),
        "Content-Type", "application/json").statusCode());
    assertEquals(400, server.send(HttpMethod.POST, "/api/auth/token", Buffer.buffer("[1,2]"),
        "Content-Type", "application/json").statusCode());
    HttpResponse<Buffer> missing = server.send(HttpMethod.POST, "/api/auth/token", Buffer.buffer("{\"username\":\"a\"}"),
        "Content-Type", "application/json");
    assertEquals(400, missing.statusCode());
    assertTrue(missing.bodyAsJsonObject().getString("message").contains("password"), missing.bodyAsString());
    assertEquals(400, server.send(HttpMethod.POST, "/api/auth/token", Buffer.buffer(new byte[] {'{', '"', (byte) 0xff, '"', '}'}),
        "Content-Type", "application/json").statusCode(), "invalid UTF-8");
    assertFalse(server.get("/login").bodyAsString().contains("Exception"));
  }
}
