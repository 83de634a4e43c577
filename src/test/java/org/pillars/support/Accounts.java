package org.pillars.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pillars.auth.Passwords;

/** Accounts made straight in the test database, and ways to sign them in over HTTP. */
public final class Accounts {

  public static final String PASSPHRASE = "correct-horse-battery-staple";
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final String HASH = Passwords.hash(PASSPHRASE);
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  /** A signed-in browser: its session cookie and the CSRF token its pages carry. */
  public record Browser(String cookie, String csrf) { }

  private Accounts() {
  }

  /** Creates an account with {@link #PASSPHRASE} in a fresh organisation (or the given one); returns its username. */
  public static String create(TestApp server, String role) {
    return create(server, role, null);
  }

  public static String create(TestApp server, String role, Long organisationId) {
    int n = COUNTER.incrementAndGet();
    String username = role + n;
    var pool = server.app().database().pool();
    long org = organisationId != null ? organisationId : pool.preparedQuery(
            "INSERT INTO organisations (name, country) VALUES ($1, 'Testland') RETURNING id")
        .execute(Tuple.of("Org " + username)).await().iterator().next().getLong(0);
    pool.preparedQuery("INSERT INTO accounts (organisation_id, username, display_name, role, password_hash) "
        + "VALUES ($1, $2, $3, $4, $5)").execute(Tuple.of(org, username, "Test " + username, role, HASH)).await();
    return username;
  }

  public static long id(TestApp server, String username) {
    return server.app().database().pool().preparedQuery("SELECT id FROM accounts WHERE username = $1")
        .execute(Tuple.of(username)).await().iterator().next().getLong(0);
  }

  /** A bearer token from POST /api/auth/token. */
  public static String token(TestApp server, String username) {
    HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/api/auth/token",
        new JsonObject().put("username", username).put("password", PASSPHRASE).toBuffer(), "Content-Type", "application/json");
    if (r.statusCode() != 200) {
      throw new AssertionError("login of " + username + " failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject().getString("token");
  }

  /** Logs in through the login form like a browser, then reads the CSRF token from the home page. */
  public static Browser browser(TestApp server, String username) {
    HttpResponse<Buffer> r = server.send(HttpMethod.POST, "/login",
        form("username", username, "password", PASSPHRASE, "next", "/home"),
        "Content-Type", "application/x-www-form-urlencoded");
    if (r.statusCode() != 303) {
      throw new AssertionError("form login of " + username + " failed: " + r.statusCode() + " " + r.bodyAsString());
    }
    String cookie = r.cookies().stream().filter(c -> c.startsWith("pillars_token=")).findFirst().orElseThrow();
    cookie = cookie.substring(0, cookie.indexOf(';'));
    String home = server.get("/home", "Cookie", cookie).bodyAsString();
    Matcher m = CSRF.matcher(home);
    if (!m.find()) {
      throw new AssertionError("no CSRF token on the home page: " + home);
    }
    return new Browser(cookie, m.group(1));
  }

  /** An application/x-www-form-urlencoded body from name, value pairs, each value properly encoded. */
  public static Buffer form(String... pairs) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      if (body.length() > 0) {
        body.append('&');
      }
      body.append(pairs[i]).append('=').append(java.net.URLEncoder.encode(pairs[i + 1], java.nio.charset.StandardCharsets.UTF_8));
    }
    return Buffer.buffer(body.toString());
  }

  public static String bearer(String token) {
    return "Bearer " + token;
  }
}
