package org.pillars.cohorts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.pillars.content.Catalog;
import org.pillars.core.Access;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;

/**
 * For trainers (and coordinators, and admins): the learners of their organisation and its units locked out of a
 * module's quiz, and a grant of more attempts to one of them with a reason, without going through a cohort.
 * The page and the API are renderings of {@link CohortService#lockedOut} and {@link CohortService#grantLockedOut}.
 */
public final class LockedOutRoutes implements Routes {

  private final CohortService cohorts;
  private final Supplier<Catalog> catalog;
  private final Pages pages;

  public LockedOutRoutes(CohortService cohorts, Supplier<Catalog> catalog, Pages pages) {
    this.cohorts = cohorts;
    this.catalog = catalog;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    var who = Access.roles(Role.TRAINER, Role.COORDINATOR, Role.ADMIN);
    router.get("/modules/:moduleId/locked-out").handler(who).handler(this::page);
    router.post("/modules/:moduleId/locked-out/:accountId/grants").handler(who).handler(this::grantForm);
    router.get("/api/modules/:moduleId/locked-out").handler(who).handler(this::api);
    router.post("/api/modules/:moduleId/locked-out/:accountId/grants").handler(who).handler(this::grantApi);
  }

  private void page(RoutingContext ctx) {
    String lang = Language.of(ctx);
    String moduleId = ctx.pathParam("moduleId");
    cohorts.lockedOut(Access.principal(ctx), moduleId).onSuccess(list -> {
      String title = catalog.get().module(moduleId).map(m -> m.title().in(lang)).orElse(moduleId);
      Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "locked.title") + " · " + title);
      model.put("module", Map.of("id", moduleId, "title", title));
      model.put("learners", list.stream().map(l -> Map.of("id", l.accountId(), "name", l.name(), "username", l.username(),
          "organisation", l.organisation(), "attempts", l.attempts(), "best", Objects.toString(l.bestScore(), "–"),
          "action", "/modules/" + moduleId + "/locked-out/" + l.accountId() + "/grants")).toList());
      model.put("granted", ctx.request().getParam("granted") != null);
      pages.send(ctx, "locked-out", model);
    }).onFailure(ctx::fail);
  }

  private void grantForm(RoutingContext ctx) {
    String moduleId = ctx.pathParam("moduleId");
    var form = ctx.request().formAttributes();
    cohorts.grantLockedOut(Access.principal(ctx), moduleId, ctx.pathParam("accountId"), form.get("extra"), form.get("reason"))
        .onSuccess(v -> Pages.seeOther(ctx, "/modules/" + URLEncoder.encode(moduleId, StandardCharsets.UTF_8) + "/locked-out?granted="
            + URLEncoder.encode(ctx.pathParam("accountId"), StandardCharsets.UTF_8)))
        .onFailure(ctx::fail);
  }

  private void api(RoutingContext ctx) {
    cohorts.lockedOut(Access.principal(ctx), ctx.pathParam("moduleId")).onSuccess(list -> Json.send(ctx, 200, new JsonObject()
        .put("learners", new JsonArray(list.stream().map(l -> (Object) new JsonObject().put("id", l.accountId()).put("name", l.name())
            .put("username", l.username()).put("organisation", l.organisation()).put("attempts", l.attempts())
            .put("bestScore", l.bestScore())).toList())))).onFailure(ctx::fail);
  }

  private void grantApi(RoutingContext ctx) {
    JsonObject b = Json.body(ctx);
    Object extra = b.getValue("extra");
    cohorts.grantLockedOut(Access.principal(ctx), ctx.pathParam("moduleId"), ctx.pathParam("accountId"),
            extra == null ? null : String.valueOf(extra), b.getString("reason"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }
}
