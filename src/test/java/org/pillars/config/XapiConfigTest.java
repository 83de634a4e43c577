package org.pillars.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The learning record store's keys and the outbox's timings: named keys, defaults, and a start refused by name. */
class XapiConfigTest {

  private static AppConfig config(Map<String, String> env) {
    return AppConfig.from(env, k -> null);
  }

  private static String refusal(Map<String, String> env) {
    return assertThrows(ConfigException.class, () -> config(env)).getMessage();
  }

  @Test
  @DisplayName("no LRS by default; the outbox looks every 5 s and waits 2 s after a first failure")
  void defaults() {
    AppConfig c = config(Map.of());
    assertTrue(c.lrs().isEmpty());
    assertEquals(new AppConfig.Outbox(5000, 2000), c.outbox());
  }

  @Test
  @DisplayName("an LRS is its address (trailing slash dropped), key, secret and timeout; the secret never shows in the config's text")
  void lrs() {
    AppConfig c = config(Map.of("PILLARS_XAPI_URL", "https://lrs.example.org/xapi/", "PILLARS_XAPI_KEY", "pillars",
        "PILLARS_XAPI_SECRET", "very-secret", "PILLARS_XAPI_TIMEOUT_SECONDS", "3", "PILLARS_OUTBOX_INTERVAL_MS", "100"));
    assertEquals(new AppConfig.Lrs("https://lrs.example.org/xapi", "pillars", "very-secret", 3), c.lrs().orElseThrow());
    assertEquals(100, c.outbox().intervalMs());
    assertFalse(c.toString().contains("very-secret"), c.toString());
  }

  @Test
  @DisplayName("a malformed or incomplete LRS setting stops the start, naming the key")
  void refused() {
    assertEquals("PILLARS_XAPI_KEY is required with PILLARS_XAPI_URL",
        refusal(Map.of("PILLARS_XAPI_URL", "https://lrs.example.org", "PILLARS_XAPI_SECRET", "s")));
    assertEquals("PILLARS_XAPI_SECRET is required with PILLARS_XAPI_URL",
        refusal(Map.of("PILLARS_XAPI_URL", "https://lrs.example.org", "PILLARS_XAPI_KEY", "k")));
    assertEquals("PILLARS_XAPI_SECRET is set but PILLARS_XAPI_URL is not: set the learning record store's address too",
        refusal(Map.of("PILLARS_XAPI_SECRET", "s")));
    assertTrue(refusal(Map.of("PILLARS_XAPI_URL", "lrs.example.org", "PILLARS_XAPI_KEY", "k", "PILLARS_XAPI_SECRET", "s"))
        .startsWith("PILLARS_XAPI_URL must be an address"));
    assertTrue(refusal(Map.of("PILLARS_OUTBOX_BACKOFF_MS", "soon")).startsWith("PILLARS_OUTBOX_BACKOFF_MS must be a whole number"));
  }
}
