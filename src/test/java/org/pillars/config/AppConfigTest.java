package org.pillars.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AppConfigTest {

  @Test
  @DisplayName("defaults: port 8080, data in .data, embedded database with seeds")
  void defaults() {
    AppConfig config = AppConfig.from(Map.of(), k -> null);
    assertEquals(8080, config.port());
    assertEquals(Path.of(".data"), config.dataDir());
    assertTrue(config.embeddedDatabase());
    assertTrue(config.loadSeeds());
  }

  @Test
  @DisplayName("DATABASE_URL or PG* variables select an external database, which gets no seeds unless asked")
  void externalDatabase() {
    AppConfig url = AppConfig.from(Map.of("DATABASE_URL", "postgresql://u@h/db"), k -> null);
    assertFalse(url.embeddedDatabase());
    assertFalse(url.loadSeeds());
    AppConfig pg = AppConfig.from(Map.of("PGHOST", "db.internal"), k -> null);
    assertFalse(pg.embeddedDatabase());
    AppConfig asked = AppConfig.from(Map.of("PGHOST", "db.internal", "PILLARS_SEED", "true"), k -> null);
    assertTrue(asked.loadSeeds());
  }

  @Test
  @DisplayName("a system property overrides the environment")
  void propertyOverrides() {
    AppConfig config = AppConfig.from(Map.of("PORT", "8081"), k -> k.equals("port") ? "9090" : null);
    assertEquals(9090, config.port());
    assertEquals(Optional.empty(), config.databaseUrl());
  }

  @Test
  @DisplayName("uploads: a body idle for 30 s is closed and 16 uploads may be open at once, unless told otherwise")
  void uploadLimits() {
    AppConfig defaults = AppConfig.from(Map.of(), k -> null);
    assertEquals(30, defaults.bodyIdleSeconds());
    assertEquals(16, defaults.maxUploads());
    AppConfig set = AppConfig.from(Map.of("PILLARS_BODY_IDLE_SECONDS", "5", "PILLARS_MAX_UPLOADS", "2"), k -> null);
    assertEquals(5, set.bodyIdleSeconds());
    assertEquals(2, set.maxUploads());
    assertEquals("PILLARS_MAX_UPLOADS must be between 1 and 10000, got '0'",
        assertThrows(ConfigException.class, () -> AppConfig.from(Map.of("PILLARS_MAX_UPLOADS", "0"), k -> null)).getMessage());
  }

  @Test
  @DisplayName("malformed values fail fast and name the key")
  void malformed() {
    assertEquals("PORT must be a whole number, got 'http'",
        assertThrows(ConfigException.class, () -> AppConfig.from(Map.of("PORT", "http"), k -> null)).getMessage());
    assertEquals("PORT must be between 0 and 65535, got '70000'",
        assertThrows(ConfigException.class, () -> AppConfig.from(Map.of("PORT", "70000"), k -> null)).getMessage());
    assertEquals("PILLARS_RELOAD must be true or false, got 'maybe'",
        assertThrows(ConfigException.class, () -> AppConfig.from(Map.of("PILLARS_RELOAD", "maybe"), k -> null)).getMessage());
    assertEquals("PILLARS_PUBLIC_URL must be an address such as https://pillars.example.org (no path), not 'https://x.org/verify'",
        assertThrows(ConfigException.class, () -> AppConfig.from(Map.of("PILLARS_PUBLIC_URL", "https://x.org/verify"), k -> null))
            .getMessage());
  }

  @Test
  @DisplayName("the public address written into certificates: as given, a final slash forgiven; none by default")
  void publicUrl() {
    assertEquals(java.util.Optional.of("https://pillars.example.org"),
        AppConfig.from(Map.of("PILLARS_PUBLIC_URL", " https://pillars.example.org/ "), k -> null).publicUrl());
    assertEquals(java.util.Optional.empty(), AppConfig.from(Map.of(), k -> null).publicUrl());
  }
}
