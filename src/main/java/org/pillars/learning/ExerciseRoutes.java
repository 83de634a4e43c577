package org.pillars.learning;

import com.github.jknack.handlebars.Handlebars;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pillars.content.Exercise;
import org.pillars.content.Track;
import org.pillars.core.Access;
import org.pillars.core.Principal;
import org.pillars.core.Routes;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.LessonView;
import org.pillars.http.Pages;

/**
 * Branching exercises, played with links alone (the path so far is in the address, so back, reload and a shared
 * address show the same passage and nothing is kept until Finish), and a learner's track. Each page and its JSON
 * answer render one {@link ExerciseService} call.
 */
public final class ExerciseRoutes implements Routes {

  private final ExerciseService exercises;
  private final Pages pages;

  public ExerciseRoutes(ExerciseService exercises, Pages pages) {
    this.exercises = exercises;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    router.get("/modules/:moduleId/exercises/:exerciseId").handler(Access.anyone()).handler(this::page);
    router.post("/modules/:moduleId/exercises/:exerciseId").handler(Access.signedIn()).handler(this::finishForm);
    router.get("/api/modules/:moduleId/exercises/:exerciseId").handler(Access.anyone()).handler(this::api);
    router.post("/api/modules/:moduleId/exercises/:exerciseId/runs").handler(Access.signedIn()).handler(this::finishApi);
    router.get("/account/track").handler(Access.signedIn()).handler(this::trackPage);
    router.post("/account/track").handler(Access.signedIn()).handler(this::trackForm);
    router.get("/api/account/track").handler(Access.signedIn()).handler(this::trackApi);
    router.post("/api/account/track").handler(Access.signedIn()).handler(this::setTrackApi);
  }

  private void page(RoutingContext ctx) {
    String lang = Language.of(ctx);
    exercises.play(ctx.pathParam("moduleId"), ctx.pathParam("exerciseId"), ctx.request().getParam("path"),
            ctx.request().getParam("v"), Access.current(ctx))
        .onSuccess(play -> pages.send(ctx, "exercise", model(ctx, play, lang)))
        .onFailure(ctx::fail);
  }

  private Map<String, Object> model(RoutingContext ctx, ExerciseService.Play play, String lang) {
    Exercise e = play.exercise();
    String base = "/modules/" + play.module().id() + "/exercises/" + e.id();
    Map<String, Object> model = pages.model(ctx, e.title().in(lang) + " · " + play.module().title().in(lang));
    model.put("module", LessonView.module(play.module(), lang, "/modules/" + play.module().id()));
    model.put("exercise", Map.of("title", e.title().in(lang), "titleLang", e.title().languageFor(lang), "minutes", e.minutes(),
        "href", base));
    model.put("track", e.track() == null ? null : t(lang, "track." + e.track().keyword()));
    model.put("atStart", play.path().isEmpty());
    model.put("changed", play.changed());
    model.put("step", play.path().size() + 1);
    model.put("intro", play.introHtml(lang) == null ? null : new Handlebars.SafeString(play.introHtml(lang)));
    Exercise.Passage here = play.current();
    model.put("passage", new Handlebars.SafeString(here.html().in(lang)));
    model.put("contentLang", here.html().languageFor(lang));
    String shape = e.shape();
    List<Map<String, Object>> choices = new ArrayList<>();
    for (int c = 0; c < here.choices().size() && !play.tooLong(); c++) {
      List<Integer> next = new ArrayList<>(play.path());
      next.add(c + 1);
      choices.add(Map.of("html", new Handlebars.SafeString(here.choices().get(c).html().in(lang)), "href", at(base, next, shape)));
    }
    model.put("choices", choices);
    model.put("tooLong", play.tooLong());
    model.put("ended", play.ended());
    if (play.ended()) {
      model.put("debrief", new Handlebars.SafeString(play.debriefHtml(lang)));
      model.put("action", base);
      model.put("path", Exercise.pathText(play.path()));
      model.put("shape", shape);
      model.put("runKey", play.runKey().toString());
    }
    if (!play.path().isEmpty()) {
      model.put("back", at(base, play.path().subList(0, play.path().size() - 1), shape));
      model.put("restart", base);
    }
    if (play.facilitator()) {
      model.put("facilitator", true);
      model.put("notes", e.notesHtml() == null ? null : new Handlebars.SafeString(e.notesHtml().in(lang)));
      List<String> endings = new ArrayList<>();
      play.endings().forEach((ending, n) -> endings.add(pages.messages().get(lang, "exercise.endingCount", ending, n)));
      model.put("endings", endings);
      model.put("passageId", here.id());
    }
    return model;
  }

  /** The address of the passage {@code path} leads to, with the exercise's shape the path is taken in. */
  private static String at(String base, List<Integer> path, String shape) {
    return path.isEmpty() ? base : base + "?path=" + Exercise.pathText(path) + "&v=" + shape;
  }

