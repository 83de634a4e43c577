package org.pillars.content;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A module version as kept in PostgreSQL (module_versions): the module as served, its texts the safe HTML they were
 * rendered to, so a start never renders again; and its quiz apart, with everything grading and a result need, so a
 * version no longer served still grades an answer sent days later.
 */
public final class ModuleCodec {

  private ModuleCodec() {
  }

  /** The module without its quiz (kept apart: {@link #quizToJson}). */
  public static JsonObject toJson(Module m) {
    JsonArray lessons = new JsonArray();
    for (Lesson l : m.lessons()) {
      lessons.add(new JsonObject().put("id", l.id()).put("title", texts(l.title())).put("minutes", l.minutes())
          .put("html", texts(l.html())).put("track", l.track() == null ? null : l.track().keyword()));
    }
    JsonArray exercises = new JsonArray();
    for (Exercise e : m.exercises()) {
      JsonArray passages = new JsonArray();
      for (Exercise.Passage p : e.passages()) {
        JsonArray choices = new JsonArray();
        p.choices().forEach(c -> choices.add(new JsonObject().put("html", texts(c.html())).put("target", c.target())));
        passages.add(new JsonObject().put("id", p.id()).put("html", texts(p.html())).put("choices", choices));
      }
      exercises.add(new JsonObject().put("id", e.id()).put("title", texts(e.title()))
          .put("track", e.track() == null ? null : e.track().keyword()).put("minutes", e.minutes())
          .put("intro", texts(e.introHtml())).put("passages", passages).put("debrief", texts(e.debriefHtml()))
          .put("notes", e.notesHtml() == null ? null : texts(e.notesHtml())));
    }
    return new JsonObject().put("id", m.id()).put("title", texts(m.title())).put("summary", texts(m.summary()))
        .put("audience", texts(m.audience())).put("minutes", m.minutes()).put("objectives", lists(m.objectives()))
        .put("sources", lists(m.sources())).put("overview", texts(m.overviewHtml())).put("lessons", lessons)
        .put("conduct", m.conduct()).put("exercises", exercises);
  }

  /** The module of {@link #toJson}, at {@code version}, with its quiz if it has one. */
  public static Module fromJson(JsonObject json, int version, JsonObject quiz) {
    List<Lesson> lessons = new ArrayList<>();
    for (Object o : json.getJsonArray("lessons")) {
      JsonObject l = (JsonObject) o;
      lessons.add(new Lesson(l.getString("id"), lessons.size() + 1, texts(l.getJsonObject("title")), l.getInteger("minutes"),
          texts(l.getJsonObject("html")), track(l.getString("track"))));
    }
    List<Exercise> exercises = new ArrayList<>();
    // versions stored before exercises existed have none
    for (Object o : json.getJsonArray("exercises", new JsonArray())) {
      JsonObject e = (JsonObject) o;
      List<Exercise.Passage> passages = new ArrayList<>();
      for (Object p : e.getJsonArray("passages")) {
        JsonObject passage = (JsonObject) p;
        List<Exercise.Choice> choices = new ArrayList<>();
        for (Object c : passage.getJsonArray("choices")) {
          JsonObject choice = (JsonObject) c;
          choices.add(new Exercise.Choice(texts(choice.getJsonObject("html")), choice.getString("target")));
        }
        passages.add(new Exercise.Passage(passage.getString("id"), texts(passage.getJsonObject("html")), choices));
      }
      exercises.add(new Exercise(e.getString("id"), texts(e.getJsonObject("title")), track(e.getString("track")),
          e.getInteger("minutes"), texts(e.getJsonObject("intro")), passages, texts(e.getJsonObject("debrief")),
          texts(e.getJsonObject("notes"))));
    }
    return new Module(json.getString("id"), texts(json.getJsonObject("title")), texts(json.getJsonObject("summary")),
        texts(json.getJsonObject("audience")), json.getInteger("minutes"), version, lists(json.getJsonObject("objectives")),
        lists(json.getJsonObject("sources")), texts(json.getJsonObject("overview")), lessons,
        Optional.ofNullable(quiz).map(ModuleCodec::quizFromJson), json.getBoolean("conduct", false), exercises);
  }

