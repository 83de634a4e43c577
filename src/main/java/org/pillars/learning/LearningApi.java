package org.pillars.learning;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import io.vertx.core.Future;
import org.pillars.core.Access;
import org.pillars.core.Principal;
import org.pillars.content.Exercise;
import org.pillars.content.Lesson;
import org.pillars.content.Module;
import org.pillars.content.Quiz;
import org.pillars.content.Track;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.core.NotFound;
import org.pillars.core.Invalid;
import org.pillars.core.Routes;
import org.pillars.metrics.Meters;

/** The JSON API of reading and quizzes; it mirrors the pages. Described in /api/openapi.yaml. */
public final class LearningApi implements Routes {

  private final LearningService learning;
  private final ExerciseService exercises;
  private final Meters meters;

  public LearningApi(LearningService learning, ExerciseService exercises, Meters meters) {
    this.learning = learning;
    this.exercises = exercises;
    this.meters = meters;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/modules").handler(Access.anyone()).handler(this::modules);
    router.get("/api/modules/:moduleId").handler(Access.anyone()).handler(this::module);
    router.get("/api/modules/:moduleId/lessons/:lessonId").handler(Access.anyone()).handler(this::lesson);
    router.post("/api/modules/:moduleId/lessons/:lessonId/read").handler(Access.signedIn()).handler(this::markRead);
    router.get("/api/modules/:moduleId/quiz").handler(Access.anyone()).handler(this::quiz);
    router.post("/api/modules/:moduleId/attempts").handler(Access.signedIn()).handler(this::start);
    router.get("/api/attempts/:attemptId").handler(Access.signedIn()).handler(this::attempt);
    router.post("/api/attempts/:attemptId/submit").handler(Access.signedIn()).handler(this::submit);
    router.post("/api/sync").handler(Access.signedIn()).handler(this::sync);
    router.get("/api/progress").handler(Access.signedIn()).handler(this::progress);
  }

  private void modules(RoutingContext ctx) {
    String lang = Language.of(ctx);
    JsonArray list = new JsonArray();
    learning.catalogModules(Access.current(ctx)).forEach(m -> list.add(summary(m, lang)));
    Json.send(ctx, 200, new JsonObject().put("modules", list));
  }

  private void module(RoutingContext ctx) {
    String lang = Language.of(ctx);
    Module m = learning.module(ctx.pathParam("moduleId"), Access.current(ctx));
    // the reader's track first, as on the module page
    Access.current(ctx).map(p -> exercises.reader(p, m.id()))
        .orElse(Future.succeededFuture(new ExerciseService.Reader(Optional.empty(), Map.of()))).onSuccess(reader -> {
      Track track = reader.track().orElse(null);
      JsonArray lessons = new JsonArray();
      Module.trackFirst(m.lessons(), Lesson::track, track).forEach(l -> lessons.add(new JsonObject().put("id", l.id())
          .put("number", l.number()).put("title", l.title().in(lang)).put("minutes", l.minutes())
          .put("track", l.track() == null ? null : l.track().keyword())));
      JsonArray exerciseList = new JsonArray();
      Module.trackFirst(m.exercises(), Exercise::track, track).forEach(e -> {
        ExerciseService.Played played = reader.played().get(e.id());
        exerciseList.add(new JsonObject().put("id", e.id()).put("title", e.title().in(lang)).put("minutes", e.minutes())
            .put("track", e.track() == null ? null : e.track().keyword())
            .put("played", played == null ? null : new JsonObject().put("runs", played.runs()).put("last", played.last().toString())));
      });
      Json.send(ctx, 200, summary(m, lang)
          .put("audience", m.audience().in(lang))
          .put("objectives", new JsonArray(m.objectives().in(lang)))
          .put("sources", new JsonArray(m.sources().in(lang)))
          .put("overviewHtml", m.overviewHtml().in(lang))
          .put("lessons", lessons)
          .put("exercises", exerciseList)
          .put("quiz", m.quiz().isPresent())
          .put("everyone", learning.forEveryone(m)));
    }).onFailure(ctx::fail);
  }

  private void lesson(RoutingContext ctx) {
    String lang = Language.of(ctx);
    Module m = learning.module(ctx.pathParam("moduleId"), Access.current(ctx));
    Lesson l = m.lesson(ctx.pathParam("lessonId")).orElseThrow(() -> new NotFound("there is no such lesson"));
    Json.send(ctx, 200, new JsonObject().put("module", m.id()).put("id", l.id()).put("number", l.number())
        .put("title", l.title().in(lang)).put("minutes", l.minutes()).put("language", l.html().languageFor(lang))
        .put("html", l.html().in(lang)));
  }

