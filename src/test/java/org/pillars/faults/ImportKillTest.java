package org.pillars.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.support.Accounts;
import org.pillars.support.ServerProcess;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/** A server killed with SIGKILL in the middle of a roster import leaves nothing of it behind. */
@ExtendWith(TestPostgres.class)
class ImportKillTest {

  private static final int ROWS = 20_000;
  private static final String IMPORTING = """
      SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND xact_start IS NOT NULL AND query ~* 'insert into (accounts|password_setups|cohort_members)'""";

  @Test
  @DisplayName("kill -9 of the server during a 20,000-row import: no learner, code or membership of it remains; the same file then imports whole")
  void killMidImport() throws Exception {
    String database = TestPostgres.newDatabase();
    Vertx vertx = Vertx.vertx();
    try (TestApp survivor = TestApp.start(Map.of(AppConfig.DATABASE_URL, database, AppConfig.JWT_KEY_FILE, TestApp.keyFile().toString()))) {
      Pool pool = survivor.app().database().pool();
      long org = pool.query("INSERT INTO organisations (name, country) VALUES ('Kill test', 'K') RETURNING id").execute().await()
          .iterator().next().getLong(0);
      long cohort = pool.preparedQuery("INSERT INTO cohorts (organisation_id, name, starts_on, deploys_on) VALUES ($1, 'Big', "
          + "current_date, current_date + 30) RETURNING id").execute(Tuple.of(org)).await().iterator().next().getLong(0);
      String token = Accounts.token(survivor, Accounts.create(survivor, "coordinator", org));
      StringBuilder csv = new StringBuilder("name,service number,rank,unit\n");
      for (int i = 0; i < ROWS; i++) {
        csv.append("Learner ").append(i).append(",SN-KILL-").append(i).append(",Private,Company ").append(i % 9).append('\n');
      }
      Buffer roster = Buffer.buffer(csv.toString().getBytes(StandardCharsets.UTF_8));

      try (ServerProcess victim = ServerProcess.start(Map.of("DATABASE_URL", database,
          "PILLARS_JWT_KEY_FILE", TestApp.keyFile().toString(), "PILLARS_COURSES", TestApp.GOOD_COURSES))) {
        WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(victim.port()));
        Future<HttpResponse<Buffer>> importing = client.post("/api/cohorts/" + cohort + "/import")
            .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "text/csv").sendBuffer(roster);
        await("the import's inserts to start").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
            .until(() -> importing.isComplete() || count(pool, IMPORTING) > 0);
        assertFalse(importing.isComplete(), "the import finished before it could be interrupted; make it larger");
        victim.kill();  // the import's transaction is open: its inserts are under way
        client.close();
      }

      await("PostgreSQL to roll the import back once it notices the client is gone").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50)).until(() -> count(pool, IMPORTING) == 0);
      assertEquals(0L, count(pool, "SELECT count(*) FROM accounts WHERE service_number LIKE 'SN-KILL-%'"), "learners half-imported");
      assertEquals(0L, count(pool, "SELECT count(*) FROM cohort_members WHERE cohort_id = " + cohort), "memberships half-imported");
      assertEquals(0L, count(pool, "SELECT count(*) FROM password_setups s JOIN accounts a ON a.id = s.account_id "
          + "WHERE a.service_number LIKE 'SN-KILL-%'"), "setup codes half-imported");

      HttpResponse<Buffer> again = survivor.send(HttpMethod.POST, "/api/cohorts/" + cohort + "/import", roster,
          "Authorization", "Bearer " + token, "Content-Type", "text/csv");
      assertEquals(200, again.statusCode() / 100 * 100, again.bodyAsString().substring(0, Math.min(300, again.bodyAsString().length())));
      JsonObject result = again.bodyAsJsonObject();
      assertEquals(ROWS, result.getInteger("created"), "the whole file goes in on a live server");
      assertEquals((long) ROWS, count(pool, "SELECT count(*) FROM cohort_members WHERE cohort_id = " + cohort));
    } finally {
      vertx.close().await();
    }
  }

  private static long count(Pool pool, String sql) {
    return pool.query(sql).execute().await().iterator().next().getLong(0);
  }
}
