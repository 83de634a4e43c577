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
import java.util.concurrent.ConcurrentHashMap;
import org.pillars.core.Access;
import org.pillars.core.Principal;
import org.pillars.content.Lesson;
import org.pillars.content.Module;
import org.pillars.content.Quiz;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.core.NotFound;
import org.pillars.core.Invalid;
import org.pillars.core.Routes;

/** The JSON API of reading and quizzes; it mirrors the pages. Described in /api/openapi.yaml. */
public final class LearningApi implements Routes {

  private final LearningService learning;

  public LearningApi(LearningService learning) {
    this.learning = learning;
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
    router.get("/api/progress").handler(Access.signedIn()).handler(this::progress);
    router.get("/api/certificates").handler(Access.signedIn()).handler(this::certificates);
    router.get("/api/verify/:code").handler(Access.anyone()).handler(this::verify);
  }

  private void modules(RoutingContext ctx) {
    String lang = Language.of(ctx);
    JsonArray list = new JsonArray();
    learning.catalogModules().forEach(m -> list.add(summary(m, lang)));
    Json.send(ctx, 200, new JsonObject().put("modules", list));
  }

  private void module(RoutingContext ctx) {
    String lang = Language.of(ctx);
    Module m = learning.module(ctx.pathParam("moduleId"));
    JsonArray lessons = new JsonArray();
    m.lessons().forEach(l -> lessons.add(new JsonObject().put("id", l.id()).put("number", l.number())
        .put("title", l.title().in(lang)).put("minutes", l.minutes())));
    Json.send(ctx, 200, summary(m, lang)
        .put("audience", m.audience().in(lang))
        .put("objectives", new JsonArray(m.objectives().in(lang)))
        .put("sources", new JsonArray(m.sources().in(lang)))
        .put("overviewHtml", m.overviewHtml().in(lang))
        .put("lessons", lessons)
        .put("quiz", m.quiz().isPresent()));
  }

  private void lesson(RoutingContext ctx) {
    String lang = Language.of(ctx);
    Module m = learning.module(ctx.pathParam("moduleId"));
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

  private void quiz(RoutingContext ctx) {
    Module m = learning.module(ctx.pathParam("moduleId"));
    Json.send(ctx, 200, LearningService.quizView(m, learning.quiz(m), Language.of(ctx)));
  }

  private void start(RoutingContext ctx) {
    Module m = learning.module(ctx.pathParam("moduleId"));
    Quiz quiz = learning.quiz(m);
    String lang = Language.of(ctx);
    learning.start(Access.principal(ctx), m.id())
        .onSuccess(id -> Json.send(ctx, 201, started(m, quiz, lang, id.toString())))
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
        body.put("questions", JsonObject.mapFrom(LearningService.quizView(view.module(), view.quiz(), lang)).getJsonArray("questions"));
      }
      Json.send(ctx, 200, body);
    }).onFailure(ctx::fail);
  }

  private void submit(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    JsonObject body = Json.body(ctx);
    Object raw = body.getValue("answers");
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
    String lang = Language.of(ctx);
    learning.submit(p, ctx.pathParam("attemptId"), answers, lang)
        .onSuccess(result -> Json.send(ctx, 200, result))
        .onFailure(ctx::fail);
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

  private void certificates(RoutingContext ctx) {
    learning.certificates(Access.principal(ctx)).onSuccess(list -> {
      JsonArray array = new JsonArray();
      list.forEach(c -> array.add(certificateJson(c)));
      Json.send(ctx, 200, new JsonObject().put("certificates", array));
    }).onFailure(ctx::fail);
  }

  private void verify(RoutingContext ctx) {
    learning.verify(ctx.pathParam("code"))
        .map(found -> found.orElseThrow(() -> new NotFound("no certificate has this code")))
        .onSuccess(c -> Json.send(ctx, 200, certificateJson(c).put("valid", true)))
        .onFailure(ctx::fail);
  }

  private static JsonObject certificateJson(LearningRepository.Certificate c) {
    return new JsonObject().put("code", c.code()).put("name", c.learnerName()).put("module", c.moduleId())
        .put("moduleTitle", c.moduleTitle()).put("moduleVersion", c.moduleVersion()).put("score", c.score())
        .put("issuedOn", c.issuedAt().toLocalDate().toString());
  }

  private static JsonObject summary(Module m, String lang) {
    return new JsonObject().put("id", m.id()).put("title", m.title().in(lang)).put("summary", m.summary().in(lang))
        .put("minutes", m.minutes()).put("version", m.version()).put("lessonCount", m.lessons().size());
  }


}
