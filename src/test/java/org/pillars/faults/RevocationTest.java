package org.pillars.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.auth.AuthService;
import org.pillars.db.Notifications;
import org.pillars.support.Accounts;
import org.pillars.support.Saboteur;
import org.pillars.support.ServerProcess;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Servers keep the sessions they have checked in memory (auth.SessionCache). That is safe only if a session
 * ended anywhere is refused everywhere at once: here a logout, a role change and a disabled account, each made
 * through server A, are refused by server B (its own process) within a second; and B trusts its memory only while
 * its notification connection is alive, proven by changes made behind its back (triggers off) that B may only
 * see once that connection is cut, or has gone silent.
 */
@ExtendWith(TestPostgres.class)
class RevocationTest {

  private static final Duration AT_ONCE = Duration.ofSeconds(1);

  private static Vertx vertx;
  private static TestApp a;
  private static ServerProcess b;
  private static WebClient toB;
  private static String adminToken;

  @BeforeAll
  static void twoServers() throws Exception {
    String database = TestPostgres.newDatabase();
    vertx = Vertx.vertx();
    a = TestApp.start(Map.of(AppConfig.DATABASE_URL, database, AppConfig.JWT_KEY_FILE, TestApp.keyFile().toString()));
    b = ServerProcess.start(Map.of("DATABASE_URL", database, "PILLARS_JWT_KEY_FILE", TestApp.keyFile().toString(),
        "PILLARS_COURSES", TestApp.GOOD_COURSES));
    toB = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(b.port())
        .setFollowRedirects(false).setIdleTimeout(60));
    adminToken = Accounts.token(a, Accounts.create(a, "admin"));
  }

  @AfterAll
  static void stop() throws Exception {
    toB.close();
    b.close();
    a.close();
    vertx.close().await();
  }

  private static int onB(String token) {
    return toB.get("/api/me").putHeader("Authorization", "Bearer " + token).send().await().statusCode();
  }

  /** B has just admitted the token, so it holds the session in memory; within a second it must refuse it. */
  private static void refusedOnBAtOnce(String token, String what) {
    await(what + " refused on the other server").atMost(AT_ONCE).pollInterval(Duration.ofMillis(20))
        .until(() -> onB(token) == 401);
  }

  @Test
  @DisplayName("a logout, a role change and a disabled account on one server are refused on the other within a second")
  void changesReachTheOtherServer() {
    try (Saboteur saboteur = Saboteur.on(a)) {
      bothListening(saboteur);
    }
    String loggedOut = Accounts.token(a, Accounts.create(a, "learner"));
    assertEquals(200, onB(loggedOut));
    assertEquals(200, onB(loggedOut), "admitted again");
    assertEquals(204, a.send(HttpMethod.POST, "/api/auth/logout", null, "Authorization", "Bearer " + loggedOut).statusCode());
    refusedOnBAtOnce(loggedOut, "a logout");

    String promoted = Accounts.create(a, "learner");
    String promotedToken = Accounts.token(a, promoted);
    assertEquals(200, onB(promotedToken));
    assertEquals(204, a.send(HttpMethod.PUT, "/api/admin/accounts/" + Accounts.id(a, promoted) + "/role",
        new JsonObject().put("role", "trainer").toBuffer(), "Authorization", "Bearer " + adminToken,
        "Content-Type", "application/json").statusCode());
    refusedOnBAtOnce(promotedToken, "a role change");

    String disabled = Accounts.create(a, "learner");
    String disabledToken = Accounts.token(a, disabled);
    assertEquals(200, onB(disabledToken));
    assertEquals(204, a.send(HttpMethod.POST, "/api/admin/accounts/" + Accounts.id(a, disabled) + "/disable", null,
        "Authorization", "Bearer " + adminToken).statusCode());
    refusedOnBAtOnce(disabledToken, "a disabled account");
  }

  @Test
  @DisplayName("once the notification connection is cut, nothing is trusted from memory")
  void cutConnection() throws Exception {
    endedBehindTheServersBack((saboteur, listeners) -> listeners.forEach(saboteur::terminate),
        "a session ended while B's notification connection was being cut");
  }

  @Test
  @DisplayName("a notification connection that stops answering (its backend stopped, the socket open) is not trusted past a second")
  void silentConnection() throws Exception {
    endedBehindTheServersBack((saboteur, listeners) -> signal("STOP", listeners),
        "a session ended while B's notification connection is silent");
  }

  interface Fault {
    void strike(Saboteur saboteur, List<Integer> listeners) throws Exception;
  }

  /**
   * B holds a session in memory; the session is ended without an announcement, which B cannot know of, so it still
   * admits it (what the check relies on); then {@code fault} strikes the servers' notification connections, and B
   * must refuse the session within a second; and once B listens again, what it knew from before is gone, so it
   * still refuses. Stopped backends are let go on again.
   */
  private static void endedBehindTheServersBack(Fault fault, String what) throws Exception {
    String learner = Accounts.create(a, "learner");
    String token = Accounts.token(a, learner);
    try (Saboteur saboteur = Saboteur.on(a)) {
      List<Integer> listeners = bothListening(saboteur);
      assertEquals(200, onB(token));
      endUnannounced(saboteur, learner);
      assertEquals(200, onB(token), "the session ended unannounced: B still goes by its memory");
      try {
        fault.strike(saboteur, listeners);
        refusedOnBAtOnce(token, what);
      } finally {
        resume(listeners);
      }
      bothListening(saboteur);
      await("listening again, B has dropped what it knew before the fault").during(Duration.ofSeconds(1))
          .atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(50)).until(() -> onB(token) == 401);
    }
  }

  /**
   * Waits until both servers listen and have had a heartbeat answered: their channels are live, so B goes by its
   * memory (an earlier test may have cut or stopped the connections). Gives the listening backends' pids.
   */
  private static List<Integer> bothListening(Saboteur saboteur) {
    return await("both servers listening").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> saboteur.backends(Notifications.applicationName(AuthService.sessionChannel()), "SELECT 1"), pids -> pids.size() == 2);
  }

  /** Ends the learner's sessions with the database's triggers off: no server hears of it. */
  private static void endUnannounced(Saboteur saboteur, String learner) {
    saboteur.execute("SET session_replication_role = replica");
    saboteur.execute("UPDATE sessions SET revoked_at = now() WHERE account_id = (SELECT id FROM accounts WHERE username = ?)",
        learner);
    saboteur.execute("SET session_replication_role = DEFAULT");
  }

  /** Lets stopped backends go on (those already gone are skipped). */
  private static void resume(List<Integer> pids) throws Exception {
    for (int pid : pids) {
      new ProcessBuilder("kill", "-CONT", String.valueOf(pid)).redirectErrorStream(true).start().waitFor();
    }
  }

  /** kill -SIGNAL: PostgreSQL's backends are processes of this machine. */
  private static void signal(String signal, List<Integer> pids) throws Exception {
    for (int pid : pids) {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
      assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }
  }
}
