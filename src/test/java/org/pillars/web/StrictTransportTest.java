package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pillars.config.AppConfig;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/** HSTS goes with Secure cookies: a deployment over HTTPS pins browsers to it; development over http does not. */
@ExtendWith(TestPostgres.class)
class StrictTransportTest {

  private static final List<String> PATHS = List.of("/login", "/static/css/app.css", "/nowhere", "/api/nowhere");

  private static String sessionCookie(TestApp server) {
    HttpResponse<Buffer> login = server.send(HttpMethod.POST, "/login", Accounts.form("username", Accounts.create(server, "learner"),
        "password", Accounts.PASSPHRASE), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, login.statusCode(), login.bodyAsString());
    return login.cookies().get(0);
  }

  @ParameterizedTest(name = "Secure cookies: {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("every response, page, file or error, carries Strict-Transport-Security for a year exactly when the cookies are Secure")
  void hstsGoesWithSecureCookies(boolean secure) {
    try (TestApp server = TestApp.start(Map.of(AppConfig.SECURE_COOKIES, Boolean.toString(secure)))) {
      assertEquals(secure, sessionCookie(server).contains("; Secure"), "the session cookie is Secure exactly when configured so");
      for (String path : PATHS) {
        assertEquals(secure ? "max-age=31536000; includeSubDomains" : null, server.get(path).getHeader("Strict-Transport-Security"), path);
      }
    }
  }
}
