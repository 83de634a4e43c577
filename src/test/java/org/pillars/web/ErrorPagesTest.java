package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;
import org.pillars.http.Pages;
import org.pillars.http.Templates;
import org.pillars.http.Messages;
import org.pillars.http.Language;
import org.pillars.http.Assets;

/** A handler that blows up: the user sees a plain 500 page; the details stay in the log. */
@ExtendWith(VertxExtension.class)
class ErrorPagesTest {

  private HttpServer server;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) {
    Messages messages = new Messages(List.of("en", "fr"));
    Pages pages = new Pages(new Templates(messages), messages, Assets.load(Path.of("webroot")));
    ErrorHandler errors = new ErrorHandler(pages, 1024);
    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders(false));
    router.get("/boom").handler(ctx -> {
      throw new IllegalStateException("secret detail: password=hunter2 at /etc/pillars");
    });
    router.get("/api/boom").handler(ctx -> ctx.fail(new IllegalStateException("secret detail in the API")));
    router.route().failureHandler(errors::handle);
    server = vertx.createHttpServer().requestHandler(router).listen(0).await();
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close().await();
  }

  @Test
  @DisplayName("a crash in a page handler gives a 500 page that leaks nothing")
  void pageCrash() {
    HttpResponse<Buffer> r = client.get(server.actualPort(), "localhost", "/boom").send().await();
    String html = r.bodyAsString();
    assertEquals(500, r.statusCode(), html);
    assertTrue(html.contains("<h1>Something went wrong</h1>"), html);
    assertFalse(html.contains("secret") || html.contains("hunter2") || html.contains("Exception") || html.contains("at org."), html);
    assertTrue(r.getHeader("Content-Security-Policy") != null);
  }

  @Test
  @DisplayName("a crash in the API gives a JSON 500 that leaks nothing")
  void apiCrash() {
    HttpResponse<Buffer> r = client.get(server.actualPort(), "localhost", "/api/boom").send().await();
    assertEquals(500, r.statusCode());
    assertEquals("internal", r.bodyAsJsonObject().getString("error"));
    assertFalse(r.bodyAsString().contains("secret"), r.bodyAsString());
  }

  @Test
  @DisplayName("the French error page is in French")
  void frenchError() {
    HttpResponse<Buffer> r = client.get(server.actualPort(), "localhost", "/boom").putHeader("Accept-Language", "fr").send().await();
    assertTrue(r.bodyAsString().contains("Une erreur s’est produite"), r.bodyAsString());
  }
}
