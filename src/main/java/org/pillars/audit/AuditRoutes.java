package org.pillars.audit;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pillars.core.Access;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.http.Csv;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;

/** The audit log: a page with filters (newest first, 100 at a time), its CSV, its JSON. Admins and coordinators. */
public final class AuditRoutes implements Routes {

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

  private final AuditLog log;
  private final Pages pages;

  public AuditRoutes(AuditLog log, Pages pages) {
    this.log = log;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    var staff = Access.roles(Role.COORDINATOR, Role.ADMIN);
    router.get("/audit").handler(staff).handler(this::page);
    router.get("/audit/export.csv").handler(staff).handler(this::csv);
    router.get("/api/audit").handler(staff).handler(this::api);
  }

  private io.vertx.core.Future<List<AuditRepository.Entry>> entries(RoutingContext ctx, int limit) {
    var q = ctx.request();
    return log.entries(Access.principal(ctx), q.getParam("subject"), q.getParam("actor"), q.getParam("from"), q.getParam("to"),
        q.getParam("before"), limit);
  }

  private static String when(AuditRepository.Entry e) {
    return WHEN.format(e.at().withOffsetSameInstant(ZoneOffset.UTC));
  }

  private String who(AuditRepository.Entry e, String lang) {
    return e.actorId() == null ? pages.messages().get(lang, "audit.server")
        : e.actorName() == null ? "#" + e.actorId() : e.actorName() + " (" + e.actorUsername() + ")";
  }

  /**
   * What the row is about, in words: the cohort and the person it names, when they still exist; and for a
   * certificate its module and code, for a signing key its id, for an LTI platform its name and issuer (rows that name no cohort).
   */
  private static String about(AuditRepository.Entry e) {
    io.vertx.core.json.JsonObject row = e.after() != null ? e.after() : e.before();
    String own = row == null ? null : switch (e.subject()) {
      case "certificates" -> row.getString("module_id") + " " + row.getString("code");
      case "issuer_keys" -> row.getString("kid");
      case "lti_platforms" -> row.getString("name") + " " + row.getString("issuer");
      case "lti_deployments" -> "#" + row.getValue("platform_id") + " " + row.getString("deployment_id");
      default -> null;
    };
    return String.join(" · ", java.util.stream.Stream.of(e.cohortName(), e.accountName(), own).filter(Objects::nonNull).toList());
  }

  private void page(RoutingContext ctx) {
    String lang = Language.of(ctx);
    var q = ctx.request();
    entries(ctx, AuditLog.PAGE + 1).onSuccess(found -> {
      Map<String, Object> model = pages.model(ctx, pages.messages().get(lang, "audit.title"));
      List<AuditRepository.Entry> shown = found.subList(0, Math.min(found.size(), AuditLog.PAGE));
      model.put("entries", shown.stream().map(e -> {
        Map<String, Object> row = new HashMap<>();
        row.put("when", when(e));
        row.put("who", who(e, lang));
        row.put("what", pages.messages().get(lang, "audit.subject." + e.subject()) + " · "
            + pages.messages().get(lang, "audit.action." + e.action()));
        row.put("about", about(e));
        row.put("changes", AuditLog.changes(e).stream().map(c -> Map.of("field", field(c.field(), lang),
            "before", Objects.toString(c.before(), ""), "after", Objects.toString(c.after(), ""),
            "changed", c.before() != null && c.after() != null)).toList());
        return row;
      }).toList());
      model.put("subjects", AuditLog.SUBJECTS.stream().map(s -> Map.of("value", s, "label", pages.messages().get(lang, "audit.subject." + s),
          "selected", s.equals(q.getParam("subject")))).toList());
      model.put("filter", Map.of("actor", Objects.toString(q.getParam("actor"), ""), "from", Objects.toString(q.getParam("from"), ""),
          "to", Objects.toString(q.getParam("to"), "")));
      String query = "subject=" + enc(q.getParam("subject")) + "&actor=" + enc(q.getParam("actor")) + "&from=" + enc(q.getParam("from"))
          + "&to=" + enc(q.getParam("to"));
      if (found.size() > AuditLog.PAGE) {
        model.put("older", "/audit?" + query + "&before=" + shown.get(shown.size() - 1).id());
      }
      model.put("exportHref", "/audit/export.csv?" + query);
      model.put("exportSemicolonHref", "/audit/export.csv?" + query + "&separator=%3B");
      model.put("wide", true);
      pages.send(ctx, "audit", model);
    }).onFailure(ctx::fail);
  }

  /** A column as people call it, in their language; a column without a label keeps its name. */
  private String field(String column, String lang) {
    String key = "audit.field." + column;
    return pages.messages().keys(lang).contains(key) ? pages.messages().get(lang, key) : column;
  }

  private void csv(RoutingContext ctx) {
    String lang = Language.of(ctx);
    String sep = ";".equals(ctx.request().getParam("separator")) ? ";" : ",";
    entries(ctx, AuditLog.EXPORT_LIMIT).onSuccess(found -> {
      StringBuilder csv = new StringBuilder("\ufeff").append(String.join(sep, "id", "at_utc", "actor", "actor_username", "subject",
          "action", "about", "field", "before", "after")).append("\r\n");
      for (AuditRepository.Entry e : found) {
        for (AuditLog.Change c : AuditLog.changes(e)) {
          csv.append(String.join(sep, Long.toString(e.id()), when(e), Csv.cell(who(e, lang)), Csv.cell(e.actorUsername()), e.subject(),
              e.action(), Csv.cell(about(e)), Csv.cell(c.field()), Csv.cell(c.before()), Csv.cell(c.after()))).append("\r\n");
        }
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"audit.csv\"")
          .end(Buffer.buffer(csv.toString()));
    }).onFailure(ctx::fail);
  }

  private void api(RoutingContext ctx) {
    entries(ctx, AuditLog.PAGE).onSuccess(found -> {
      JsonArray rows = new JsonArray();
      for (AuditRepository.Entry e : found) {
        rows.add(new JsonObject().put("id", e.id()).put("at", e.at().toString()).put("actorId", e.actorId())
            .put("actorUsername", e.actorUsername()).put("subject", e.subject()).put("action", e.action())
            .put("before", e.before()).put("after", e.after()));
      }
      Json.send(ctx, 200, new JsonObject().put("entries", rows));
    }).onFailure(ctx::fail);
  }

  private static String enc(String value) {
    return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