  private void markRead(RoutingContext ctx) {
    learning.markRead(Access.principal(ctx), ctx.pathParam("moduleId"), ctx.pathParam("lessonId"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** The quiz to answer; its version is kept (every published version is), so an answer sent days later is graded. */
  private void quiz(RoutingContext ctx) {
    Module m = learning.module(ctx.pathParam("moduleId"), Access.current(ctx));
    learning.quizToKeep(m, Access.current(ctx), Language.of(ctx)).onSuccess(view -> Json.send(ctx, 200, view)).onFailure(ctx::fail);
  }

  private void start(RoutingContext ctx) {
    Module m = learning.module(ctx.pathParam("moduleId"), Access.current(ctx));
    Quiz quiz = learning.quiz(m);
    String lang = Language.of(ctx);
    learning.start(Access.principal(ctx), m.id())
        .compose(id -> !quiz.selection().varies() ? Future.succeededFuture(started(m, quiz, lang, id.toString()))
            // what this attempt drew: its own, never the cached view
            : learning.attempt(Access.principal(ctx), id.toString()).map(view -> new JsonObject().put("attempt", id.toString())
                .mergeIn(JsonObject.mapFrom(LearningService.quizView(view, lang))).toBuffer()))
        .onSuccess(body -> Json.send(ctx, 201, body))
        .onFailure(ctx::fail);
  }

  /** A quiz view as JSON, per module version and language; an entry made for another Quiz object is made again. */
  private record Encoded(Quiz quiz, Buffer json) { }

  private final Map<String, Encoded> encodedQuizzes = new ConcurrentHashMap<>();

  /**
   * A started attempt: the attempt's id, then the quiz view's fields. The view is the same for every learner, so it
   * is encoded once per module version and language (a reload makes new Quiz objects, which miss) and only the id is
   * written per request: Jackson writing the questions' HTML was a fifth of a quiz cycle's CPU.
   */
  private Buffer started(Module m, Quiz quiz, String lang, String attempt) {
    String key = m.id() + '\u0000' + m.version() + '\u0000' + lang;
    Encoded cached = encodedQuizzes.get(key);
    if (cached == null || cached.quiz() != quiz) {
      cached = new Encoded(quiz, io.vertx.core.json.Json.encodeToBuffer(LearningService.quizView(m, quiz, lang)));
      encodedQuizzes.put(key, cached);
    }
    Buffer view = cached.json();
    // {"attempt":"...", followed by the view's fields without its opening brace
    return Buffer.buffer(view.length() + 64).appendString("{\"attempt\":\"").appendString(attempt).appendString("\",")
        .appendBuffer(view, 1, view.length() - 1);
  }

  private void attempt(RoutingContext ctx) {
    String lang = Language.of(ctx);
    learning.attempt(Access.principal(ctx), ctx.pathParam("attemptId")).onSuccess(view -> {
      JsonObject body = new JsonObject()
          .put("id", view.attempt().id().toString())
          .put("module", view.module().id())
          .put("moduleVersion", view.attempt().moduleVersion())
          .put("startedAt", view.attempt().startedAt().toString())
          .put("submitted", view.attempt().submitted());
      if (view.attempt().submitted()) {
        body.put("submittedAt", view.attempt().submittedAt().toString()).put("result", JsonObject.mapFrom(LearningService.result(view, view.attempt().result(), lang)));
      } else {
        body.put("questions", JsonObject.mapFrom(LearningService.quizView(view, lang)).getJsonArray("questions"));
      }
      Json.send(ctx, 200, body);
    }).onFailure(ctx::fail);
  }

  private void submit(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    Map<String, List<Integer>> answers = answers(Json.body(ctx).getValue("answers"));
    String lang = Language.of(ctx);
    learning.submit(p, ctx.pathParam("attemptId"), answers, lang)
        .onSuccess(result -> Json.send(ctx, 200, result))
        .onFailure(ctx::fail);
  }

  /** Answers as sent: question id to an option number or a list of them; anything else is invalid. */
  private static Map<String, List<Integer>> answers(Object raw) {
    if (!(raw instanceof JsonObject answersJson)) {
      throw new Invalid("'answers' must be an object: {\"question-id\": [option numbers]}");
    }
    Map<String, List<Integer>> answers = new LinkedHashMap<>();
    for (String q : answersJson.fieldNames()) {
      Object value = answersJson.getValue(q);
      List<Integer> chosen = new ArrayList<>();
      if (value instanceof Number n && n.doubleValue() == n.intValue()) {
        chosen.add(n.intValue());
      } else if (value instanceof JsonArray array) {
        for (Object o : array) {
          if (!(o instanceof Number n) || n.doubleValue() != n.intValue()) {
            throw new Invalid("answers to '" + q + "' must be option numbers");
          }
          chosen.add(n.intValue());
        }
      } else {
        throw new Invalid("answers to '" + q + "' must be an option number or a list of them");
      }
      answers.put(q, chosen);
    }
    return answers;
  }

  /**
   * A device's outbox, sent when the link is back: up to 100 items, each stored on its own (one bad item is refused
   * with its reason while the others are stored) and each safe to send again. Items run in the order sent, so reads
   * come before the attempt that may complete the module. A failure of the server itself (not of an item) ends the
   * request with its error; what was stored before it stays stored, and the retry finds it.
   */
  private void sync(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    String lang = Language.of(ctx);
    JsonArray items = Json.body(ctx).getJsonArray("items");
    Future<JsonArray> done = Future.succeededFuture(new JsonArray());
    for (Object item : items) {
      done = done.compose(outcomes -> syncItem(p, item, lang).map(outcomes::add));
    }
    done.onSuccess(outcomes -> Json.send(ctx, 200, new JsonObject().put("items", outcomes))).onFailure(ctx::fail);
  }

  private Future<JsonObject> syncItem(Principal p, Object raw, String lang) {
    JsonObject item = raw instanceof JsonObject o ? o : new JsonObject();
    JsonObject outcome = new JsonObject().put("key", item.getValue("key") instanceof String k ? k : null);
    Future<JsonObject> stored;
    try {
      if (!(raw instanceof JsonObject)) {
        throw new Invalid("each item must be an object with 'key', 'kind' and 'module'");
      }
      UUID key = key(item.getValue("key"));
      String kind = text(item, "kind");
      String module = text(item, "module");
      stored = switch (kind) {
        case "read" -> learning.markRead(p, module, text(item, "lesson")).map(added -> outcome.put("status", added ? "stored" : "duplicate"));
        case "attempt" -> {
          if (item.getValue("attempt") instanceof String attempt) {
            // answers to an attempt opened online (its page, left offline): that attempt, submitted once
            yield learning.submit(p, attempt, answers(item.getValue("answers")), lang).map(result -> outcome
                .put("status", "stored").put("attempt", attempt).put("held", false).put("result", JsonObject.mapFrom(result)));
          }
          if (!(item.getValue("version") instanceof Integer version)) {
            throw new Invalid("'version' must be the module version the quiz was answered on");
          }
          Object round = item.getValue("round");
          if (round != null && !(round instanceof Integer)) {
            throw new Invalid("bad_round", "'round' must be the round of the kept quiz, a whole number");
          }
          yield learning.submitSent(p, key, module, version, (Integer) round, answers(item.getValue("answers")), answeredAt(item), lang)
              .map(sent -> outcome.put("status", sent.added() ? "stored" : "duplicate").put("attempt", sent.attempt().toString())
                  .put("held", sent.held()).put("version", sent.version()).put("currentVersion", sent.currentVersion())
                  .put("retired", new JsonArray(sent.retired())).put("result", JsonObject.mapFrom(sent.result())));
        }
        default -> throw new Invalid("'kind' must be \"read\" or \"attempt\"");
      };
    } catch (org.pillars.core.Refusal refused) {
      stored = Future.failedFuture(refused);
    }
    return stored.recover(e -> e instanceof org.pillars.core.Refusal refused
        ? Future.succeededFuture(outcome.put("status", "refused").put("error", refused.code()).put("message", refused.getMessage()))
        : Future.failedFuture(e)).onSuccess(done -> meters.syncItem(done.getString("status")));
  }

  private static UUID key(Object raw) {
    try {
      return UUID.fromString((String) raw);
    } catch (RuntimeException e) {
      throw new Invalid("'key' must be the UUID the device made for this item");
    }
  }

  private static String text(JsonObject item, String field) {
    if (!(item.getValue(field) instanceof String value) || value.isEmpty() || value.length() > 200) {
      throw new Invalid("'" + field + "' must be a non-empty string");
    }
    return value;
  }

  private static java.time.OffsetDateTime answeredAt(JsonObject item) {
    Object raw = item.getValue("answeredAt");
    if (raw == null) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse((String) raw);
    } catch (RuntimeException e) {
      throw new Invalid("'answeredAt' must be a date and time with its offset, as 2026-12-03T09:30:00Z");
    }
  }

  private void progress(RoutingContext ctx) {
    learning.standing(Access.principal(ctx), java.time.LocalDate.now()).onSuccess(standing -> {
      JsonArray list = new JsonArray();
      for (LearningService.ModuleStanding s : standing) {
        list.add(new JsonObject().put("module", s.module().id()).put("lessonsRead", s.lessonsRead())
            .put("lessons", s.module().lessons().size()).put("attempts", s.attempts()).put("bestScore", s.bestScore())
            .put("passed", s.passed()).put("certificate", s.certificateCode()).put("continue", s.continueUrl()));
      }
      Json.send(ctx, 200, new JsonObject().put("modules", list));
    }).onFailure(ctx::fail);
  }

  private static JsonObject summary(Module m, String lang) {
    return new JsonObject().put("id", m.id()).put("title", m.title().in(lang)).put("summary", m.summary().in(lang))
        .put("minutes", m.minutes()).put("version", m.version()).put("lessonCount", m.lessons().size());
  }


}
