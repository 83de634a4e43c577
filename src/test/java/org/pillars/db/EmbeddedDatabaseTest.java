package org.pillars.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.pillars.support.Ports;
import org.junit.jupiter.api.io.TempDir;
import org.pillars.config.AppConfig;
import org.pillars.support.TestApp;

/** The run command's default: no database configured, so the server runs its own. */
class EmbeddedDatabaseTest {

  @TempDir
  Path data;

  private TestApp startEmbedded() {
    Map<String, String> env = new HashMap<>();
    env.put(AppConfig.DATA, data.toString());
    env.put(AppConfig.SEED, null);
    return TestApp.start(env);
  }

  private static List<String> usernames(TestApp server) {
    List<String> names = new ArrayList<>();
    for (Row row : server.app().database().pool().query("SELECT username FROM accounts ORDER BY username").execute().await()) {
      names.add(row.getString(0));
    }
    return names;
  }

  @Test
  @DisplayName("with no database configured it starts PostgreSQL itself, seeds it once, keeps data across restarts and stops it")
  void embeddedLifecycle() throws Exception {
    int pgPort;
    try (TestApp first = startEmbedded()) {
      assertTrue(first.app().database().embedded().isPresent());
      pgPort = first.app().database().embedded().get().port();
      assertEquals(List.of("admin", "coordinator", "learner", "trainer"), usernames(first));
      String role = first.app().database().pool()
          .query("SELECT role FROM accounts WHERE username = 'coordinator'").execute().await().iterator().next().getString(0);
      assertEquals("coordinator", role);
      first.app().database().pool().query("INSERT INTO organisations (name, country) VALUES ('Kept across restarts', 'X')")
          .execute().await();
      assertEquals(200, first.get("/health").statusCode());
    }
    assertFalse(Ports.listening(pgPort), "the embedded PostgreSQL must stop with the server");
    assertTrue(Files.exists(data.resolve("postgres/PG_VERSION")), "data lives in PILLARS_DATA");

    try (TestApp second = startEmbedded()) {
      assertEquals(List.of("admin", "coordinator", "learner", "trainer"), usernames(second), "seeds are not loaded twice");
      long kept = second.app().database().pool()
          .query("SELECT count(*) FROM organisations WHERE name = 'Kept across restarts'").execute().await()
          .iterator().next().getLong(0);
      assertEquals(1, kept, "data written before the restart is still there");
      long members = second.app().database().pool().query("SELECT count(*) FROM cohort_members").execute().await()
          .iterator().next().getLong(0);
      assertEquals(1, members);
      long assignments = second.app().database().pool().query("SELECT count(*) FROM assignments").execute().await()
          .iterator().next().getLong(0);
      assertEquals(3, assignments, "the demo cohort has its three assigned modules, once");
    }
  }

  @Test
  @DisplayName("/health answers 200 while the database is up and 503 once it is down")
  void healthFollowsTheDatabase() throws Exception {
    try (TestApp server = startEmbedded()) {
      HttpResponse<Buffer> up = server.get("/health");
      assertEquals(200, up.statusCode(), up.bodyAsString());
      assertEquals("up", up.bodyAsJsonObject().getString("database"));

      server.app().database().embedded().orElseThrow().close();

      HttpResponse<Buffer> down = server.get("/health");
      assertEquals(503, down.statusCode(), down.bodyAsString());
      assertEquals("down", down.bodyAsJsonObject().getString("database"));
      assertEquals("down", down.bodyAsJsonObject().getString("status"));
    }
  }
}
