package org.pillars.cohorts;

import com.github.jknack.handlebars.Handlebars;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.pillars.auth.AuthRepository;
import org.pillars.content.Catalog;
import org.pillars.core.Access;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;
import org.pillars.http.QrCodes;

/**
 * Actions on the learners ticked in the cohort report. The form first shows what will happen to whom ("remove 3
 * people: ...") and does it only once confirmed; new set-up codes come back as printable slips with a QR code of
 * each learner's set-up address, or as a CSV file for the coordinator's own distribution. The API does it at once
 * ({@code dryRun} asks what it would touch). One service, {@link BulkActions}, for both.
 */
public final class BulkRoutes implements Routes {

  private final BulkActions bulk;
  private final Supplier<Catalog> catalog;
  private final Pages pages;

  public BulkRoutes(BulkActions bulk, Supplier<Catalog> catalog, Pages pages) {
    this.bulk = bulk;
    this.catalog = catalog;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    var staff = Access.roles(Role.COORDINATOR, Role.ADMIN);
    router.post("/cohorts/:cohortId/bulk").handler(staff).handler(this::form);
    router.post("/api/cohorts/:cohortId/bulk").handler(staff).handler(this::api);
  }

  private static BulkActions.Request request(MultiMap form) {
    return new BulkActions.Request(form.get("action"), form.getAll("learner"), "yes".equals(form.get("notActivated")),
        form.get("to"), form.get("module"), form.get("extra"), form.get("reason"));
  }

  private void form(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    BulkActions.Request r = request(form);
    String cohortId = ctx.pathParam("cohortId");
    var p = Access.principal(ctx);
    if (!"yes".equals(form.get("confirm"))) {
      bulk.plan(p, cohortId, r).onSuccess(plan -> {
        try {
          confirm(ctx, plan, r);
        } catch (RuntimeException e) {
          ctx.fail(e); // a throw in a success handler would be lost, and the request left hanging
        }
      }).onFailure(ctx::fail);
      return;
    }
    bulk.run(p, cohortId, r).onSuccess(done -> {
      if (done.plan().action() != BulkActions.Action.CODES) {
        Pages.seeOther(ctx, "/cohorts/" + done.plan().cohort().id() + "?done=" + done.plan().action().code() + "&count=" + done.changed());
      } else if ("csv".equals(form.get("format"))) {
        codesCsv(ctx, done, ";".equals(form.get("separator")) ? ';' : ',');
      } else {
        slips(ctx, done);
      }
    }).onFailure(ctx::fail);
  }

  private String t(RoutingContext ctx, String key, Object... args) {
    return pages.messages().get(Language.of(ctx), key, args);
  }

  /** The confirmation: the action, how many people and who, and the same request again with {@code confirm=yes}. */
  private void confirm(RoutingContext ctx, BulkActions.Plan plan, BulkActions.Request r) {
    String lang = Language.of(ctx);
    int n = plan.people().size();
    Map<String, Object> model = pages.model(ctx, t(ctx, "bulk.title." + plan.action().code(), n));
    model.put("cohort", Map.of("id", plan.cohort().id(), "name", plan.cohort().name()));
    model.put("action", plan.action().code());
    model.put("heading", t(ctx, "bulk.title." + plan.action().code(), n));
    model.put("codes", plan.action() == BulkActions.Action.CODES);
    model.put("notActivated", r.notActivated());
    if (plan.target() != null) {
      model.put("target", Map.of("id", plan.target().id(), "name", plan.target().name()));
    }
    if (plan.action() == BulkActions.Action.GRANT) {
      String module = Objects.toString(r.module(), "");
      model.put("grant", Map.of("module", module, "extra", Objects.toString(r.extra(), "1"), "reason", Objects.toString(r.reason(), ""),
          "title", catalog.get().module(module).map(m -> m.title().in(lang)).orElse(module)));
    }
    model.put("people", plan.people().stream().map(x -> Map.of("id", x.accountId(), "name", x.name(),
        "rank", Objects.toString(x.rank(), ""), "unit", Objects.toString(x.unit(), ""),
        "activated", x.activated())).toList());
    model.put("semicolon", "fr".equals(lang));
    model.put("activatedCount", plan.people().stream().filter(CohortRepository.Picked::activated).count());
    pages.send(ctx, "bulk", model);
  }

  static String base(RoutingContext ctx) {
    String host = ctx.request().authority() == null ? null : ctx.request().authority().toString();
    return host == null ? "" : ctx.request().scheme() + "://" + host;
  }

