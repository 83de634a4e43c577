package org.pillars.cohorts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.pillars.content.Catalog;
import org.pillars.core.Access;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;

/**
 * Readiness for deployment, per unit and per country, for the coordinators who certify it: the page (printed one
 * A4 landscape page per unit, with a signature block), its JSON and its CSV are three renderings of
 * {@link CohortService#readiness}. Coordinators see their organisation and the units below it; admins every one.
 */
public final class ReadinessRoutes implements Routes {

  static final String CSV_HEADER = "organisation,unit,service_number,name,rank,status,deploys_on,module,conduct_and_discipline,"
      + "due_on,completed,locked,version,passed_on,score,certificate,certificate_revoked\r\n";

  private final CohortService cohorts;
  private final Supplier<Catalog> catalog;
  private final Pages pages;

  public ReadinessRoutes(CohortService cohorts, Supplier<Catalog> catalog, Pages pages) {
    this.cohorts = cohorts;
    this.catalog = catalog;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    var staff = Access.roles(Role.COORDINATOR, Role.ADMIN);
    router.get("/readiness").handler(staff).handler(ctx -> Pages.seeOther(ctx, "/readiness/" + Access.principal(ctx).organisationId()));
    router.get("/readiness/:organisationId").handler(staff).handler(this::page);
    router.get("/readiness/:organisationId/export.csv").handler(staff).handler(this::csv);
    router.get("/api/readiness/:organisationId").handler(staff).handler(this::api);
  }

  private String title(String moduleId, String lang) {
    return catalog.get().module(moduleId).map(m -> m.title().in(lang)).orElse(moduleId);
  }

  /** A conduct and discipline module (module.md's {@code conduct: true}), certified apart. */
  private boolean conduct(String moduleId) {
    return catalog.get().module(moduleId).map(org.pillars.content.Module::conduct).orElse(false);
  }

  /** Whether the person completed every conduct and discipline module required of them; null when none is. */
  private Boolean conductDone(CohortRepository.PersonReadiness p) {
    List<CohortRepository.PersonModule> required = p.modules().stream().filter(m -> conduct(m.moduleId())).toList();
    return required.isEmpty() ? null : required.stream().allMatch(CohortRepository.PersonModule::done);
  }

