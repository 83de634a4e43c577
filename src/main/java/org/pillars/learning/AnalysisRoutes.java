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
import org.pillars.core.Access;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.content.Module;
import org.pillars.content.Quiz;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;

/**
 * Item analysis for trainers: per question of the current module version, how many answered it, the
 * share who got it right and the wrong option chosen most. Aggregates only; no learner is named.
 */
public final class AnalysisRoutes implements Routes {

  /**
   * One question's figures; {@code likelyWrong} is -1 when nobody chose a wrong option; {@code picks} per option
   * (by position); {@code discrimination} null when the top or bottom group is empty.
   */
  record Item(Quiz.Question question, int number, long answered, long correct, int likelyWrong, long likelyWrongCount,
              List<Long> picks, Double discrimination) {
    int percent() {
      return answered == 0 ? 0 : (int) Math.round(100.0 * correct / answered);
    }
  }

  /** The figures of one version of a module's quiz, in one language or all. */
  record Analysis(Module module, int version, String lang, long attempts, List<Item> items) { }

  private final LearningService learning;
  private final Pages pages;

  public AnalysisRoutes(LearningService learning, Pages pages) {
    this.learning = learning;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    var trainers = Access.roles(Role.TRAINER, Role.ADMIN);
    router.get("/modules/:moduleId/analysis").handler(trainers).handler(this::page);
    router.get("/modules/:moduleId/analysis.csv").handler(trainers).handler(this::csv);
    router.get("/api/modules/:moduleId/analysis").handler(trainers).handler(this::api);
  }

  /** The version asked for ({@code ?version=}, the one served by default) and the language ({@code ?lang=}, all by default). */
  private io.vertx.core.Future<Analysis> analysis(RoutingContext ctx) {
    Module module = learning.module(ctx.pathParam("moduleId"), Access.current(ctx));
    learning.quiz(module);
    String rawVersion = ctx.request().getParam("version");
    String lang = ctx.request().getParam("lang");
    if (lang != null && (lang.isEmpty() || !org.pillars.content.CourseLoader.LANGUAGES.contains(lang))) {
      lang = null;
    }
    int version;
    try {
      version = rawVersion == null || rawVersion.isBlank() ? module.version() : Integer.parseInt(rawVersion.strip());
    } catch (NumberFormatException e) {
      throw new org.pillars.core.Invalid("'version' must be a version number of this module");
    }
    String language = lang;
    return learning.quizOf(module, version).compose(quiz -> learning.itemStats(module, version, language).map(stats -> {
      List<Item> items = new ArrayList<>();
      int number = 1;
      for (Quiz.Question q : quiz.questions()) {
        long[] v = stats.verdicts().getOrDefault(q.id(), new long[] {0, 0});
        Map<Integer, Long> chosen = stats.choices().getOrDefault(q.id(), Map.of());
        int worst = -1;
        long worstCount = 0;
        List<Long> picks = new ArrayList<>();
        for (int o = 0; o < q.options().size(); o++) {
          long n = chosen.getOrDefault(o, 0L);
          picks.add(n);
          if (!q.options().get(o).correct() && n > worstCount) {
            worst = o;
            worstCount = n;
          }
        }
        items.add(new Item(q, number++, v[0], v[1], worst, worstCount, picks, stats.discrimination().get(q.id())));
      }
      return new Analysis(module, version, language, stats.attempts(), items);
    }));
  }

