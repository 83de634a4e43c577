package org.pillars.learning;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pillars.content.Localized;
import org.pillars.content.Quiz;

/**
 * A quiz as kept in PostgreSQL (quiz_versions): everything grading and a result need, its texts as the safe HTML
 * that was served, so a version the folder no longer holds can still grade an answer sent days later.
 */
final class QuizRecord {

  private QuizRecord() {
  }

  static JsonObject toJson(Quiz quiz) {
    JsonArray questions = new JsonArray();
    for (Quiz.Question q : quiz.questions()) {
      JsonArray options = new JsonArray();
      for (Quiz.Option o : q.options()) {
        options.add(new JsonObject().put("html", texts(o.html())).put("correct", o.correct())
            .put("feedback", o.feedbackHtml() == null ? null : texts(o.feedbackHtml())));
      }
      questions.add(new JsonObject().put("id", q.id()).put("type", q.type().keyword())
          .put("scenario", q.scenarioHtml() == null ? null : texts(q.scenarioHtml())).put("prompt", texts(q.promptHtml()))
          .put("options", options).put("explanation", texts(q.explanationHtml())).put("source", texts(q.source())));
    }
    return new JsonObject().put("passMark", quiz.passMark()).put("maxAttempts", quiz.maxAttempts())
        .put("intro", texts(quiz.introHtml())).put("questions", questions);
  }

  static Quiz fromJson(JsonObject json) {
    List<Quiz.Question> questions = new ArrayList<>();
    for (Object o : json.getJsonArray("questions")) {
      JsonObject q = (JsonObject) o;
      List<Quiz.Option> options = new ArrayList<>();
      for (Object p : q.getJsonArray("options")) {
        JsonObject option = (JsonObject) p;
        options.add(new Quiz.Option(texts(option.getJsonObject("html")), option.getBoolean("correct"),
            texts(option.getJsonObject("feedback"))));
      }
      Quiz.Type type = java.util.Arrays.stream(Quiz.Type.values()).filter(t -> t.keyword().equals(q.getString("type")))
          .findFirst().orElseThrow(() -> new IllegalStateException("unknown question type " + q.getString("type")));
      questions.add(new Quiz.Question(q.getString("id"), type, texts(q.getJsonObject("scenario")), texts(q.getJsonObject("prompt")),
          options, texts(q.getJsonObject("explanation")), texts(q.getJsonObject("source"))));
    }
    return new Quiz(json.getInteger("passMark"), json.getInteger("maxAttempts"), texts(json.getJsonObject("intro")), questions);
  }

  private static JsonObject texts(Localized<String> text) {
    JsonObject json = new JsonObject();
    text.byLanguage().forEach(json::put);
    return json;
  }

  private static Localized<String> texts(JsonObject json) {
    if (json == null) {
      return null;
    }
    Map<String, String> byLanguage = new HashMap<>();
    json.forEach(e -> byLanguage.put(e.getKey(), (String) e.getValue()));
    return new Localized<>(byLanguage);
  }
}
