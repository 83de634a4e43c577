package org.pillars.support;

import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import io.vertx.core.json.JsonObject;

/**
 * Answers to the fixture module alpha's quiz (version 3; pass mark 75, 3 attempts), as the JSON API takes them:
 * every one right (score 100) or every one wrong (score 0), copies so a test may change its own; and the edit that
 * makes alpha's version 4.
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

  /**
   * Edits alpha in {@code courses} to version 4, its question 'checkpoint' renamed 'checkpoint-at-dusk' in both
   * languages, and has {@code app} read courses/ again; fails unless version 4 is then served.
   */
  public static void publishVersion4(TestApp app, Path courses) throws IOException {
    Path module = courses.resolve("alpha/module.md");
    Files.writeString(module, Files.readString(module).replace("version: 3", "version: 4"));
    for (String file : List.of("alpha/quiz.md", "alpha/quiz.fr.md")) {
      Path quiz = courses.resolve(file);
      Files.writeString(quiz, Files.readString(quiz).replace("## Question: checkpoint", "## Question: checkpoint-at-dusk"));
    }
    app.app().content().load().await();
    int served = app.app().content().get().module("alpha").orElseThrow().version();
    if (served != 4) {
      throw new AssertionError("alpha is served at version " + served + ": " + app.app().content().get().problems());
    }
  }
}
