package org.pillars.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Guessing must not lock the owner out (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a
 * browser that has logged in as someone is throttled on its own for that someone, apart from the account's
 * untrusted clients and from its address.
 */
@ExtendWith(TestPostgres.class)
class DeviceCookieTest {

  private static final String DEVICE_COOKIE = "pillars_device";
  private static final int DEVICE_FREE_FAILURES = 5;
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  /** A browser's cookie jar, kept from one response to the next as a browser keeps it. */
  private static final class Browser {
    private final TestApp server;
    private final String address;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    /** A browser whose requests the trusted proxy forwards from {@code address}; null when there is no proxy. */
    Browser(TestApp server, String address) {
      this.server = server;
      this.address = address;
    }

    HttpResponse<Buffer> login(String username, String password) {
      return keep(server.send(HttpMethod.POST, "/login", Accounts.form("username", username, "password", password), headers(
          "Content-Type", "application/x-www-form-urlencoded")));
    }

    HttpResponse<Buffer> apiLogin(String username, String password) {
      return keep(server.send(HttpMethod.POST, "/api/auth/token",
          new JsonObject().put("username", username).put("password", password).toBuffer(), headers("Content-Type", "application/json")));
    }

    /** Logs in with the right password (303 to /home), then out again, so that the browser can be used for the next login. */
    Browser signsIn(String username, String what) {
      HttpResponse<Buffer> in = login(username, Accounts.PASSPHRASE);
      assertEquals(303, in.statusCode(), what + ": " + in.bodyAsString());
      assertEquals("/home", in.getHeader("Location"), what);
      Matcher csrf = CSRF.matcher(keep(server.get("/home", headers())).bodyAsString());
      assertTrue(csrf.find(), what + ": signed in as " + username);
      HttpResponse<Buffer> out = keep(server.send(HttpMethod.POST, "/logout", Accounts.form("_csrf", csrf.group(1)),
          headers("Content-Type", "application/x-www-form-urlencoded")));
      assertEquals(303, out.statusCode(), out.bodyAsString());
      assertFalse(cookies.containsKey(Authn.COOKIE), "logged out: " + cookies);
      return this;
    }

    private String[] headers(String... more) {
      List<String> all = new ArrayList<>(List.of(more));
      if (address != null) {
        all.addAll(List.of("X-Forwarded-For", address));
      }
      if (!cookies.isEmpty()) {
        all.addAll(List.of("Cookie", String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())));
      }
      return all.toArray(String[]::new);
    }

    private HttpResponse<Buffer> keep(HttpResponse<Buffer> response) {
      for (String set : response.cookies()) {
        String pair = set.split(";", 2)[0];
        String name = pair.substring(0, pair.indexOf('=')).strip();
        String value = pair.substring(pair.indexOf('=') + 1).strip();
        if (value.isEmpty() || set.contains("Max-Age=0")) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      return response;
    }
  }

  private static HttpResponse<Buffer> freshLogin(TestApp server, String username, String password, String address) {
    return new Browser(server, address).apiLogin(username, password);
  }

  private static void slowed(HttpResponse<Buffer> r, String what) {
    assertEquals(429, r.statusCode(), what + ": " + r.bodyAsString());
    assertTrue(Long.parseLong(r.getHeader("Retry-After")) >= 1, what + ": Retry-After " + r.getHeader("Retry-After"));
  }

  /** Counts failures for the account as if they had been made over HTTP, without waiting out the throttle. */
  private static void recordFailures(TestApp server, String username, int failures) {
    long rows = server.app().database().pool().preparedQuery(
            "UPDATE login_failures SET failures = $2, last_failure = now() WHERE key = $1 RETURNING key")
        .execute(Tuple.of(AuthService.accountKey(username), failures)).await().size();
    assertEquals(1, rows, "the failures over HTTP were counted for the account");
  }

  @Test
  @DisplayName("1,000 failed logins for an account from other addresses do not stop its owner logging in from a browser"
      + " that logged in before; fresh clients are still slowed down with 429 and Retry-After")
  void ownerLogsInDespiteGuessing() {
    try (TestApp server = TestApp.start(Map.of(AppConfig.TRUSTED_PROXIES, "127.0.0.1, ::1"))) {
      String owner = Accounts.create(server, "learner");
      Browser own = new Browser(server, "198.51.100.7").signsIn(owner, "a first visit");

      for (int i = 0; i < AuthService.ACCOUNT_FREE_FAILURES; i++) {
        assertEquals(401, freshLogin(server, owner, "guess-" + i, "203.0.113." + i).statusCode());
      }
      recordFailures(server, owner, 1000);

      slowed(freshLogin(server, owner, Accounts.PASSPHRASE, "192.0.2.9"), "a fresh client with the right password");
      slowed(new Browser(server, "198.51.100.7").login(owner, Accounts.PASSPHRASE), "a fresh browser at the owner's address");
      own.signsIn(owner, "the owner's browser");
    }
  }

  @Test
  @DisplayName("30 failed logins from a training centre's shared address do not stop the others there who logged in from"
      + " their browser, or a shared one, before; fresh clients there are still slowed down")
  void sharedAddress() {
    try (TestApp server = TestApp.start()) {
      // without trusted proxies every request comes from 127.0.0.1: the centre's one address
      String first = Accounts.create(server, "learner");
      String second = Accounts.create(server, "learner");
      String third = Accounts.create(server, "learner");
      Browser own = new Browser(server, null).signsIn(first, "a first visit");
      Browser shared = new Browser(server, null).signsIn(second, "a first visit").signsIn(third, "a first visit");

      for (int i = 0; i < AuthService.ADDRESS_FREE_FAILURES; i++) {
        assertEquals(401, freshLogin(server, "guess-" + i + "-" + first, "password" + i, null).statusCode());
      }

      slowed(freshLogin(server, Accounts.create(server, "learner"), Accounts.PASSPHRASE, null), "a fresh client");
      own.signsIn(first, "a learner's own browser");
      shared.signsIn(second, "the shared browser, for its first user").signsIn(third, "the shared browser, for its second user");
    }
  }

  @Test
  @DisplayName("a device that fails five times is slowed down itself; the account's other devices and its untrusted clients are not")
  void deviceLockout() {
    try (TestApp server = TestApp.start()) {
      String owner = Accounts.create(server, "learner");
      Browser mistyped = new Browser(server, null).signsIn(owner, "a first visit");
      Browser other = new Browser(server, null).signsIn(owner, "a first visit");

      for (int i = 0; i < DEVICE_FREE_FAILURES; i++) {
        assertEquals(401, mistyped.login(owner, "wrong-" + i).statusCode());
      }
      slowed(mistyped.login(owner, Accounts.PASSPHRASE), "the device that failed");
      other.signsIn(owner, "another device of the owner");
      assertEquals(200, freshLogin(server, owner, Accounts.PASSPHRASE, null).statusCode(), "an untrusted client");

      for (int i = 0; i < AuthService.ACCOUNT_FREE_FAILURES; i++) {
        assertEquals(401, freshLogin(server, owner, "wrong-" + i, null).statusCode());
      }
      slowed(freshLogin(server, owner, Accounts.PASSPHRASE, null), "untrusted clients, once they have failed");
      assertEquals(200, other.apiLogin(owner, Accounts.PASSPHRASE).statusCode(), "the other device, through the API too");
    }
  }

  @Test
  @DisplayName("the device cookie is HttpOnly, SameSite=Lax, Secure and long-lived, and counts only for its own username, unaltered")
  void deviceCookieIsBound() {
    try (TestApp server = TestApp.start()) {
      String owner = Accounts.create(server, "learner");
      String victim = Accounts.create(server, "learner");
      Browser browser = new Browser(server, null);
      HttpResponse<Buffer> in = browser.login(owner, Accounts.PASSPHRASE);
      browser.cookies.remove(Authn.COOKIE);  // the session ends; the device cookie stays
      String set = in.cookies().stream().filter(c -> c.startsWith(DEVICE_COOKIE + "=")).findFirst()
          .orElseThrow(() -> new AssertionError("no device cookie in " + in.cookies()));
      assertTrue(set.toLowerCase(Locale.ROOT).contains("httponly") && set.contains("SameSite=Lax") && set.contains("Secure")
          && set.contains("Path=/"), set);
      Matcher age = Pattern.compile("Max-Age=(\\d+)").matcher(set);
      assertTrue(age.find() && Long.parseLong(age.group(1)) >= 180L * 24 * 3600, set);

      for (String user : List.of(owner, victim)) {
        assertEquals(401, freshLogin(server, user, "wrong", null).statusCode());
        recordFailures(server, user, 1000);
      }
      slowed(browser.login(victim, Accounts.PASSPHRASE), "the owner's device cookie, for another username");
      String value = browser.cookies.get(DEVICE_COOKIE);
      int at = value.length() - 5;  // in the signature; not its last character, whose low bits base64 may not carry
      browser.cookies.put(DEVICE_COOKIE, value.substring(0, at) + (value.charAt(at) == 'A' ? 'B' : 'A') + value.substring(at + 1));
      slowed(browser.login(owner, Accounts.PASSPHRASE), "an altered device cookie");
      browser.cookies.put(DEVICE_COOKIE, value);
      browser.signsIn(owner, "the device cookie as issued");
    }
  }

  @Test
  @DisplayName("one browser keeps notes for its last five users, under a key of its own derived from the signing key")
  void lastFiveUsers() {
    SigningKeys keys = SigningKeys.read(TestApp.keyFile());
    assertFalse(Arrays.equals(keys.csrfKey(), keys.deviceKey()), "not the CSRF key");
    DeviceCookies devices = new DeviceCookies(keys.deviceKey());
    String cookie = null;
    for (int i = 1; i <= 6; i++) {
      cookie = devices.issue(cookie, "user" + i);
    }
    assertTrue(devices.device(cookie, "user1").isEmpty(), "the sixth user pushed the first out: " + cookie);
    for (int i = 2; i <= 6; i++) {
      assertTrue(devices.device(cookie, "user" + i).isPresent(), "user" + i + " in " + cookie);
    }
    String again = devices.issue(cookie, "user4");
    assertTrue(again.startsWith(devices.device(again, "user4").orElseThrow()), "a new note comes first: " + again);
    assertEquals(5, again.split("~").length, "and replaces the user's old one: " + again);
    assertTrue(new DeviceCookies(keys.csrfKey()).device(again, "user4").isEmpty(), "another key does not accept it");
  }
}
