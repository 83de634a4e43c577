package org.pillars.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.config.AppConfig;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;
import org.pillars.support.StoppablePostgres;

/** The probes: live while the process serves, ready only while the database answers and a module is loaded. */
@ExtendWith(TestPostgres.class)
class HealthTest {

  private static JsonObject answer(HttpResponse<Buffer> r, int status) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    return r.bodyAsJsonObject();
  }

  @Test
  @DisplayName("with its database stopped the server is live but not ready, says the database is down, and is ready again once it is back")
  void databaseDown() throws Exception {
    try (StoppablePostgres postgres = StoppablePostgres.start(); TestApp server = postgres.serve(Map.of())) {
      assertEquals(new JsonObject().put("status", "up"), answer(server.get("/health/live"), 200));
      assertEquals(new JsonObject().put("status", "up").put("database", "up").put("content", "up"),
          answer(server.get("/health/ready"), 200));

      postgres.stop();
      assertEquals(new JsonObject().put("status", "down").put("database", "down").put("content", "up"),
          answer(server.get("/health/ready"), 503));
      assertEquals(new JsonObject().put("status", "up"), answer(server.get("/health/live"), 200), "live asks no database");
      assertEquals("down", answer(server.get("/health"), 503).getString("database"), "the old route says so too");

      postgres.restart();
      org.awaitility.Awaitility.await("ready again").atMost(java.time.Duration.ofSeconds(20))
          .until(() -> server.get("/health/ready").statusCode() == 200);
    }
  }

  @TempDir
  Path courses;

  @Test
  @DisplayName("with no module loaded the server is live but not ready, and says the content is down")
  void noContent() {
    try (TestApp server = TestApp.start(Map.of(AppConfig.COURSES, courses.toString()))) {
      assertEquals(new JsonObject().put("status", "down").put("database", "up").put("content", "down"),
          answer(server.get("/health/ready"), 503));
      answer(server.get("/health/live"), 200);
    }
  }
}
