package org.pillars.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Answers to the fixture module alpha's quiz (version 3; pass mark 75, 3 attempts), as the JSON API takes them:
 * every one right (score 100) or every one wrong (score 0). Copies, so a test may change its own.
 */
public final class AlphaAnswers {

  private AlphaAnswers() { }

  public static JsonObject allRight() {
    return new JsonObject().put("host-state", 1).put("tiers", new JsonArray().add(0).add(1).add(3)).put("mandate-not-r2p", 1)
        .put("checkpoint", 0);
  }

  public static JsonObject allWrong() {
    return new JsonObject().put("host-state", 0).put("tiers", new JsonArray().add(2)).put("mandate-not-r2p", 0).put("checkpoint", 1);
  }
}
