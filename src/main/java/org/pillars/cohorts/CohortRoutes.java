package org.pillars.cohorts;

import com.github.jknack.handlebars.Handlebars;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import org.pillars.content.Module;
import org.pillars.http.Language;
import org.pillars.http.Pages;
import org.pillars.core.Invalid;
import org.pillars.core.Routes;

/** The coordinator's pages: cohorts, the completion report with its charts, rosters, assignments, export. */
public final class CohortRoutes implements Routes {

  static final int PAGE_SIZE = 100;

  private final CohortService cohorts;
  private final Supplier<Catalog> catalog;
  private final Pages pages;

  public CohortRoutes(CohortService cohorts, Supplier<Catalog> catalog, Pages pages) {
    this.cohorts = cohorts;
    this.catalog = catalog;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    var staff = Access.roles(Role.COORDINATOR, Role.ADMIN);
    router.get("/cohorts").handler(staff).handler(this::list);
    router.post("/cohorts").handler(staff).handler(this::create);
    router.get("/cohorts/:cohortId").handler(staff).handler(this::report);
    router.get("/cohorts/:cohortId/export.csv").handler(staff).handler(ctx -> CohortApi.export(cohorts, catalog, ctx));
    router.post("/cohorts/:cohortId/edit").handler(staff).handler(this::edit);
    router.post("/cohorts/:cohortId/delete").handler(staff).handler(this::delete);
    router.post("/cohorts/:cohortId/import").handler(staff).handler(this::importRoster);
    router.post("/cohorts/:cohortId/assignments").handler(staff).handler(this::assign);
  }

  /** The roster file of the import form (the path as mounted above, written out so the route tables can be read off the source). */
  @Override
  public List<String> uploads() {
    return List.of("/cohorts/:cohortId/import");
  }

  private String t(RoutingContext ctx, String key, Object... args) {
    return pages.messages().get(Language.of(ctx), key, args);
  }

  private void list(RoutingContext ctx) {
    list(ctx, FormState.NONE, 200);
  }

  private void list(RoutingContext ctx, FormState state, int status) {
    Principal p = Access.principal(ctx);
    String lang = Language.of(ctx);
    cohorts.cohorts(p).compose(list -> cohorts.organisations(p)
        .map(orgs -> {
          Map<String, Object> model = pages.model(ctx, t(ctx, "cohorts.title"));
          List<Map<String, Object>> rows = new ArrayList<>();
          for (CohortRepository.Cohort c : list) {
            rows.add(Map.of("href", "/cohorts/" + c.id(), "name", c.name(), "organisation", c.organisationName(),
                "starts", org.pillars.http.Dates.shortDay(c.startsOn(), lang), "deploys", org.pillars.http.Dates.shortDay(c.deploysOn(), lang), "learners", c.members()));
          }
          model.put("cohorts", rows);
          List<Map<String, Object>> options = new ArrayList<>();
          String chosen = state.value("create", "organisation", "");
          orgs.forEach(o -> options.add(Map.of("id", o.id(), "name", o.name(), "selected", String.valueOf(o.id()).equals(chosen))));
          model.put("organisations", options);
          model.put("create", Map.of("name", state.value("create", "name", ""), "startsOn", state.value("create", "startsOn", ""),
              "deploysOn", state.value("create", "deploysOn", ""), "errors", state.errors("create")));
          model.put("problem", !state.errors("create").isEmpty());
          return model;
        })).onSuccess(model -> pages.send(ctx, status, "cohorts", model)).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    var form = ctx.request().formAttributes();
    long organisation;
    try {
      organisation = Long.parseLong(form.get("organisation"));
    } catch (NumberFormatException e) {
      throw new Invalid(t(ctx, "cohorts.badOrganisation"));
    }
    form(ctx, "create", () -> cohorts.create(Access.principal(ctx), organisation, form.get("name"),
            date("startsOn", form.get("startsOn")), date("deploysOn", form.get("deploysOn"))),
        id -> Pages.seeOther(ctx, "/cohorts/" + id), (state, status) -> list(ctx, state, status));
  }

