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

  public CatalogRoutes(Supplier<Catalog> catalog, Pages pages, ReadLessons readLessons) {
    this.catalog = catalog;
    this.pages = pages;
    this.readLessons = readLessons;
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
    List<Map<String, Object>> lessons = new ArrayList<>();
    for (Lesson l : m.lessons()) {
      lessons.add(lessonLink(m, l, lang));
    }
    model.put("start", lessons.isEmpty() ? null : lessons.get(0));
    model.put("quizHref", m.quiz().isPresent() ? "/modules/" + m.id() + "/quiz" : null);
    read(ctx, m).onSuccess(read -> {
      int done = 0;
      for (Map<String, Object> l : lessons) {
        boolean isRead = read.contains((String) l.get("id"));
        l.put("read", isRead);
        done += isRead ? 1 : 0;
      }
      model.put("lessons", lessons);
      if (model.get("user") != null) {
        model.put("readCount", done);
        model.put("lessonCount", lessons.size());
        model.put("marked", marked(ctx, m, read, lang));
      }
      pages.send(ctx, "module", model);
    }).onFailure(ctx::fail);
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
