package org.pillars.learning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pillars.support.Accounts;
import org.pillars.support.TestApp;
import org.pillars.support.TestPostgres;

@ExtendWith(TestPostgres.class)
class ItemAnalysisTest {

  private static void answer(TestApp server, JsonObject answers) {
    answer(server, answers, "en");
  }

  /** One new learner's attempt, answered on pages in {@code lang}. */
  private static void answer(TestApp server, JsonObject answers, String lang) {
    String user = Accounts.create(server, "learner");
    String token = Accounts.token(server, user);
    String attempt = server.send(HttpMethod.POST, "/api/modules/alpha/attempts", new JsonObject().toBuffer(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json").bodyAsJsonObject().getString("attempt");
    int status = server.send(HttpMethod.POST, "/api/attempts/" + attempt + "/submit", new JsonObject().put("answers", answers).toBuffer(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json", "Accept-Language", lang).statusCode();
    assertEquals(200, status);
  }

  private static JsonObject question(JsonObject analysis, String id) {
    return analysis.getJsonArray("questions").stream().map(JsonObject.class::cast).filter(q -> q.getString("question").equals(id))
        .findFirst().orElseThrow();
  }

  @Test
  @DisplayName("per version and language: each option's picks, the discrimination index, and the same figures as CSV")
  void byLanguageWithDiscrimination() {
    try (TestApp server = TestApp.start()) {
      JsonArray tiersRight = new JsonArray().add(0).add(1).add(3);
      JsonArray tiersWrong = new JsonArray().add(2);
      // scores 100, 75, 50, 25, 0: host-state is right in all but the last, checkpoint in the first only
      answer(server, new JsonObject().put("host-state", 1).put("tiers", tiersRight).put("mandate-not-r2p", 1).put("checkpoint", 0), "fr");
      answer(server, new JsonObject().put("host-state", 1).put("tiers", tiersRight).put("mandate-not-r2p", 1).put("checkpoint", 1), "fr");
      answer(server, new JsonObject().put("host-state", 1).put("tiers", tiersRight).put("mandate-not-r2p", 0).put("checkpoint", 1), "en");
      answer(server, new JsonObject().put("host-state", 1).put("tiers", tiersWrong).put("mandate-not-r2p", 0).put("checkpoint", 1), "en");
      answer(server, new JsonObject().put("host-state", 0).put("tiers", tiersWrong).put("mandate-not-r2p", 0).put("checkpoint", 1), "en");
      String trainer = "Bearer " + Accounts.token(server, Accounts.create(server, "trainer"));

      JsonObject all = server.get("/api/modules/alpha/analysis?version=3", "Authorization", trainer).bodyAsJsonObject();
      assertEquals(5, all.getInteger("attempts"));
      assertEquals(1.0, question(all, "host-state").getDouble("discrimination"), 1e-9, "right in the top group, wrong in the bottom one");
      assertEquals(0.5, question(all, "checkpoint").getDouble("discrimination"), 1e-9, "right in half of the top group only");
      assertEquals(new JsonArray().add(1).add(4).add(0), question(all, "host-state").getJsonArray("optionPicks"));

      JsonObject french = server.get("/api/modules/alpha/analysis?lang=fr", "Authorization", trainer).bodyAsJsonObject();
      assertEquals("fr", french.getString("lang"));
      assertEquals(2, french.getInteger("attempts"), "the two answered on French pages");
      assertEquals(2, question(french, "host-state").getInteger("correct"));
      assertEquals(3, server.get("/api/modules/alpha/analysis?lang=en", "Authorization", trainer).bodyAsJsonObject().getInteger("attempts"));

      var csv = server.get("/modules/alpha/analysis.csv?version=3", "Authorization", trainer);
      assertEquals("text/csv; charset=utf-8", csv.getHeader("Content-Type"));
      List<String> lines = csv.bodyAsString().lines().toList();
      assertEquals("question,number,answered,correct,share_correct,discrimination,option,option_right,option_picks,option_share", lines.get(0));
      assertTrue(lines.contains("host-state,1,5,4,0.800,1.000,2,yes,4,0.800"), lines.toString());
      int options = server.app().content().get().module("alpha").orElseThrow().quiz().orElseThrow().questions().stream()
          .mapToInt(q -> q.options().size()).sum();
      assertEquals(1 + options, lines.size(), "a header, then one row per option of every question");
      assertEquals(404, server.get("/api/modules/alpha/analysis?version=99", "Authorization", trainer).statusCode());
      assertFalse(csv.bodyAsString().contains("Test learner"), "no learner is named");
    }
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
      assertTrue(page.contains("25 %") && page.contains("50 % · The peacekeeping mission"), page);
      assertFalse(page.contains("Test learner"), "no learner is named");
    }
  }
}
