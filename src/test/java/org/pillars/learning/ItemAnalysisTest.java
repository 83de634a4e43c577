package org.pillars.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

@ExtendWith(TestPostgres.class)
class ItemAnalysisTest {

  private static void answer(TestApp server, JsonObject answers) {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    String attempt = server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json").bodyAsJsonObject().getString("attempt");
    server.send(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", new JsonObject().put("answers", answers).toBuffer(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
  }

  @Test
  @DisplayName("trainers see, per question, the share right and the wrong option chosen most, and no names")
  void itemAnalysis() {
    try (TestApp server = TestApp.start()) {
      answer(server, new JsonObject().put("host-state", 0).put("tiers", new JsonArray().add(0).add(1).add(3)));
      answer(server, new JsonObject().put("host-state", 0).put("tiers", new JsonArray().add(2)));
      answer(server, new JsonObject().put("host-state", 1).put("tiers", new JsonArray().add(0).add(1).add(3)));
      answer(server, new JsonObject().put("host-state", 2));
      String trainer = Accounts.token(server, Accounts.create(server, "trainer"));

      JsonObject body = server.get("/api/modules/alpha/analysis", "Authorization", "Bearer " + trainer).bodyAsJsonObject();
      JsonObject host = body.getJsonArray("questions").getJsonObject(0);
      assertEquals("host-state", host.getString("question"));
      assertEquals(4, host.getInteger("answered"));
      assertEquals(1, host.getInteger("correct"));
      assertEquals(0, host.getInteger("mostChosenWrongOption"), "the peacekeeping mission, chosen twice");
      assertEquals(2, host.getInteger("mostChosenWrongCount"));
      JsonObject tiers = body.getJsonArray("questions").getJsonObject(1);
      assertEquals(2, tiers.getInteger("correct"));
      assertEquals(2, tiers.getInteger("mostChosenWrongOption"));

      String page = server.get("/modules/alpha/analysis", "Authorization", "Bearer " + trainer).bodyAsString();
      assertTrue(page.contains("25 %") && page.contains("The peacekeeping mission (2)"), page);
      assertFalse(page.contains("Test learner"), "no learner is named");
    }
  }
}