  private void page(RoutingContext ctx) {
    String lang = Language.of(ctx);
    analysis(ctx).onSuccess(an -> {
      Module module = an.module();
      Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "analysis.title") + " · " + module.title().in(lang));
      model.put("module", Map.of("href", "/modules/" + module.id(), "title", module.title().in(lang), "version", an.version(),
          "id", module.id()));
      model.put("attempts", an.attempts());
      model.put("answeredIn", an.lang());
      model.put("csv", "/modules/" + module.id() + "/analysis.csv?version=" + an.version() + (an.lang() == null ? "" : "&lang=" + an.lang()));
      model.put("languages", org.pillars.content.CourseLoader.LANGUAGES.stream().map(code -> Map.of("code", code,
          "selected", code.equals(an.lang()))).toList());
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Item i : an.items()) {
        Map<String, Object> row = new HashMap<>();
        row.put("number", i.number());
        row.put("id", i.question().id());
        row.put("prompt", new Handlebars.SafeString(i.question().promptHtml().in(lang)));
        row.put("answered", i.answered());
        row.put("percent", i.percent());
        row.put("low", i.answered() > 0 && i.percent() < 50);
        row.put("wrong", i.likelyWrong() < 0 ? null : new Handlebars.SafeString(i.question().options().get(i.likelyWrong()).html().in(lang)));
        row.put("wrongCount", i.likelyWrongCount());
        row.put("discrimination", i.discrimination() == null ? "–" : String.format(java.util.Locale.ROOT, "%.2f", i.discrimination()));
        row.put("weak", i.discrimination() != null && i.discrimination() < 0.2);
        List<Map<String, Object>> options = new ArrayList<>();
        for (int o = 0; o < i.picks().size(); o++) {
          options.add(Map.of("html", new Handlebars.SafeString(i.question().options().get(o).html().in(lang)),
              "correct", i.question().options().get(o).correct(),
              "share", i.answered() == 0 ? 0 : Math.round(100.0 * i.picks().get(o) / i.answered())));
        }
        row.put("options", options);
        rows.add(row);
      }
      model.put("items", rows);
      pages.send(ctx, "analysis", model);
    }).onFailure(ctx::fail);
  }

  /** The same figures as a spreadsheet: one row per option; no learner named. */
  private void csv(RoutingContext ctx) {
    analysis(ctx).onSuccess(an -> {
      StringBuilder out = new StringBuilder("question,number,answered,correct,share_correct,discrimination,option,option_right,option_picks,option_share\r\n");
      for (Item i : an.items()) {
        for (int o = 0; o < i.picks().size(); o++) {
          out.append(i.question().id()).append(',').append(i.number()).append(',').append(i.answered()).append(',').append(i.correct())
              .append(',').append(i.answered() == 0 ? "" : String.format(java.util.Locale.ROOT, "%.3f", (double) i.correct() / i.answered()))
              .append(',').append(i.discrimination() == null ? "" : String.format(java.util.Locale.ROOT, "%.3f", i.discrimination()))
              .append(',').append(o + 1).append(',').append(i.question().options().get(o).correct() ? "yes" : "no")
              .append(',').append(i.picks().get(o))
              .append(',').append(i.answered() == 0 ? "" : String.format(java.util.Locale.ROOT, "%.3f", (double) i.picks().get(o) / i.answered()))
              .append("\r\n");
        }
      }
      ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"" + an.module().id() + "-v" + an.version()
              + (an.lang() == null ? "" : "-" + an.lang()) + "-items.csv\"")
          .putHeader("Cache-Control", "private, no-store").end(out.toString());
    }).onFailure(ctx::fail);
  }

  private void api(RoutingContext ctx) {
    analysis(ctx).onSuccess(an -> {
      JsonArray list = new JsonArray();
      an.items().forEach(i -> list.add(new JsonObject().put("question", i.question().id()).put("answered", i.answered())
          .put("correct", i.correct()).put("shareCorrect", i.answered() == 0 ? null : (double) i.correct() / i.answered())
          .put("mostChosenWrongOption", i.likelyWrong() < 0 ? null : i.likelyWrong()).put("mostChosenWrongCount", i.likelyWrongCount())
          .put("optionPicks", new JsonArray(i.picks())).put("discrimination", i.discrimination())));
      Json.send(ctx, 200, new JsonObject().put("module", an.module().id()).put("version", an.version()).put("lang", an.lang())
          .put("attempts", an.attempts()).put("questions", list));
    }).onFailure(ctx::fail);
  }
}
