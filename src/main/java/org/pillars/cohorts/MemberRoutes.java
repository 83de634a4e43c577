package org.pillars.cohorts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.pillars.core.Access;
import org.pillars.core.Principal;
import org.pillars.core.Role;
import org.pillars.content.Catalog;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;
import org.pillars.core.NotFound;
import org.pillars.core.Invalid;
import org.pillars.core.Conflict;
import org.pillars.core.Routes;

/**
 * One learner at a time: the drill-down into their attempts, adding one learner by hand, the printable
 * readiness summary. Same scoping as the rest of the cohort pages.
 */
public final class MemberRoutes implements Routes {

  private final CohortService cohorts;
  private final BulkActions bulk;
  private final Supplier<Catalog> catalog;
  private final Pages pages;

  public MemberRoutes(CohortService cohorts, BulkActions bulk, Supplier<Catalog> catalog, Pages pages) {
    this.cohorts = cohorts;
    this.bulk = bulk;
    this.catalog = catalog;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    var staff = Access.roles(Role.COORDINATOR, Role.ADMIN);
    router.get("/cohorts/:cohortId/learners/:accountId").handler(staff).handler(this::learnerPage);
    router.get("/api/cohorts/:cohortId/learners/:accountId").handler(staff).handler(this::learnerApi);
    router.post("/cohorts/:cohortId/members").handler(staff).handler(this::addForm);
    router.post("/api/cohorts/:cohortId/members").handler(staff).handler(this::addApi);
    router.post("/cohorts/:cohortId/members/:accountId/move").handler(staff).handler(this::moveForm);
    router.post("/cohorts/:cohortId/learners/:accountId/setup-code").handler(staff).handler(this::setupCodeForm);
    router.post("/api/cohorts/:cohortId/learners/:accountId/setup-code").handler(staff).handler(this::setupCodeApi);
    router.post("/cohorts/:cohortId/learners/:accountId/attempts/:attemptId/decision").handler(staff).handler(this::decideForm);
    router.post("/api/cohorts/:cohortId/learners/:accountId/attempts/:attemptId/decision").handler(staff).handler(this::decideApi);
    router.get("/cohorts/:cohortId/readiness").handler(staff).handler(this::readiness);
    router.post("/cohorts/:cohortId/learners/:accountId/grants").handler(staff).handler(this::grantForm);
    router.post("/api/cohorts/:cohortId/learners/:accountId/grants").handler(staff).handler(this::grantApi);
  }

  /** More attempts for a learner locked out of a quiz, with the reason; back to the learner's page, which says so. */
  private void grantForm(RoutingContext ctx) {
    String cohort = ctx.pathParam("cohortId");
    String account = ctx.pathParam("accountId");
    var form = ctx.request().formAttributes();
    cohorts.grantAttempts(Access.principal(ctx), cohort, account, form.get("module"), form.get("extra"), form.get("reason"))
        .onSuccess(v -> Pages.seeOther(ctx, "/cohorts/" + cohort + "/learners/" + account + "?granted="
            + java.net.URLEncoder.encode(String.valueOf(form.get("module")), java.nio.charset.StandardCharsets.UTF_8)))
        .onFailure(ctx::fail);
  }