  private void page(RoutingContext ctx) {
    String lang = Language.of(ctx);
    cohorts.readiness(Access.principal(ctx), ctx.pathParam("organisationId"), false).onSuccess(r -> {
      Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "readiness.orgTitle") + " · " + r.organisation().name());
      model.put("organisation", r.organisation().name());
      model.put("asOf", r.asOf().format(DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
          .withLocale(Locale.forLanguageTag(lang))) + " UTC");
      model.put("people", r.total(CohortRepository.UnitReadiness::people));
      model.put("ready", r.total(CohortRepository.UnitReadiness::ready));
      model.put("atRisk", r.total(CohortRepository.UnitReadiness::atRisk));
      model.put("notReady", r.total(CohortRepository.UnitReadiness::notReady));
      model.put("units", r.units().stream().map(u -> Map.of("name", u.name(), "href", "/readiness/" + u.organisationId(),
          "people", u.people(), "ready", u.ready(), "atRisk", u.atRisk(), "notReady", u.notReady(),
          "deploys", u.deploysOn() == null ? "" : org.pillars.http.Dates.shortDay(u.deploysOn(), lang))).toList());
      model.put("modules", r.modules().stream().map(m -> Map.of("title", title(m.moduleId(), lang), "done", m.done(),
          "people", m.people(), "locked", m.locked(), "conduct", conduct(m.moduleId()))).toList());
      boolean anyConduct = r.modules().stream().anyMatch(m -> conduct(m.moduleId()));
      model.put("conductColumn", anyConduct);
      model.put("below", r.below().stream().map(o -> Map.of("name", o.name(), "href", "/readiness/" + o.id())).toList());
      model.put("csvHref", "/readiness/" + r.organisation().id() + "/export.csv");
      // one section per unit, each printed on a page of its own
      Map<String, List<Map<String, Object>>> byUnit = new LinkedHashMap<>();
      List<String> columns = r.modules().stream().map(CohortRepository.ModuleReadiness::moduleId).toList();
      for (CohortRepository.PersonReadiness p : r.people()) {
        List<Map<String, Object>> cells = new ArrayList<>();
        for (String moduleId : columns) {
          var m = p.modules().stream().filter(x -> x.moduleId().equals(moduleId)).findFirst();
          Map<String, Object> cell = new java.util.HashMap<>(m.isEmpty() ? Map.of("none", true) : m.get().done()
              ? Map.of("done", true, "text", pages.messages().get(lang, "readiness.passed", m.get().version(),
                  org.pillars.http.Dates.shortDay(m.get().passedAt().toLocalDate(), lang)))
              : Map.of("locked", m.get().locked(), "overdue", m.get().overdue(), "due", org.pillars.http.Dates.shortDay(m.get().dueOn(), lang)));
          m.map(CohortRepository.PersonModule::certificate).ifPresent(c -> cell.put("certificate", c.model()));
          cells.add(cell);
        }
        Boolean conductDone = conductDone(p);
        byUnit.computeIfAbsent(p.organisation(), k -> new ArrayList<>()).add(Map.of("name", p.name(),
            "rank", String.valueOf(p.rank() == null ? "" : p.rank()),
            "serviceNumber", p.serviceNumber() == null ? "" : p.serviceNumber(), "status", p.status(),
            "statusLabel", pages.messages().get(lang, "readiness.status." + p.status()), "cells", cells,
            "conduct", conductDone == null ? "–" : pages.messages().get(lang, conductDone ? "readiness.conductDone" : "readiness.conductMissing"),
            "conductMissing", Boolean.FALSE.equals(conductDone)));
      }
      model.put("columns", columns.stream().map(id -> title(id, lang)).toList());
      model.put("sections", byUnit.entrySet().stream().map(e -> Map.of("unit", e.getKey(), "people", e.getValue(),
          "ready", e.getValue().stream().filter(x -> "ready".equals(x.get("status"))).count(), "listed", e.getValue().size())).toList());
      model.put("wide", true);
      pages.send(ctx, "readiness-org", model);
    }).onFailure(ctx::fail);
  }

  private void api(RoutingContext ctx) {
    cohorts.readiness(Access.principal(ctx), ctx.pathParam("organisationId"), false).onSuccess(r -> {
      JsonArray units = new JsonArray();
      r.units().forEach(u -> units.add(new JsonObject().put("organisation", u.organisationId()).put("name", u.name())
          .put("people", u.people()).put("ready", u.ready()).put("atRisk", u.atRisk()).put("notReady", u.notReady())
          .put("deploysOn", u.deploysOn() == null ? null : u.deploysOn().toString())));
      JsonArray modules = new JsonArray();
      r.modules().forEach(m -> modules.add(new JsonObject().put("module", m.moduleId()).put("people", m.people())
          .put("completed", m.done()).put("locked", m.locked()).put("conduct", conduct(m.moduleId()))));
      JsonArray people = new JsonArray();
      r.people().forEach(p -> {
        JsonArray cells = new JsonArray();
        p.modules().forEach(m -> cells.add(new JsonObject().put("module", m.moduleId()).put("dueOn", m.dueOn().toString())
            .put("completed", m.done()).put("locked", m.locked()).put("version", m.version())
            .put("passedAt", m.passedAt() == null ? null : m.passedAt().toInstant().toString()).put("score", m.score())
            .put("certificate", m.certificate() == null ? null : m.certificate().json())));
        people.add(new JsonObject().put("id", p.accountId()).put("name", p.name()).put("rank", p.rank())
            .put("serviceNumber", p.serviceNumber()).put("unit", p.unit()).put("organisation", p.organisation())
            .put("status", p.status()).put("deploysOn", p.deploysOn() == null ? null : p.deploysOn().toString())
            .put("conductCompleted", conductDone(p)).put("modules", cells));
      });
      Json.send(ctx, 200, new JsonObject().put("organisation", new JsonObject().put("id", r.organisation().id())
              .put("name", r.organisation().name())).put("asOf", r.asOf().toInstant().toString())
          .put("summary", new JsonObject().put("people", r.total(CohortRepository.UnitReadiness::people))
              .put("ready", r.total(CohortRepository.UnitReadiness::ready)).put("atRisk", r.total(CohortRepository.UnitReadiness::atRisk))
              .put("notReady", r.total(CohortRepository.UnitReadiness::notReady)))
          .put("units", units).put("modules", modules).put("people", people));
    }).onFailure(ctx::fail);
  }

  /** One line per person and required module, for the whole organisation and its units. */
  private void csv(RoutingContext ctx) {
    cohorts.readiness(Access.principal(ctx), ctx.pathParam("organisationId"), true).onSuccess(r -> {
      // with a byte order mark, as the cohort export has, so that spreadsheet programs read the names right
      // ?separator=; for spreadsheet programs in French (and most European) locales
      String separator = ";".equals(ctx.request().getParam("separator")) ? ";" : ",";
      StringBuilder out = new StringBuilder("\uFEFF").append(CSV_HEADER.replace(",", separator));
      for (CohortRepository.PersonReadiness p : r.people()) {
        for (CohortRepository.PersonModule m : p.modules()) {
          out.append(String.join(separator, ExportCsv.cell(p.organisation()), ExportCsv.cell(p.unit()), ExportCsv.cell(p.serviceNumber()),
              ExportCsv.cell(p.name()), ExportCsv.cell(p.rank()), p.status(), p.deploysOn() == null ? "" : p.deploysOn().toString(),
              ExportCsv.cell(m.moduleId()), Boolean.toString(conduct(m.moduleId())), m.dueOn().toString(), Boolean.toString(m.done()),
              Boolean.toString(m.locked()),
              m.version() == null ? "" : m.version().toString(), m.passedAt() == null ? "" : m.passedAt().toLocalDate().toString(),
              m.score() == null ? "" : m.score().toString(), m.certificate() == null ? "" : m.certificate().code(),
              m.certificate() == null ? "" : Boolean.toString(m.certificate().revoked()))).append("\r\n");
        }
      }
      ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
          .putHeader("Content-Disposition", "attachment; filename=\"readiness-" + r.organisation().id() + "-" + r.asOf().toLocalDate() + ".csv\"")
          .putHeader("Cache-Control", "private, no-store")
          .end(out.toString());
    }).onFailure(ctx::fail);
  }
}
