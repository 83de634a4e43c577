package org.pillars.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/** Forms sent with the session cookie need the session's CSRF token and a same-site origin. */
@ExtendWith(TestPostgres.class)
class CsrfTest {

  private static final String FORM = "application/x-www-form-urlencoded";
  private static TestApp server;

  @BeforeAll
  static void start() {
    server = TestApp.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<Buffer> markRead(Accounts.Browser b, String body, String... extra) {
    String[] headers = new String[4 + extra.length];
    headers[0] = "Cookie";
    headers[1] = b.cookie();
    headers[2] = "Content-Type";
    headers[3] = FORM;
    System.arraycopy(extra, 0, headers, 4, extra.length);
    return server.send(HttpMethod.POST, "/modules/alpha/first/read", Buffer.buffer(body), headers);
  }

  @Test
  @DisplayName("a cookie-authenticated POST without the CSRF token is refused with 403 and changes nothing")
  void missingToken() {
    String user = Accounts.create(server, "learner");
    Accounts.Browser b = Accounts.browser(server, user);
    HttpResponse<Buffer> r = markRead(b, "");
    assertEquals(403, r.statusCode(), r.bodyAsString());
    assertEquals(403, markRead(b, "_csrf=forged-value").statusCode());
    Accounts.Browser other = Accounts.browser(server, Accounts.create(server, "learner"));
    assertEquals(403, markRead(b, "_csrf=" + other.csrf()).statusCode(), "another session's token does not fit");
    long reads = server.app().database().pool().preparedQuery("SELECT count(*) FROM lesson_reads WHERE account_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(Accounts.id(server, user))).await().iterator().next().getLong(0);
    assertEquals(0, reads, "nothing was recorded");
  }

  @Test
  @DisplayName("with its token, in a form field or the X-CSRF-Token header, the same POST goes through")
  void withToken() {
    Accounts.Browser b = Accounts.browser(server, Accounts.create(server, "learner"));
    HttpResponse<Buffer> r = markRead(b, "_csrf=" + b.csrf());
    assertEquals(303, r.statusCode(), r.bodyAsString());
    assertEquals("/modules/alpha/second?marked=first", r.getHeader("Location"));
    assertEquals(303, markRead(b, "", "X-CSRF-Token", b.csrf()).statusCode());
  }

  @Test
  @DisplayName("a POST from another site's page is refused, even with a valid token")
  void crossOrigin() {
    Accounts.Browser b = Accounts.browser(server, Accounts.create(server, "learner"));
    assertEquals(403, markRead(b, "_csrf=" + b.csrf(), "Origin", "https://evil.example").statusCode());
    assertEquals(403, markRead(b, "_csrf=" + b.csrf(), "Referer", "https://evil.example/page").statusCode());
    assertEquals(303, markRead(b, "_csrf=" + b.csrf(), "Origin", "http://localhost:" + server.port()).statusCode());
    HttpResponse<Buffer> login = server.send(HttpMethod.POST, "/login", Buffer.buffer("username=x&password=y"),
        "Content-Type", FORM, "Origin", "https://evil.example");
    assertEquals(403, login.statusCode(), "login CSRF is refused too");
  }

  @Test
  @DisplayName("API calls with a bearer token need no CSRF token: there is no ambient credential to abuse")
  void bearerNeedsNoToken() {
    String token = Accounts.token(server, Accounts.create(server, "learner"));
    HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/api/modules/alpha/lessons/first/read", null,
        "Authorization", "Bearer " + token);
    assertEquals(204, r.statusCode(), r.bodyAsString());
  }

  @Test
  @DisplayName("the API refuses cookie-authenticated writes without the token too")
  void apiWithCookie() {
    Accounts.Browser b = Accounts.browser(server, Accounts.create(server, "learner"));
    assertEquals(403, server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
        "Cookie", b.cookie(), "Content-Type", "application/json").statusCode());
    assertEquals(201, server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
        "Cookie", b.cookie(), "Content-Type", "application/json", "X-CSRF-Token", b.csrf()).statusCode());
  }
}