  private void finishForm(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    String moduleId = ctx.pathParam("moduleId");
    exercises.finish(p, moduleId, ctx.pathParam("exerciseId"), ctx.request().getFormAttribute("path"),
            ctx.request().getFormAttribute("v"), ctx.request().getFormAttribute("runKey"))
        .onSuccess(run -> Pages.seeOther(ctx, "/modules/" + moduleId + "?played="
            + java.net.URLEncoder.encode(run.exerciseId(), java.nio.charset.StandardCharsets.UTF_8) + "#exercises"))
        .onFailure(ctx::fail);
  }

  private void api(RoutingContext ctx) {
    String lang = Language.of(ctx);
    exercises.play(ctx.pathParam("moduleId"), ctx.pathParam("exerciseId"), ctx.request().getParam("path"),
            ctx.request().getParam("v"), Access.current(ctx))
        .onSuccess(play -> {
          Exercise e = play.exercise();
          Exercise.Passage here = play.current();
          JsonArray choices = new JsonArray();
          for (int c = 0; c < here.choices().size() && !play.tooLong(); c++) {
            choices.add(new JsonObject().put("number", c + 1).put("html", here.choices().get(c).html().in(lang)));
          }
          JsonObject body = new JsonObject().put("module", play.module().id()).put("id", e.id()).put("title", e.title().in(lang))
              .put("track", e.track() == null ? null : e.track().keyword()).put("minutes", e.minutes())
              .put("language", here.html().languageFor(lang)).put("path", Exercise.pathText(play.path()))
              .put("shape", e.shape()).put("changed", play.changed())
              .put("introHtml", play.introHtml(lang))
              .put("passage", new JsonObject().put("id", here.id()).put("html", here.html().in(lang)).put("choices", choices))
              .put("ended", play.ended())
              .put("debriefHtml", play.debriefHtml(lang))
              .put("runKey", play.ended() ? play.runKey().toString() : null);
          if (play.facilitator()) {
            JsonObject endings = new JsonObject();
            play.endings().forEach(endings::put);
            body.put("notesHtml", e.notesHtml() == null ? null : e.notesHtml().in(lang)).put("endings", endings);
          }
          Json.send(ctx, 200, body);
        })
        .onFailure(ctx::fail);
  }

  private void finishApi(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    exercises.finish(Access.principal(ctx), ctx.pathParam("moduleId"), ctx.pathParam("exerciseId"),
            Json.text(body, "path", 200), Json.text(body, "shape", 12), Json.text(body, "runKey", 100))
        .onSuccess(run -> Json.send(ctx, run.added() ? 201 : 200, new JsonObject().put("exercise", run.exerciseId())
            .put("path", run.path()).put("ending", run.ending()).put("finishedAt", run.finishedAt().toString())
            .put("added", run.added())))
        .onFailure(ctx::fail);
  }

  private void trackPage(RoutingContext ctx) {
    exercises.track(Access.principal(ctx)).onSuccess(track -> sendTrackPage(ctx, track, ctx.request().getParam("saved") != null))
        .onFailure(ctx::fail);
  }

  private void sendTrackPage(RoutingContext ctx, Optional<Track> track, boolean saved) {
    String lang = Language.of(ctx);
    Map<String, Object> model = pages.model(ctx, t(lang, "account.track.title"));
    List<Map<String, Object>> options = new ArrayList<>();
    Map<String, Object> none = new HashMap<>(Map.of("value", "", "label", t(lang, "account.track.none"), "checked", track.isEmpty()));
    options.add(none);
    for (Track each : Track.values()) {
      options.add(Map.of("value", each.keyword(), "label", t(lang, "track." + each.keyword()),
          "checked", track.map(each::equals).orElse(false)));
    }
    model.put("options", options);
    model.put("saved", saved);
    pages.send(ctx, "track", model);
  }

  private void trackForm(RoutingContext ctx) {
    exercises.setTrack(Access.principal(ctx), ctx.request().getFormAttribute("track"))
        .onSuccess(track -> Pages.seeOther(ctx, "/account/track?saved=1")).onFailure(ctx::fail);
  }

  private void trackApi(RoutingContext ctx) {
    exercises.track(Access.principal(ctx))
        .onSuccess(track -> Json.send(ctx, 200, new JsonObject().put("track", track.map(Track::keyword).orElse(null))))
        .onFailure(ctx::fail);
  }

  private void setTrackApi(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    Object value = body.getValue("track");
    if (value != null && !(value instanceof String)) {
      throw org.pillars.core.Invalid.field("track", "track", "the track must be military, police or staff, or null");
    }
    exercises.setTrack(Access.principal(ctx), (String) value)
        .onSuccess(track -> Json.send(ctx, 200, new JsonObject().put("track", track.map(Track::keyword).orElse(null))))
        .onFailure(ctx::fail);
  }

  private String t(String lang, String key, Object... args) {
    return pages.messages().get(lang, key, args);
  }
}
