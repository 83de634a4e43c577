package org.pillars.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.config.AppConfig;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

@ExtendWith(TestPostgres.class)
class BrokenModulesServedTest {

  @Test
  @DisplayName("a server started on a courses folder full of broken modules serves the good one and 404s the rest")
  void servesWhatLoads() {
    try (TestApp server = TestApp.start(Map.of(AppConfig.COURSES, "src/test/resources/courses/mixed"))) {
      String catalogue = server.get("/").bodyAsString();
      assertTrue(catalogue.contains("href=\"/modules/good\""), catalogue);
      assertFalse(catalogue.contains("bad-yaml"), catalogue);
      assertEquals(200, server.get("/modules/good/good-lesson").statusCode());
      assertEquals(404, server.get("/modules/broken-link").statusCode());
      assertEquals(14, server.get("/health").bodyAsJsonObject().getJsonObject("content").getInteger("problems"));
    }
  }
}
