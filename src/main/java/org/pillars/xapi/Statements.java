package org.pillars.xapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pillars.content.Catalog;
import org.pillars.content.Lesson;
import org.pillars.content.Localized;
import org.pillars.content.Module;
import org.pillars.content.Quiz;
import org.pillars.learning.Grading;

/**
 * The one way our records become xAPI 1.0.3 statements, for delivery and for a cohort's download alike. Everything in
 * a statement comes from the record and the content, nothing from the moment it is built, so a statement built again
 * (a retry, a download) is the same statement, under the same id. The learner is an opaque account, never a name.
 * {@code version}, {@code authority} and {@code stored} are left to the LRS.
 */
public final class Statements {

  /** The namespace of every name-based id we make (RFC 4122 version 5); fixed for good, or every id changes. */
  static final UUID NAMESPACE = UUID.fromString("351818b1-e01e-4e0d-8540-925c48adeee3");

  static final String VERBS = "http://adlnet.gov/expapi/verbs/";
  static final String ACTIVITIES = "http://adlnet.gov/expapi/activities/";
  private static final Map<String, JsonObject> DISPLAY = Map.of(
      "experienced", display("experienced", "a étudié"),
      "answered", display("answered", "a répondu"),
      "passed", display("passed", "a réussi"),
      "failed", display("failed", "a échoué"),
      "completed", display("completed", "a terminé"));

  private final String origin;
  private final Catalog catalog;

  /** {@code origin}: the site's public address (no trailing slash), home of every account and activity id. */
  public Statements(String origin, Catalog catalog) {
    this.origin = origin;
    this.catalog = catalog;
  }

