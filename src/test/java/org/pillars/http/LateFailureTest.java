package org.pillars.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;

/**
 * A page or a JSON answer that fails as it is sent, from a future's success handler (where a throw goes nowhere),
 * fails the request with a 500 instead of leaving the client waiting.
 */
@ExtendWith(VertxExtension.class)
class LateFailureTest {

  @Test
  @DisplayName("a page that cannot render, or an answer that breaks its contract, sent late, is a 500 at once, not a hang")
  void lateFailuresAnswer(Vertx vertx) {
    Messages messages = new Messages(List.of("en", "fr"));
    Pages pages = new Pages(new Templates(messages), messages, Assets.load(Path.of("webroot")));
    Router router = Router.router(vertx);
    router.get("/page").handler(ctx -> vertx.setTimer(1, id -> pages.send(ctx, "no-such-page", new HashMap<>(Map.of("lang", "en")))));
    router.get("/json").handler(ctx -> {
      ctx.put(Json.RESPONSE_CHECK, (Json.ResponseCheck) (status, body) -> {
        throw new IllegalStateException("the answer breaks its schema");
      });
      vertx.setTimer(1, id -> Json.send(ctx, 200, new JsonObject()));
    });
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0).await();
    WebClient client = WebClient.create(vertx, new WebClientOptions().setIdleTimeout(5));
    try {
      assertEquals(500, client.get(server.actualPort(), "localhost", "/page").send().await().statusCode());
      assertEquals(500, client.get(server.actualPort(), "localhost", "/json").send().await().statusCode());
    } finally {
      client.close();
      server.close().await();
    }
  }
}
