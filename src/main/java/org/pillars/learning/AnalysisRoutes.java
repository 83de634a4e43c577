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

  /** One question's figures; {@code likelyWrong} is -1 when nobody chose a wrong option. */
  record Item(Quiz.Question question, int number, long answered, long correct, int likelyWrong, long likelyWrongCount) {
    int percent() {
      return answered == 0 ? 0 : (int) Math.round(100.0 * correct / answered);
    }
  }

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
    router.get("/api/modules/:moduleId/analysis").handler(trainers).handler(this::api);
  }

  private io.vertx.core.Future<List<Item>> items(Module module) {
    Quiz quiz = learning.quiz(module);
    return learning.itemStats(module).map(stats -> {
      List<Item> items = new ArrayList<>();
      int number = 1;
      for (Quiz.Question q : quiz.questions()) {
        long[] v = stats.verdicts().getOrDefault(q.id(), new long[] {0, 0});
        Map<Integer, Long> picks = stats.choices().getOrDefault(q.id(), Map.of());
        int worst = -1;
        long worstCount = 0;
        for (Map.Entry<Integer, Long> e : picks.entrySet()) {
          boolean wrong = e.getKey() >= 0 && e.getKey() < q.options().size() && !q.options().get(e.getKey()).correct();
          if (wrong && e.getValue() > worstCount) {
            worst = e.getKey();
            worstCount = e.getValue();
          }
        }
        items.add(new Item(q, number++, v[0], v[1], worst, worstCount));
      }
      return items;
    });
  }

  private void page(RoutingContext ctx) {
    String lang = Language.of(ctx);
    Module module = learning.module(ctx.pathParam("moduleId"));
    items(module).onSuccess(items -> {
      Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "analysis.title") + " · " + module.title().in(lang));
      model.put("module", Map.of("href", "/modules/" + module.id(), "title", module.title().in(lang), "version", module.version()));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Item i : items) {
        Map<String, Object> row = new HashMap<>();
        row.put("number", i.number());
        row.put("id", i.question().id());
        row.put("prompt", new Handlebars.SafeString(i.question().promptHtml().in(lang)));
        row.put("answered", i.answered());
        row.put("percent", i.percent());
        row.put("low", i.answered() > 0 && i.percent() < 50);
        row.put("wrong", i.likelyWrong() < 0 ? null : new Handlebars.SafeString(i.question().options().get(i.likelyWrong()).html().in(lang)));
        row.put("wrongCount", i.likelyWrongCount());
        rows.add(row);
      }
      model.put("items", rows);
      pages.send(ctx, "analysis", model);
    }).onFailure(ctx::fail);
  }

  private void api(RoutingContext ctx) {
    Module module = learning.module(ctx.pathParam("moduleId"));
    items(module).onSuccess(items -> {
      JsonArray list = new JsonArray();
      items.forEach(i -> list.add(new JsonObject().put("question", i.question().id()).put("answered", i.answered())
          .put("correct", i.correct()).put("shareCorrect", i.answered() == 0 ? null : (double) i.correct() / i.answered())
          .put("mostChosenWrongOption", i.likelyWrong() < 0 ? null : i.likelyWrong()).put("mostChosenWrongCount", i.likelyWrongCount())));
      Json.send(ctx, 200, new JsonObject().put("module", module.id()).put("version", module.version()).put("questions", list));
    }).onFailure(ctx::fail);
  }
}