  /** A version 5 (SHA-1) UUID of {@code name} in {@code namespace}, as RFC 4122 section 4.3 makes it. */
  static UUID nameBased(UUID namespace, String name) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      sha1.update(ByteBuffer.allocate(16).putLong(namespace.getMostSignificantBits()).putLong(namespace.getLeastSignificantBits()).array());
      byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
      h[6] = (byte) ((h[6] & 0x0f) | 0x50);
      h[8] = (byte) ((h[8] & 0x3f) | 0x80);
      ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
      return new UUID(b.getLong(), b.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
    }
  }

  static String id(String name) {
    return nameBased(NAMESPACE, name).toString();
  }

  /** {@code experienced} the lesson, when it was first marked read. */
  public JsonObject lessonRead(XapiRepository.LessonRead r) {
    Optional<Module> module = catalog.module(r.moduleId());
    Localized<String> title = module.flatMap(m -> m.lesson(r.lessonId())).map(Lesson::title)
        .orElse(new Localized<>(Map.of("en", r.lessonId())));
    JsonObject object = activity(origin + "/modules/" + r.moduleId() + "/" + r.lessonId(), title, "lesson");
    return statement("pillars:lesson-read:" + r.accountId() + ":" + r.moduleId() + ":" + r.lessonId(), r.accountId(), "experienced",
        object, null, r.readAt(), context(parents(moduleActivity(r.moduleId(), module)), null, null));
  }

  /**
   * {@code answered} for each question of a graded attempt, then {@code passed} or {@code failed} for the quiz, with its
   * scaled score. {@code quiz}: the version it was answered on, for the questions' names (empty: names are the ids).
   */
  public List<JsonObject> graded(XapiRepository.Graded a, Optional<Quiz> quiz) {
    Optional<Module> module = catalog.module(a.moduleId());
    Grading.Result result = Grading.Result.fromJson(a.result());
    String quizIri = origin + "/modules/" + a.moduleId() + "/quiz";
    String registration = a.id().toString();
    Localized<String> quizName = module.map(m -> m.title()).map(t -> quizTitle(t)).orElse(new Localized<>(Map.of("en", a.moduleId())));
    JsonObject quizActivity = activity(quizIri, quizName, "assessment");
    JsonObject moduleActivity = moduleActivity(a.moduleId(), module);
    List<JsonObject> statements = new ArrayList<>();
    for (Grading.Verdict v : result.verdicts()) {
      Localized<String> prompt = quiz.flatMap(q -> q.question(v.questionId())).map(q -> text(q.promptHtml()))
          .orElse(new Localized<>(Map.of("en", v.questionId())));
      JsonObject question = activity(quizIri + "#" + v.questionId(), prompt, "cmi.interaction");
      question.getJsonObject("definition").put("interactionType", "choice");
      JsonObject outcome = new JsonObject().put("success", v.correct())
          .put("response", String.join("[,]", v.chosen().stream().map(String::valueOf).toList()))
          .put("score", new JsonObject().put("scaled", v.points()).put("raw", v.points()).put("min", 0).put("max", 1));
      statements.add(statement("pillars:attempt:" + a.id() + ":answered:" + v.questionId(), a.accountId(), "answered", question,
          outcome, a.at(), context(parents(quizActivity), new JsonArray().add(moduleActivity), a.lang()).put("registration", registration)));
    }
    JsonObject score = new JsonObject().put("scaled", result.score() / 100.0).put("raw", result.score()).put("min", 0).put("max", 100);
    statements.add(statement("pillars:attempt:" + a.id() + ":result", a.accountId(), result.passed() ? "passed" : "failed",
        quizActivity, new JsonObject().put("score", score).put("success", result.passed()).put("completion", true), a.at(),
        context(parents(moduleActivity), null, a.lang()).put("registration", registration)));
    return statements;
  }

  /**
   * {@code completed} the module, when its certificate was earned (every lesson read, the quiz passed), with the score it
   * was earned with. Earned again after a revocation, it is another completion, with an id of its own.
   */
  public JsonObject completed(XapiRepository.Completed c) {
    Optional<Module> module = catalog.module(c.moduleId());
    JsonObject score = new JsonObject().put("scaled", c.score() / 100.0).put("raw", c.score()).put("min", 0).put("max", 100);
    return statement("pillars:module-completed:" + c.accountId() + ":" + c.moduleId() + ":" + c.completedAt().toInstant().toEpochMilli(),
        c.accountId(), "completed", moduleActivity(c.moduleId(), module),
        new JsonObject().put("score", score).put("success", true).put("completion", true), c.completedAt(),
        new JsonObject().put("platform", "Pillars"));
  }

  private JsonObject statement(String name, long accountId, String verb, JsonObject object, JsonObject result, OffsetDateTime at,
                               JsonObject context) {
    JsonObject s = new JsonObject().put("id", id(name))
        .put("actor", new JsonObject().put("objectType", "Agent").put("account",
            new JsonObject().put("homePage", origin).put("name", id("pillars:account:" + accountId))))
        .put("verb", new JsonObject().put("id", VERBS + verb).put("display", DISPLAY.get(verb).copy()))
        .put("object", object);
    if (result != null) {
      s.put("result", result);
    }
    return s.put("context", context).put("timestamp", timestamp(at));
  }

  private JsonObject moduleActivity(String moduleId, Optional<Module> module) {
    return activity(origin + "/modules/" + moduleId, module.map(Module::title).orElse(new Localized<>(Map.of("en", moduleId))), "module");
  }

  private static JsonObject activity(String iri, Localized<String> name, String type) {
    JsonObject names = new JsonObject();
    new java.util.TreeMap<>(name.byLanguage()).forEach(names::put);
    return new JsonObject().put("objectType", "Activity").put("id", iri)
        .put("definition", new JsonObject().put("name", names).put("type", ACTIVITIES + type));
  }

  private static JsonArray parents(JsonObject parent) {
    return new JsonArray().add(parent);
  }

  private static JsonObject context(JsonArray parent, JsonArray grouping, String lang) {
    JsonObject activities = new JsonObject().put("parent", parent);
    if (grouping != null) {
      activities.put("grouping", grouping);
    }
    JsonObject context = new JsonObject().put("contextActivities", activities).put("platform", "Pillars");
    return lang == null ? context : context.put("language", lang);
  }

  private static Localized<String> quizTitle(Localized<String> moduleTitle) {
    Map<String, String> names = new java.util.HashMap<>();
    moduleTitle.byLanguage().forEach((lang, t) -> names.put(lang, ("fr".equals(lang) ? "Quiz : " : "Quiz: ") + t));
    return new Localized<>(names);
  }

  /** A question's prompt as plain text, for an activity's name. */
  private static Localized<String> text(Localized<String> html) {
    Map<String, String> names = new java.util.HashMap<>();
    html.byLanguage().forEach((lang, h) -> names.put(lang, h.replaceAll("<[^>]*>", "").replace("&lt;", "<").replace("&gt;", ">")
        .replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&").replaceAll("\\s+", " ").strip()));
    return new Localized<>(names);
  }

  /** ISO 8601 in UTC to the millisecond, as the record holds it. */
  private static String timestamp(OffsetDateTime at) {
    return at.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  private static JsonObject display(String en, String fr) {
    return new JsonObject().put("en-US", en).put("fr", fr);
  }
}