  private static Track track(String keyword) {
    return keyword == null ? null : Track.of(keyword).orElseThrow(() -> new IllegalStateException("unknown track " + keyword));
  }

  private static JsonObject lists(Localized<List<String>> lists) {
    JsonObject json = new JsonObject();
    lists.byLanguage().forEach((lang, list) -> json.put(lang, new JsonArray(list)));
    return json;
  }

  private static Localized<List<String>> lists(JsonObject json) {
    Map<String, List<String>> byLanguage = new HashMap<>();
    json.forEach(e -> byLanguage.put(e.getKey(), ((JsonArray) e.getValue()).stream().map(String.class::cast).toList()));
    return new Localized<>(byLanguage);
  }

  public static JsonObject quizToJson(Quiz quiz) {
    JsonArray questions = new JsonArray();
    for (Quiz.Question q : quiz.questions()) {
      JsonArray options = new JsonArray();
      for (Quiz.Option o : q.options()) {
        options.add(new JsonObject().put("html", texts(o.html())).put("correct", o.correct())
            .put("feedback", o.feedbackHtml() == null ? null : texts(o.feedbackHtml())));
      }
      questions.add(new JsonObject().put("id", q.id()).put("type", q.type().keyword())
          .put("scenario", q.scenarioHtml() == null ? null : texts(q.scenarioHtml())).put("prompt", texts(q.promptHtml()))
          .put("options", options).put("explanation", texts(q.explanationHtml())).put("source", texts(q.source()))
          .put("track", q.track() == null ? null : q.track().keyword()));
    }
    JsonObject json = new JsonObject().put("passMark", quiz.passMark()).put("maxAttempts", quiz.maxAttempts())
        .put("intro", texts(quiz.introHtml())).put("questions", questions);
    if (quiz.selection().varies()) {
      json.put("selection", new JsonObject().put("shuffleQuestions", quiz.selection().shuffleQuestions())
          .put("shuffleOptions", quiz.selection().shuffleOptions()).put("draw", quiz.selection().draw()));
    }
    return json;
  }

  /** What one attempt asks, as stored with it (attempts.drawn). */
  public static JsonObject drawnToJson(Quiz.Drawn drawn) {
    JsonObject options = new JsonObject();
    drawn.options().forEach((q, order) -> options.put(q, new JsonArray(order)));
    return new JsonObject().put("questions", new JsonArray(drawn.questions())).put("options", options);
  }

  public static Quiz.Drawn drawnFromJson(JsonObject json) {
    List<String> questions = json.getJsonArray("questions").stream().map(String::valueOf).toList();
    java.util.Map<String, List<Integer>> options = new java.util.LinkedHashMap<>();
    JsonObject byQuestion = json.getJsonObject("options", new JsonObject());
    for (String q : byQuestion.fieldNames()) {
      options.put(q, byQuestion.getJsonArray(q).stream().map(n -> ((Number) n).intValue()).toList());
    }
    return new Quiz.Drawn(questions, options);
  }

  public static Quiz quizFromJson(JsonObject json) {
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
          options, texts(q.getJsonObject("explanation")), texts(q.getJsonObject("source")), track(q.getString("track"))));
    }
    JsonObject selection = json.getJsonObject("selection");
    // versions stored before quizzes could vary have no selection: they ask everything, in order
    Quiz.Selection asked = selection == null ? Quiz.Selection.ALL : new Quiz.Selection(selection.getBoolean("shuffleQuestions", false),
        selection.getBoolean("shuffleOptions", false), selection.getInteger("draw", 0));
    return new Quiz(json.getInteger("passMark"), json.getInteger("maxAttempts"), texts(json.getJsonObject("intro")), questions, asked);
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