  private void edit(RoutingContext ctx) {
    var form = ctx.request().formAttributes();
    form(ctx, "edit", () -> cohorts.update(Access.principal(ctx), ctx.pathParam("cohortId"), form.get("name"),
            date("startsOn", form.get("startsOn")), date("deploysOn", form.get("deploysOn"))),
        v -> Pages.seeOther(ctx, "/cohorts/" + ctx.pathParam("cohortId")), (state, status) -> report(ctx, state, status));
  }

  /** Deleting needs the box ticked that says what goes (the report) and what stays (the learners and their progress). */
  private void delete(RoutingContext ctx) {
    if (!"yes".equals(ctx.request().getFormAttribute("confirm"))) {
      throw new Invalid(t(ctx, "cohorts.deleteUnconfirmed"));
    }
    cohorts.delete(Access.principal(ctx), ctx.pathParam("cohortId")).onSuccess(v -> Pages.seeOther(ctx, "/cohorts")).onFailure(ctx::fail);
  }

  private void report(RoutingContext ctx) {
    report(ctx, FormState.NONE, 200);
  }

  private void report(RoutingContext ctx, FormState state, int httpStatus) {
    String unit = ctx.request().getParam("unit");
    String status = CohortApi.status(ctx.request().getParam("status"));
    int page = Math.max(1, parseInt(ctx.request().getParam("page"), 1));
    String lang = Language.of(ctx);
    LocalDate today = LocalDate.now();
    cohorts.report(Access.principal(ctx), ctx.pathParam("cohortId"), unit, status, today, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        .compose(r -> {
      Map<String, Object> model = pages.model(ctx, r.cohort().name());
      model.put("cohort", Map.of("id", r.cohort().id(), "name", r.cohort().name(), "organisation", r.cohort().organisationName(),
          "starts", org.pillars.http.Dates.day(r.cohort().startsOn(), lang), "deploys", org.pillars.http.Dates.day(r.cohort().deploysOn(), lang)));
      model.put("summary", Map.of("learners", r.totalLearners(), "completed", r.completed(), "inProgress", r.inProgress(),
          "notStarted", r.notStarted(), "overdue", r.overdue(), "modules", r.modules().size(),
          "possible", r.totalLearners() * r.modules().size()));
      model.put("wide", true);
      List<Map<String, Object>> modules = new ArrayList<>();
      for (CohortService.ModuleSummary m : r.modules()) {
        modules.add(Map.of("id", m.moduleId(), "title", catalog.get().module(m.moduleId()).map(x -> x.title().in(lang)).orElse(m.title()),
            "due", org.pillars.http.Dates.shortDay(m.dueOn(), lang), "completed", m.completed(), "overdue", m.overdue()));
      }
      model.put("modules", modules);
      model.put("barChart", new Handlebars.SafeString(Charts.moduleBars(r.modules(), t(ctx, "report.barsLabel"))));
      model.put("timeChart", new Handlebars.SafeString(Charts.completionsOverTime(r.completionsByDay(),
          r.totalLearners() * r.modules().size(), r.cohort().startsOn(), r.cohort().deploysOn(), today,
          new Charts.Timeline(t(ctx, "report.timeLabel"), t(ctx, "report.today"), t(ctx, "report.deployment"), t(ctx, "report.target")))));
      int from = (page - 1) * PAGE_SIZE;
      List<Map<String, Object>> lines = new ArrayList<>();
      for (CohortService.Line line : r.lines()) {
        List<Map<String, Object>> cells = new ArrayList<>();
        for (CohortService.Cell c : line.cells()) {
          Map<String, Object> cell = new HashMap<>();
          cell.put("status", c.status().code());
          cell.put("label", switch (c.status()) {
            case COMPLETED -> t(ctx, "report.completedCell", c.score(), org.pillars.http.Dates.shortDay(c.completedOn(), Language.of(ctx)));
            case IN_PROGRESS -> t(ctx, "report.inProgressCell", c.lessonsRead(), c.lessons());
            default -> t(ctx, "report.notStarted");
          });
          cell.put("overdue", c.overdue());
          cell.put("locked", c.locked());
          cell.put("certificate", c.certificate() == null ? null : c.certificate().model());
          cells.add(cell);
        }
        lines.add(Map.of("id", line.learner().accountId(), "name", line.learner().name(),
            "serviceNumber", java.util.Objects.toString(line.learner().serviceNumber(), ""),
            "rank", java.util.Objects.toString(line.learner().rank(), ""),
            "unit", java.util.Objects.toString(line.learner().unit(), ""), "cells", cells,
            "activation", line.learner().activation() == null ? "" : t(ctx, "report.activation." + line.learner().activation())));
      }
      model.put("lines", lines);
      model.put("shown", r.matching());
      model.put("units", r.units().stream().map(u -> Map.of("name", u, "selected", u.equals(unit))).toList());
      model.put("statuses", CohortService.STATUSES.stream().map(s -> Map.of("value", s, "label", t(ctx, "report.status." + s),
          "selected", s.equals(status))).toList());
      String query = "?unit=" + enc(unit) + "&status=" + enc(status) + "&page=";
      model.put("previous", page > 1 ? query + (page - 1) : null);
      model.put("next", from + PAGE_SIZE < r.matching() ? query + (page + 1) : null);
      model.put("page", page);
      String chosen = state.value("assign", "module", "");
      model.put("catalog", cohorts.modules(Access.principal(ctx), r.cohort()).stream().map(m -> Map.of("id", m.id(), "title", m.title().in(lang) + " (" + t(ctx, "module.languages." + String.join("-", m.languages())) + ")",
          "selected", m.id().equals(chosen))).toList());
      model.put("exportHref", "/cohorts/" + r.cohort().id() + "/export.csv");
      // what the bulk form offers: an attempt at a quiz with a limit, a move to another cohort of the organisation
      model.put("grantable", r.modules().stream().filter(m -> catalog.get().module(m.moduleId()).flatMap(Module::quiz)
          .map(q -> q.maxAttempts() > 0).orElse(false))
          .map(m -> Map.of("id", m.moduleId(), "title", catalog.get().module(m.moduleId()).map(x -> x.title().in(lang)).orElse(m.title())))
          .toList());
      String done = ctx.request().getParam("done");
      if (done != null && List.of("codes", "grant", "move", "remove").contains(done)) {
        model.put("done", t(ctx, "bulk.done." + done, Math.max(0, parseInt(ctx.request().getParam("count"), 0))));
      }
      return cohorts.cohorts(Access.principal(ctx)).map(all -> {
        model.put("targets", all.stream().filter(c -> c.organisationId() == r.cohort().organisationId() && c.id() != r.cohort().id())
            .map(c -> Map.of("id", c.id(), "name", c.name())).toList());
        return model;
      });
    }).onSuccess(model -> {
      model.put("problem", !state.errors().isEmpty());
      model.put("edit", Map.of("name", state.value("edit", "name", String.valueOf(((Map<?, ?>) model.get("cohort")).get("name"))),
          "startsOn", state.value("edit", "startsOn", String.valueOf(((Map<?, ?>) model.get("cohort")).get("starts"))),
          "deploysOn", state.value("edit", "deploysOn", String.valueOf(((Map<?, ?>) model.get("cohort")).get("deploys"))),
          "errors", state.errors("edit")));
      model.put("assignForm", Map.of("module", state.value("assign", "module", ""), "dueOn", state.value("assign", "dueOn", ""),
          "errors", state.errors("assign")));
      pages.send(ctx, httpStatus, "cohort", model);
    }).onFailure(ctx::fail);
  }

  private void importRoster(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    List<FileUpload> uploads = ctx.fileUploads();
    if (uploads.isEmpty()) {
      throw new Invalid(t(ctx, "import.noFile"));
    }
    FileUpload upload = uploads.get(0);
    showImport(ctx, pages, ctx.vertx().fileSystem().readFile(upload.uploadedFileName())
        .compose(buffer -> cohorts.importRoster(p, ctx.pathParam("cohortId"), buffer.getBytes())));
  }

  /** The import page: what was imported with the new learners' codes, or every refused line. */
  static void showImport(RoutingContext ctx, Pages pages, Future<CohortRepository.ImportResult> importing) {
    Map<String, Object> model = pages.model(ctx, pages.messages().get(Language.of(ctx), "import.title"));
    model.put("back", "/cohorts/" + ctx.pathParam("cohortId"));
    importing.onSuccess(result -> {
      model.put("result", Map.of("created", result.created(), "updated", result.updated(), "unchanged", result.unchanged(),
          "enrolled", result.enrolled()));
      model.put("newLearners", result.newLearners().stream().map(n -> Map.of("name", n.name(), "serviceNumber",
          n.serviceNumber(), "username", n.username(), "code", n.setupCode())).toList());
      // the same codes as slips to print, with their QR codes: nothing to re-issue after an import
      String lang = Language.of(ctx);
      String site = BulkRoutes.base(ctx);
      java.time.OffsetDateTime expires = java.time.OffsetDateTime.now().plusDays(org.pillars.auth.AuthService.SETUP_DAYS);
      model.put("slips", result.newLearners().stream().map(n -> BulkRoutes.slip(n.name(), null, null, n.username(), n.setupCode(),
          expires, site, BulkRoutes.slipDate(lang), pages.messages().get(lang, "slips.qrLabel"))).toList());
      model.put("setupAddress", site + "/setup");
      pages.send(ctx, "import", model);
    }).onFailure(e -> {
      if (e instanceof CohortService.RosterRejected r) {
        model.put("problems", r.problems().stream().map(x -> Map.of("line", x.line(), "message", x.message())).toList());
        pages.send(ctx, 400, "import", model);
      } else {
        ctx.fail(e);
      }
    });
  }

  private void assign(RoutingContext ctx) {
    var form = ctx.request().formAttributes();
    form(ctx, "assign", () -> cohorts.assign(Access.principal(ctx), ctx.pathParam("cohortId"), form.get("module"),
            date("dueOn", form.get("dueOn"))),
        v -> Pages.seeOther(ctx, "/cohorts/" + ctx.pathParam("cohortId")), (state, status) -> report(ctx, state, status));
  }

  private static LocalDate date(String field, String value) {
    try {
      return value == null || value.isBlank() ? null : LocalDate.parse(value.strip());
    } catch (java.time.format.DateTimeParseException e) {
      throw Invalid.field(field, "bad_date", "dates are written YYYY-MM-DD");
    }
  }

  /** A form sent back with what was typed and, by field, what is wrong with it (in the reader's language). */
  record FormState(String form, Map<String, String> values, Map<String, String> errors) {
    static final FormState NONE = new FormState("", Map.of(), Map.of());

    String value(String form, String field, String otherwise) {
      return this.form.equals(form) && values.containsKey(field) ? values.get(field) : otherwise;
    }

    Map<String, String> errors(String form) {
      return this.form.equals(form) ? errors : Map.of();
    }
  }

  /** Runs {@code action}; a refusal of one field comes back as the page with the form as typed and the reason by the field. */
  private <T> void form(RoutingContext ctx, String form, java.util.function.Supplier<Future<T>> action,
                        java.util.function.Consumer<T> done, java.util.function.BiConsumer<FormState, Integer> again) {
    Future<T> running;
    try {
      running = action.get();
    } catch (Invalid e) {
      running = Future.failedFuture(e);
    }
    running.onSuccess(done::accept).onFailure(e -> {
      Map<String, String> values = new HashMap<>();
      ctx.request().formAttributes().forEach(entry -> values.put(entry.getKey(), entry.getValue()));
      values.remove("_csrf");
      String lang = Language.of(ctx);
      if (e instanceof Invalid i && i.field() != null) {
        again.accept(new FormState(form, values, Map.of(i.field(), pages.messages().reason(lang, i))), 400);
      } else if (e instanceof org.pillars.core.Conflict c && "duplicate".equals(c.code())) {
        again.accept(new FormState(form, values, Map.of("name", t(ctx, "invalid.duplicate_cohort"))), 409);
      } else {
        ctx.fail(e);
      }
    });
  }

  private static int parseInt(String value, int fallback) {
    try {
      return value == null ? fallback : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static String enc(String value) {
    return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

}
