package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * A client speaking HTTP/2 (Java's HttpClient does by default, upgrading a clear-text connection) sends a small
 * body with its headers; the body must still reach the route, however long the session check takes.
 */
@ExtendWith(TestPostgres.class)
class Http2BodiesTest {

  private static TestApp server;
  private static String username;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    username = Accounts.create(server, "learner");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "upgrade from HTTP/1.1: {0}")
  @ValueSource(booleans = {true, false})
  @DisplayName("a JSON login over HTTP/2 (with or without the h2c upgrade) is read and answered")
  void jsonOverHttp2(boolean upgrade) {
    WebClient client = WebClient.create(server.app().vertx(), new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(server.port()).setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(upgrade)
        .setIdleTimeout(15));
    try {
      HttpResponse<Buffer> r = client.post("/api/auth/token").putHeader("Content-Type", "application/json")
          .sendBuffer(new JsonObject().put("username", username).put("password", Accounts.PASSPHRASE).toBuffer()).await();
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertEquals(HttpVersion.HTTP_2, r.version());
    } finally {
      client.close();
    }
  }
}
