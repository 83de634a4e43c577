package org.pillars.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

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

  @Test
  @DisplayName("a body that arrives after its headers is watched only until it ends, not until the watch's next tick")
  void watchStopsWhenTheBodyEnds() throws Exception {
    HttpClient client = server.app().vertx().createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setIdleTimeout(15));
    try {
      Buffer body = new JsonObject().put("username", username).put("password", Accounts.PASSPHRASE).toBuffer();
      int before = Bodies.watching();
      HttpClientRequest request = client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost")
          .setPort(server.port()).setURI("/api/auth/token")).await();
      request.putHeader("Content-Type", "application/json").putHeader("Content-Length", String.valueOf(body.length()));
      request.sendHead().await();
      // the headers alone: the server has begun to watch for the body
      await().atMost(Duration.ofSeconds(5)).until(() -> Bodies.watching() == before + 1);
      request.end(body);
      // the body is read as the response arrives, on the client's event loop (asked for later, it may be gone)
      int[] status = {0};
      Buffer answer = request.response().compose(r -> {
        status[0] = r.statusCode();
        return r.body();
      }).await(10, TimeUnit.SECONDS);
      assertEquals(200, status[0], answer.toString());
      // the idle timeout is 30 s, so the watch's tick is 3 s away: only the end of the body can have stopped it
      assertEquals(before, Bodies.watching());
    } finally {
      client.close();
    }
  }
}
