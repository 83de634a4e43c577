package org.pillars.catalog;

import com.github.jknack.handlebars.Handlebars;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.pillars.core.Access;
import org.pillars.content.Catalog;
import org.pillars.content.Exercise;
import org.pillars.content.Track;
import org.pillars.content.Lesson;
import org.pillars.content.Module;
import org.pillars.http.Language;
import org.pillars.http.LessonView;
import org.pillars.http.Pages;
import org.pillars.core.NotFound;
import org.pillars.core.Routes;

/**
 * The reading pages: the catalogue, a module's overview and its lessons. Open to everyone, for the modules they may
 * see (a module for one organisation is not found by anyone else).
 */
public final class CatalogRoutes implements Routes {

  private final Supplier<Catalog> catalog;
  private final Pages pages;
  private final ReadLessons readLessons;
  private final ModuleReader reader;

  public CatalogRoutes(Supplier<Catalog> catalog, Pages pages, ReadLessons readLessons, ModuleReader reader) {
    this.catalog = catalog;
    this.pages = pages;
    this.readLessons = readLessons;
    this.reader = reader;
  }

  /** The lessons of the module the signed-in reader has read; none for an anonymous reader. */
  private Future<Set<String>> read(RoutingContext ctx, Module m) {
    return Access.current(ctx).map(p -> readLessons.of(p, m.id())).orElse(Future.succeededFuture(Set.of()));
  }

  /**
   * The confirmation after "mark as read" redirected here ({@code ?marked=<lesson id>}): the lesson's title, shown
   * only when that lesson of this module is read indeed, so a crafted link confirms nothing.
   */
  private static Map<String, Object> marked(RoutingContext ctx, Module m, Set<String> read, String lang) {
    String id = ctx.request().getParam("marked");
    if (id == null || !read.contains(id)) {
      return null;
    }
    return m.lesson(id).map(l -> lessonLink(m, l, lang)).orElse(null);
  }

  @Override
  public void mount(Router router) {
    router.get("/").handler(Access.anyone()).handler(this::catalogPage);
    // the page the service worker shows for a page not kept offline: the same for everyone, so it can be kept
    router.get("/offline").handler(Access.anyone()).handler(ctx -> pages.send(ctx, "offline",
        pages.model(ctx, pages.messages().get(Language.of(ctx), "offline.title"))));
    router.get("/modules/:moduleId").handler(Access.anyone()).handler(this::modulePage);
    router.get("/modules/:moduleId/:lessonId").handler(Access.anyone()).handler(this::lessonPage);
  }