  private void grantApi(RoutingContext ctx) {
    JsonObject b = Json.body(ctx);
    Object extra = b.getValue("extra");
    cohorts.grantAttempts(Access.principal(ctx), ctx.pathParam("cohortId"), ctx.pathParam("accountId"), b.getString("module"),
            extra == null ? null : String.valueOf(extra), b.getString("reason"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private Future<CohortService.LearnerDetail> detail(RoutingContext ctx) {
    return cohorts.learner(Access.principal(ctx), ctx.pathParam("cohortId"), ctx.pathParam("accountId"), LocalDate.now());
  }

  private void learnerPage(RoutingContext ctx) {
    showLearner(ctx, null);
  }

  /** The drill-down page; {@code setupCode} is shown once, right after it was issued. */
  private void showLearner(RoutingContext ctx, String setupCode) {
    String lang = Language.of(ctx);
    detail(ctx).onSuccess(d -> {
      Map<String, Object> model = pages.model(ctx, d.member().name());
      model.put("cohort", Map.of("href", "/cohorts/" + d.cohort().id(), "name", d.cohort().name()));
      model.put("learner", Map.of("name", d.member().name(), "rank", String.valueOf(d.member().rank()),
          "serviceNumber", String.valueOf(d.member().serviceNumber()), "unit", String.valueOf(d.member().unit()),
          "activation", d.member().activation() == null ? "" : pages.messages().get(lang, "report.activation." + d.member().activation())));
      List<Map<String, Object>> modules = new ArrayList<>();
      for (CohortService.LearnerModule lm : d.modules()) {
        CohortService.Cell c = lm.cell();
        Map<String, Object> row = new HashMap<>();
        row.put("title", catalog.get().module(c.moduleId()).map(x -> x.title().in(lang)).orElse(c.moduleId()));
        row.put("due", org.pillars.http.Dates.shortDay(lm.dueOn(), lang));
        row.put("status", c.status().code());
        row.put("statusLabel", pages.messages().get(lang, "report.status." + c.status().code()));
        row.put("overdue", c.overdue());
        row.put("read", c.lessonsRead());
        row.put("lessons", c.lessons());
        row.put("score", c.score());
        row.put("completed", c.completedOn() == null ? null : org.pillars.http.Dates.shortDay(c.completedOn(), lang));
        row.put("locked", c.locked());
        row.put("certificate", c.certificate() == null ? null : c.certificate().model());
        row.put("moduleId", c.moduleId());
        row.put("grantAction", "/cohorts/" + d.cohort().id() + "/learners/" + d.member().accountId() + "/grants");
        row.put("grants", d.grants().stream().filter(g -> g.moduleId().equals(c.moduleId())).map(g -> Map.of("extra", g.extra(),
            "reason", g.reason(), "date", org.pillars.http.Dates.shortDay(g.grantedAt().toLocalDate(), lang), "by", String.valueOf(g.grantedBy()))).toList());
        row.put("justGranted", c.moduleId().equals(ctx.request().getParam("granted")));
        row.put("attempts", lm.attempts().stream().map(t -> {
          Map<String, Object> line = new HashMap<>();
          line.put("id", t.id().toString());
          line.put("date", org.pillars.http.Dates.shortDay(t.submittedAt().toLocalDate(), lang));
          line.put("score", t.score());
          line.put("passed", t.passed());
          line.put("waiting", t.waiting());
          line.put("decidedOn", t.decidedAt() == null ? null : org.pillars.http.Dates.shortDay(t.decidedAt().toLocalDate(), lang));
          line.put("counted", "counted".equals(t.decision()));
          line.put("setAside", "set-aside".equals(t.decision()));
          line.put("decideAction", "/cohorts/" + d.cohort().id() + "/learners/" + d.member().accountId() + "/attempts/" + t.id()
              + "/decision");
          return line;
        }).toList());
        modules.add(row);
      }
      model.put("modules", modules);
      model.put("moveAction", "/cohorts/" + d.cohort().id() + "/members/" + d.member().accountId() + "/move");
      model.put("setupAction", "/cohorts/" + d.cohort().id() + "/learners/" + d.member().accountId() + "/setup-code");
      if (setupCode != null) {
        model.put("setupCode", setupCode);
        model.put("setupLink", "/setup/" + setupCode);
      }
      cohorts.cohorts(Access.principal(ctx)).onSuccess(all -> {
        model.put("targets", all.stream().filter(c -> c.organisationId() == d.cohort().organisationId() && c.id() != d.cohort().id())
            .map(c -> Map.of("id", c.id(), "name", c.name())).toList());
        pages.send(ctx, "learner", model);
      }).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  private void learnerApi(RoutingContext ctx) {
    detail(ctx).onSuccess(d -> {
      JsonArray modules = new JsonArray();
      for (CohortService.LearnerModule lm : d.modules()) {
        CohortService.Cell c = lm.cell();
        JsonArray attempts = new JsonArray();
        lm.attempts().forEach(t -> attempts.add(attemptJson(t)));
        modules.add(new JsonObject().put("module", c.moduleId()).put("dueOn", lm.dueOn().toString())
            .put("status", c.status().code()).put("overdue", c.overdue()).put("lessonsRead", c.lessonsRead())
            .put("certificateScore", c.score()).put("completedOn", c.completedOn() == null ? null : c.completedOn().toString())
            .put("locked", c.locked()).put("certificate", c.certificate() == null ? null : c.certificate().json())
            .put("attempts", attempts)
            .put("grants", new JsonArray(d.grants().stream().filter(g -> g.moduleId().equals(c.moduleId())).map(g -> new JsonObject()
                .put("extra", g.extra()).put("reason", g.reason()).put("grantedAt", g.grantedAt().toString()).put("grantedBy", g.grantedBy()))
                .toList())));
      }
      Json.send(ctx, 200, new JsonObject().put("id", d.member().accountId()).put("name", d.member().name())
          .put("serviceNumber", d.member().serviceNumber()).put("rank", d.member().rank()).put("unit", d.member().unit())
          .put("activation", d.member().activation())
          .put("modules", modules));
    }).onFailure(ctx::fail);
  }

  static JsonObject attemptJson(CohortRepository.AttemptLine t) {
    return new JsonObject().put("id", t.id().toString()).put("submittedAt", t.submittedAt().toString()).put("score", t.score())
        .put("passed", t.passed()).put("held", t.held()).put("decision", t.decision())
        .put("decidedAt", t.decidedAt() == null ? null : t.decidedAt().toString());
  }

  /** A held attempt counted ({@code count=yes}) or set aside ({@code count=no}); then back to the learner's page. */
  private void decideForm(RoutingContext ctx) {
    String count = ctx.request().getFormAttribute("count");
    if (!"yes".equals(count) && !"no".equals(count)) {
      throw new Invalid("choose whether the attempt counts: count=yes or count=no");
    }
    cohorts.decideHeld(Access.principal(ctx), ctx.pathParam("cohortId"), ctx.pathParam("accountId"), ctx.pathParam("attemptId"),
            "yes".equals(count))
        .onSuccess(at -> ctx.response().setStatusCode(303).putHeader("Location", "/cohorts/" + ctx.pathParam("cohortId")
            + "/learners/" + ctx.pathParam("accountId") + "#attempt-" + ctx.pathParam("attemptId")).end())
        .onFailure(ctx::fail);
  }

  private void decideApi(RoutingContext ctx) {
    Boolean count = Json.body(ctx).getValue("count") instanceof Boolean b ? b : null;
    if (count == null) {
      throw new Invalid("'count' must be true (the attempt counts) or false (it is set aside for good)");
    }
    cohorts.decideHeld(Access.principal(ctx), ctx.pathParam("cohortId"), ctx.pathParam("accountId"), ctx.pathParam("attemptId"), count)
        .onSuccess(at -> Json.send(ctx, 200, new JsonObject().put("attempt", ctx.pathParam("attemptId"))
            .put("decision", count ? "counted" : "set-aside").put("decidedAt", at.toString())))
        .onFailure(ctx::fail);
  }

  private void setupCodeForm(RoutingContext ctx) {
    cohorts.reissueSetupCode(Access.principal(ctx), ctx.pathParam("cohortId"), ctx.pathParam("accountId"))
        .onSuccess(code -> showLearner(ctx, code)).onFailure(ctx::fail);
  }

  private void setupCodeApi(RoutingContext ctx) {
    cohorts.reissueSetupCode(Access.principal(ctx), ctx.pathParam("cohortId"), ctx.pathParam("accountId"))
        .onSuccess(code -> Json.send(ctx, 201, new JsonObject().put("setupCode", code)))
        .onFailure(ctx::fail);
  }

  private void moveForm(RoutingContext ctx) {
    String to = ctx.request().getFormAttribute("to");
    bulk.run(Access.principal(ctx), ctx.pathParam("cohortId"), BulkActions.one("move", ctx.pathParam("accountId"), to))
        .onSuccess(done -> Pages.seeOther(ctx, "/cohorts/" + done.plan().target().id() + "/learners/"
            + done.plan().people().get(0).accountId()))
        .onFailure(ctx::fail);
  }

  /** One learner added by hand goes through the very same checks as a roster file of one row. */
  static byte[] oneRow(String name, String serviceNumber, String rank, String unit, String email) {
    return ("name,service number,rank,unit,email\n" + String.join(",", quote(name), quote(serviceNumber), quote(rank), quote(unit),
        quote(email)) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String quote(String value) {
    return "\"" + (value == null ? "" : value.replace("\"", "\"\"").replace("\n", " ").replace("\r", " ")) + "\"";
  }

  private void addForm(RoutingContext ctx) {
    var f = ctx.request().formAttributes();
    CohortRoutes.showImport(ctx, pages, cohorts.importRoster(Access.principal(ctx), ctx.pathParam("cohortId"),
        oneRow(f.get("name"), f.get("serviceNumber"), f.get("rank"), f.get("unit"), f.get("email"))));
  }

  private void addApi(RoutingContext ctx) {
    JsonObject b = Json.body(ctx);
    cohorts.importRoster(Access.principal(ctx), ctx.pathParam("cohortId"),
            oneRow(b.getString("name"), b.getString("serviceNumber"), b.getString("rank"), b.getString("unit"), b.getString("email")))
        .onSuccess(result -> Json.send(ctx, result.created() > 0 ? 201 : 200, CohortApi.importJson(result)))
        .onFailure(e -> CohortApi.rosterFailure(ctx, e));
  }

  /** The pre-deployment check on one printed page: completion per module, and who is not ready yet, by unit. */
  private void readiness(RoutingContext ctx) {
    String lang = Language.of(ctx);
    LocalDate today = LocalDate.now();
    cohorts.report(Access.principal(ctx), ctx.pathParam("cohortId"), null, CohortService.INCOMPLETE, today, 0, Integer.MAX_VALUE).onSuccess(r -> {
      Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "readiness.title") + " · " + r.cohort().name());
      model.put("cohort", Map.of("name", r.cohort().name(), "organisation", r.cohort().organisationName(),
          "deploys", org.pillars.http.Dates.day(r.cohort().deploysOn(), lang), "href", "/cohorts/" + r.cohort().id()));
      model.put("today", org.pillars.http.Dates.day(today, lang));
      model.put("modules", r.modules().stream().map(m -> Map.of("title", catalog.get().module(m.moduleId()).map(x -> x.title().in(lang))
          .orElse(m.title()), "completed", m.completed(), "total", r.totalLearners(),
          "percent", r.totalLearners() == 0 ? 0 : Math.round(100f * m.completed() / r.totalLearners()), "overdue", m.overdue())).toList());
      Map<String, List<Map<String, Object>>> byUnit = new java.util.TreeMap<>();
      for (CohortService.Line line : r.lines()) {
        long missing = line.cells().stream().filter(c -> c.status() != Status.COMPLETED).count();
        byUnit.computeIfAbsent(String.valueOf(line.learner().unit()), k -> new ArrayList<>()).add(Map.of(
            "name", line.learner().name(), "rank", String.valueOf(line.learner().rank()),
            "serviceNumber", String.valueOf(line.learner().serviceNumber()), "missing", missing,
            "locked", line.cells().stream().anyMatch(CohortService.Cell::locked)));
      }
      model.put("ready", r.totalLearners() - r.matching());
      model.put("total", r.totalLearners());
      model.put("units", byUnit.entrySet().stream().map(e -> Map.of("unit", e.getKey(), "learners", e.getValue())).toList());
      pages.send(ctx, "readiness", model);
    }).onFailure(ctx::fail);
  }
}
