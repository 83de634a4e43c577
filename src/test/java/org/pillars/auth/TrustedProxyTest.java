package org.pillars.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.config.ConfigException;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

/**
 * Behind a load balancer every login comes from the balancer's address: with PILLARS_TRUSTED_PROXIES the
 * address throttle keys on the client named in X-Forwarded-For, and only when the peer is such a proxy.
 */
@ExtendWith(TestPostgres.class)
class TrustedProxyTest {

  private static HttpResponse<Buffer> login(TestApp server, String username, String password, String forwardedFor) {
    return server.send(HttpMethod.POST, "/api/auth/token", new JsonObject().put("username", username).put("password", password).toBuffer(),
        "Content-Type", "application/json", "X-Forwarded-For", forwardedFor);
  }

  @Test
  @DisplayName("through a trusted proxy, one client's failed logins slow down that client only, and a forged left part changes nothing")
  void throttlesTheClientBehindTheProxy() {
    try (TestApp server = TestApp.start(Map.of(AppConfig.TRUSTED_PROXIES, "127.0.0.1, ::1"))) {
      String victim = Accounts.create(server, "learner");
      for (int i = 0; i < AuthService.ADDRESS_FREE_FAILURES; i++) {
        // a guesser who also sends its own X-Forwarded-For: the proxy appends the real address on the right
        login(server, "guess-" + i, "password" + i, "10.9.8." + i + ", 203.0.113.5");
      }
      assertEquals(429, login(server, victim, Accounts.PASSPHRASE, "203.0.113.5").statusCode(), "the guessing client is slowed down");
      assertEquals(200, login(server, victim, Accounts.PASSPHRASE, "198.51.100.7").statusCode(), "another client behind the proxy is not");
    }
  }

  @Test
  @DisplayName("without trusted proxies, X-Forwarded-For is ignored: a client cannot escape the throttle by changing it")
  void ignoredFromUntrustedPeers() {
    try (TestApp server = TestApp.start()) {
      String victim = Accounts.create(server, "learner");
      for (int i = 0; i < AuthService.ADDRESS_FREE_FAILURES; i++) {
        login(server, "guess-" + i, "password" + i, "203.0.113." + i);
      }
      assertEquals(429, login(server, victim, Accounts.PASSPHRASE, "198.51.100.7").statusCode());
    }
  }

  @Test
  @DisplayName("a malformed PILLARS_TRUSTED_PROXIES stops the start with a line naming the key")
  void malformedSetting() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> AppConfig.from(Map.of(AppConfig.TRUSTED_PROXIES, "10.0.0.1, proxy.example"), key -> null));
    assertEquals(true, e.getMessage().startsWith("PILLARS_TRUSTED_PROXIES"), e.getMessage());
  }
}
