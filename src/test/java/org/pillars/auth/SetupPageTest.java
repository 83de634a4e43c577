package org.pillars.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.Cohorts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * A learner with a set-up code, as they meet it: typed on the login page or at /setup (in capitals, with spaces, as
 * read off a slip), then a password chosen, after which they are signed in and on their modules.
 */
@ExtendWith(TestPostgres.class)
class SetupPageTest {

  private static TestApp server;
  private static String admin;
  private static long organisation;

  @BeforeAll
  static void start() {
    server = TestApp.start();
    admin = Accounts.token(server, Accounts.create(server, "admin"));
    organisation = Cohorts.organisation(server, "Setup page org");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A new learner's username and one-time code. */
  private static String[] newLearner(String username) {
    JsonObject made = server.send(HttpMethod.POST, "/api/admin/accounts", new JsonObject().put("username", username)
        .put("displayName", "Setup " + username).put("role", "learner").put("organisation", organisation).toBuffer(),
        "Authorization", "Bearer " + admin, "Content-Type", "application/json").bodyAsJsonObject();
    return new String[] {made.getString("username"), made.getString("setupCode")};
  }

  @Test
  @DisplayName("the login page and /setup ask for the code; one typed in capitals with spaces and dashes leads to its page; a malformed one is refused with the reason")
  void askedForTheCode() {
    String login = server.get("/login").bodyAsString();
    assertTrue(login.contains("action=\"/setup\"") && login.contains("name=\"code\""), "the login page has a set-up code box");
    HttpResponse<Buffer> ask = server.get("/setup");
    assertEquals(200, ask.statusCode(), "/setup alone asks for the code instead of a 404");
    assertTrue(ask.bodyAsString().contains("name=\"code\""));

    String code = newLearner("setup.typed")[1];
    String typed = code.toUpperCase(Locale.ROOT).substring(0, 5) + " " + code.toUpperCase(Locale.ROOT).substring(5, 10) + "-"
        + code.substring(10);
    HttpResponse<Buffer> found = server.get("/setup?code=" + java.net.URLEncoder.encode(typed, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(303, found.statusCode());
    assertEquals("/setup/" + code, found.getHeader("Location"));
    assertEquals(200, server.get(found.getHeader("Location")).statusCode());

    HttpResponse<Buffer> bad = server.get("/setup?code=%3Cscript%3E");
    assertEquals(400, bad.statusCode());
    assertTrue(bad.bodyAsString().contains("This set-up code is unknown") || bad.bodyAsString().contains("unknown"), bad.bodyAsString());
    assertTrue(!bad.bodyAsString().contains("<script>"), "what was typed is not echoed as markup");
  }

  @Test
  @DisplayName("after choosing a password the learner is signed in and lands on their modules; the page offers to show the password while typed")
  void signedInAfterSetup() {
    String[] learner = newLearner("setup.signedin");
    String page = server.get("/setup/" + learner[1]).bodyAsString();
    assertTrue(page.contains("data-reveal=\"password\""), "a box to show the password as it is typed");
    HttpResponse<Buffer> done = server.send(HttpMethod.POST, "/setup/" + learner[1],
        Accounts.form("password", "quiet harbour lantern 7"), "Content-Type", "application/x-www-form-urlencoded");
    assertEquals(303, done.statusCode(), done.bodyAsString());
    assertEquals("/home", done.getHeader("Location"));
    String cookie = done.cookies().stream().filter(c -> c.startsWith("pillars_token=")).findFirst().orElseThrow();
    HttpResponse<Buffer> home = server.get("/home", "Cookie", cookie.substring(0, cookie.indexOf(';')));
    assertEquals(200, home.statusCode(), "signed in");
    assertTrue(home.bodyAsString().contains("Setup setup.signedin"), "as the learner");
  }
}