  /** The code as printed, in groups of four: easier to read out and to type, and the set-up page takes it so. */
  static String grouped(String code) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < code.length(); i += 4) {
      b.append(i == 0 ? "" : " ").append(code, i, Math.min(code.length(), i + 4));
    }
    return b.toString();
  }

  private void slips(RoutingContext ctx, BulkActions.Done done) {
    String lang = Language.of(ctx);
    DateTimeFormatter date = slipDate(lang);
    String site = base(ctx);
    Map<String, Object> model = pages.model(ctx, t(ctx, "slips.title", done.changed()));
    model.put("cohort", Map.of("id", done.plan().cohort().id(), "name", done.plan().cohort().name()));
    model.put("slips", slips(done, site, date, t(ctx, "slips.qrLabel")));
    model.put("setupAddress", site + "/setup");
    model.put("wide", true);
    pages.send(ctx, "slips", model);
  }

  /** One slip per learner, in the order of the confirmation. */
  static List<Map<String, Object>> slips(BulkActions.Done done, String site, DateTimeFormatter date, String qrLabel) {
    List<Map<String, Object>> slips = new ArrayList<>();
    for (int i = 0; i < done.codes().size(); i++) {
      CohortRepository.Picked who = done.plan().people().get(i);
      AuthRepository.IssuedCode code = done.codes().get(i);
      slips.add(slip(who.name(), who.rank(), who.unit(), who.username(), code.code(), code.expiresAt(), site, date, qrLabel));
    }
    return slips;
  }

  /** A slip's content (templates/partials/slip): who, the username, the code in groups, when it expires, its QR code. */
  static Map<String, Object> slip(String name, String rank, String unit, String username, String code, java.time.OffsetDateTime expires,
                                  String site, DateTimeFormatter date, String qrLabel) {
    Map<String, Object> slip = new HashMap<>();
    slip.put("name", name);
    slip.put("rank", Objects.toString(rank, ""));
    slip.put("unit", Objects.toString(unit, ""));
    slip.put("username", username);
    slip.put("code", grouped(code));
    slip.put("expires", date.format(expires));
    slip.put("qr", new Handlebars.SafeString(QrCodes.svg(site + "/setup/" + code, qrLabel)));
    return slip;
  }

  /** Dates on slips as people write them, in the reader's language. */
  static DateTimeFormatter slipDate(String lang) {
    return DateTimeFormatter.ofPattern("d MMMM yyyy", java.util.Locale.forLanguageTag(lang));
  }

  /** The codes as a spreadsheet: byte order mark first, and {@code ;} for spreadsheet programs in French locales. */
  private void codesCsv(RoutingContext ctx, BulkActions.Done done, char separator) {
    String site = base(ctx);
    String sep = String.valueOf(separator);
    StringBuilder csv = new StringBuilder("\ufeff").append(String.join(sep, "name", "rank", "service_number", "unit", "username",
        "setup_code", "setup_address", "expires_at")).append("\r\n");
    for (int i = 0; i < done.codes().size(); i++) {
      CohortRepository.Picked who = done.plan().people().get(i);
      AuthRepository.IssuedCode code = done.codes().get(i);
      csv.append(String.join(sep, ExportCsv.cell(who.name()), ExportCsv.cell(who.rank()), ExportCsv.cell(who.serviceNumber()),
          ExportCsv.cell(who.unit()), ExportCsv.cell(who.username()), code.code(), site + "/setup/" + code.code(),
          code.expiresAt().toLocalDate().toString())).append("\r\n");
    }
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("Content-Disposition", "attachment; filename=\"setup-codes-cohort-" + done.plan().cohort().id() + ".csv\"")
        .end(Buffer.buffer(csv.toString()));
  }

  private void api(RoutingContext ctx) {
    JsonObject b = Json.body(ctx);
    JsonArray raw = b.getJsonArray("learners", new JsonArray());
    List<String> ids = new ArrayList<>();
    raw.forEach(v -> ids.add(String.valueOf(v)));
    Object extra = b.getValue("extra");
    BulkActions.Request r = new BulkActions.Request(b.getString("action"), ids, b.getBoolean("notActivated", false),
        b.getValue("to") == null ? null : String.valueOf(b.getValue("to")), b.getString("module"),
        extra == null ? null : String.valueOf(extra), b.getString("reason"));
    var p = Access.principal(ctx);
    if (b.getBoolean("dryRun", false)) {
      bulk.plan(p, ctx.pathParam("cohortId"), r).onSuccess(plan -> Json.send(ctx, 200, new JsonObject()
          .put("action", plan.action().code()).put("count", plan.people().size()).put("dryRun", true)
          .put("learners", new JsonArray(plan.people().stream().map(x -> (Object) x.accountId()).toList()))))
          .onFailure(ctx::fail);
      return;
    }
    String site = base(ctx);
    bulk.run(p, ctx.pathParam("cohortId"), r).onSuccess(done -> {
      JsonObject out = new JsonObject().put("action", done.plan().action().code()).put("count", done.changed()).put("dryRun", false)
          .put("learners", new JsonArray(done.plan().people().stream().map(x -> (Object) x.accountId()).toList()));
      if (!done.codes().isEmpty()) {
        JsonArray codes = new JsonArray();
        for (int i = 0; i < done.codes().size(); i++) {
          var who = done.plan().people().get(i);
          var code = done.codes().get(i);
          codes.add(new JsonObject().put("accountId", who.accountId()).put("username", who.username()).put("name", who.name())
              .put("setupCode", code.code()).put("setupUrl", site + "/setup/" + code.code())
              .put("expiresAt", code.expiresAt().toString()));
        }
        out.put("codes", codes);
      }
      Json.send(ctx, 200, out);
    }).onFailure(ctx::fail);
  }
}