  private void catalogPage(RoutingContext ctx) {
    String lang = Language.of(ctx);
    Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "catalog.title"));
    List<Map<String, Object>> cards = new ArrayList<>();
    for (Module m : catalog.get().modules(Access.current(ctx))) {
      Map<String, Object> card = new HashMap<>();
      card.put("href", "/modules/" + m.id());
      card.put("title", m.title().in(lang));
      card.put("titleLang", m.title().languageFor(lang));
      card.put("summary", m.summary().in(lang));
      card.put("summaryLang", m.summary().languageFor(lang));
      card.put("minutes", m.minutes());
      card.put("lessons", m.lessons().size());
      card.put("languages", pages.messages().get(lang, "module.languages." + String.join("-", m.languages())));
      cards.add(card);
    }
    model.put("modules", cards);
    pages.send(ctx, "catalog", model);
  }

  private void modulePage(RoutingContext ctx) {
    String lang = Language.of(ctx);
    Module m = module(ctx, lang);
    Map<String, Object> model = pages.model(ctx, m.title().in(lang));
    model.put("description", m.summary().in(lang));
    model.put("module", moduleModel(m, lang));
    model.put("summary", m.summary().in(lang));
    model.put("audience", m.audience().in(lang));
    model.put("objectives", m.objectives().in(lang));
    model.put("objectivesLang", m.objectives().languageFor(lang));
    model.put("sources", m.sources().in(lang));
    model.put("sourcesLang", m.sources().languageFor(lang));
    model.put("overview", new Handlebars.SafeString(m.overviewHtml().in(lang)));
    model.put("overviewLang", m.overviewHtml().languageFor(lang));
    model.put("quizHref", m.quiz().isPresent() ? "/modules/" + m.id() + "/quiz" : null);
    Future<ModuleReader.Reader> learner = Access.current(ctx).map(p -> reader.of(p, m.id()))
        .orElse(Future.succeededFuture(ModuleReader.Reader.NONE));
    read(ctx, m).compose(read -> learner.map(r -> Map.entry(read, r))).onSuccess(found -> {
      Set<String> read = found.getKey();
      ModuleReader.Reader r = found.getValue();
      Track track = r.track();
      List<Map<String, Object>> lessons = new ArrayList<>();
      int done = 0;
      for (Lesson l : Module.trackFirst(m.lessons(), Lesson::track, track)) {
        Map<String, Object> link = lessonLink(m, l, lang);
        boolean isRead = read.contains(l.id());
        link.put("read", isRead);
        done += isRead ? 1 : 0;
        putTrack(link, l.track(), track, lang);
        lessons.add(link);
      }
      model.put("start", lessons.isEmpty() ? null : lessons.get(0));
      model.put("lessons", lessons);
      List<Map<String, Object>> exercises = new ArrayList<>();
      for (Exercise e : Module.trackFirst(m.exercises(), Exercise::track, track)) {
        Map<String, Object> card = new HashMap<>();
        card.put("href", "/modules/" + m.id() + "/exercises/" + e.id());
        card.put("title", e.title().in(lang));
        card.put("titleLang", e.title().languageFor(lang));
        card.put("minutes", e.minutes());
        putTrack(card, e.track(), track, lang);
        ModuleReader.Played played = r.played().get(e.id());
        if (played != null) {
          card.put("played", pages.messages().get(lang, "module.played", played.runs(),
              org.pillars.http.Dates.day(played.last(), lang)));
        }
        exercises.add(card);
      }
      model.put("exercises", exercises);
      if (model.get("user") != null) {
        model.put("readCount", done);
        model.put("lessonCount", lessons.size());
        model.put("marked", marked(ctx, m, read, lang));
        model.put("chooseTrack", track == null && m.lessons().stream().anyMatch(l -> l.track() != null)
            || track == null && m.exercises().stream().anyMatch(e -> e.track() != null));
        String playedId = ctx.request().getParam("played");
        // confirmed only when this learner did finish that exercise: a crafted link confirms nothing
        model.put("playedNow", playedId == null || !r.played().containsKey(playedId) ? null
            : m.exercise(playedId).map(e -> e.title().in(lang)).orElse(null));
      }
      pages.send(ctx, "module", model);
    }).onFailure(ctx::fail);
  }

  /** A lesson's or an exercise's track as the page names it, and whether it is the reader's. */
  private void putTrack(Map<String, Object> model, Track itsTrack, Track readers, String lang) {
    if (itsTrack != null) {
      model.put("track", pages.messages().get(lang, "track." + itsTrack.keyword()));
      model.put("yours", itsTrack == readers);
    }
  }

  private void lessonPage(RoutingContext ctx) {
    String lang = Language.of(ctx);
    Module m = module(ctx, lang);
    Lesson lesson = m.lesson(ctx.pathParam("lessonId"))
        .orElseThrow(() -> new NotFound(pages.messages().get(lang, "error.lesson.missing")));
    Map<String, Object> model = LessonView.lesson(pages.model(ctx, lesson.title().in(lang) + " · " + m.title().in(lang)),
        m, lesson, lang, "/modules/" + m.id());
    if (model.get("user") == null) {
      pages.send(ctx, "lesson", model);
      return;
    }
    model.put("readAction", "/modules/" + m.id() + "/" + lesson.id() + "/read");
    if (ctx.request().getParam("marked") == null) {
      // the page learners read most: no query unless it must confirm a mark (the module page shows what is read)
      pages.send(ctx, "lesson", model);
      return;
    }
    read(ctx, m).onSuccess(read -> {
      model.put("marked", marked(ctx, m, read, lang));
      pages.send(ctx, "lesson", model);
    }).onFailure(ctx::fail);
  }

  private Module module(RoutingContext ctx, String lang) {
    return catalog.get().module(ctx.pathParam("moduleId"), Access.current(ctx))
        .orElseThrow(() -> new NotFound(pages.messages().get(lang, "error.module.missing")));
  }

  private static Map<String, Object> moduleModel(Module m, String lang) {
    return LessonView.module(m, lang, "/modules/" + m.id());
  }

  private static Map<String, Object> lessonLink(Module m, Lesson l, String lang) {
    return LessonView.link(l, lang, "/modules/" + m.id());
  }
}
