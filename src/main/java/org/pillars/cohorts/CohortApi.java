package org.pillars.cohorts;

import io.vertx.core.Promise;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;
import org.pillars.core.Access;
import org.pillars.core.Principal;
import org.pillars.core.Role;
import org.pillars.content.Catalog;
import org.pillars.http.Json;
import org.pillars.core.NotFound;
import org.pillars.core.Invalid;
import org.pillars.core.Conflict;
import org.pillars.core.Unsupported;
import org.pillars.core.Routes;

/** The coordinators' JSON API: cohorts, rosters, assignments, the report and its CSV export. */
public final class CohortApi implements Routes {

  /** The most learners one report answer lists; page through larger cohorts with offset. */
  static final int REPORT_LIMIT = 1000;

  /** The export's columns, in this order for good: documented in the README. */
  public static final String EXPORT_HEADER = "service_number,name,rank,unit,module,due_on,status,overdue,lessons_read,"
      + "lessons_total,attempts,best_score,completed_on,certificate_score";
  private static final int EXPORT_FETCH = 3000;
  /** About how many characters of CSV go out per write. */
  private static final int EXPORT_CHUNK = 32 * 1024;

  private final CohortService cohorts;
  private final BulkActions bulk;
  private final Supplier<Catalog> catalog;

  public CohortApi(CohortService cohorts, BulkActions bulk, Supplier<Catalog> catalog) {
    this.cohorts = cohorts;
    this.bulk = bulk;
    this.catalog = catalog;
  }

  @Override
  public void mount(Router router) {
    var staff = Access.roles(Role.COORDINATOR, Role.ADMIN);
    router.get("/api/cohorts").handler(staff).handler(this::list);
    router.post("/api/cohorts").handler(staff).handler(this::create);
    router.get("/api/cohorts/:cohortId/report").handler(staff).handler(this::report);
    router.put("/api/cohorts/:cohortId").handler(staff).handler(this::update);
    router.delete("/api/cohorts/:cohortId").handler(staff).handler(this::delete);
    router.post("/api/cohorts/:cohortId/import").handler(staff).handler(this::importRoster);
    router.put("/api/cohorts/:cohortId/assignments/:moduleId").handler(staff).handler(this::assign);
    router.delete("/api/cohorts/:cohortId/assignments/:moduleId").handler(staff).handler(this::unassign);
    router.get("/api/cohorts/:cohortId/export.csv").handler(staff).handler(ctx -> export(cohorts, catalog, ctx));
    router.delete("/api/cohorts/:cohortId/members/:accountId").handler(staff).handler(this::removeMember);
    router.post("/api/cohorts/:cohortId/members/:accountId/move").handler(staff).handler(this::moveMember);
    router.post("/api/admin/organisations").handler(Access.roles(Role.ADMIN)).handler(this::createOrganisation);
  }

  private void list(RoutingContext ctx) {
    cohorts.cohorts(Access.principal(ctx)).onSuccess(list -> {
      JsonArray array = new JsonArray();
      list.forEach(c -> array.add(cohortJson(c)));
      Json.send(ctx, 200, new JsonObject().put("cohorts", array));
    }).onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    Object org = body.getValue("organisation");
    if (!(org instanceof Number)) {
      throw new Invalid("'organisation' must be an organisation id");
    }
    cohorts.create(Access.principal(ctx), ((Number) org).longValue(), Json.text(body, "name", 200),
            date(body.getString("startsOn"), "startsOn"), date(body.getString("deploysOn"), "deploysOn"))
        .onSuccess(id -> Json.send(ctx, 201, new JsonObject().put("id", id)))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    cohorts.update(Access.principal(ctx), ctx.pathParam("cohortId"), Json.text(body, "name", 200),
            date(text(body, "startsOn"), "startsOn"), date(text(body, "deploysOn"), "deploysOn"))
        .onSuccess(c -> Json.send(ctx, 200, cohortJson(c)))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    cohorts.delete(Access.principal(ctx), ctx.pathParam("cohortId")).onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** A field that must be a string when present: a number or an object is refused with its name. */
  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    if (value != null && !(value instanceof String)) {
      throw new Invalid("'" + field + "' must be a date as YYYY-MM-DD");
    }
    return (String) value;
  }

  private void report(RoutingContext ctx) {
    int offset = number(ctx.request().getParam("offset"), "offset", 0, 0, Integer.MAX_VALUE);
    int limit = number(ctx.request().getParam("limit"), "limit", REPORT_LIMIT, 1, REPORT_LIMIT);
    cohorts.report(Access.principal(ctx), ctx.pathParam("cohortId"), ctx.request().getParam("unit"),
        status(ctx.request().getParam("status")), LocalDate.now(), offset, limit).onSuccess(r -> {
          JsonArray modules = new JsonArray();
          r.modules().forEach(m -> modules.add(new JsonObject().put("module", m.moduleId()).put("title", m.title())
              .put("dueOn", m.dueOn().toString()).put("completed", m.completed()).put("inProgress", m.inProgress())
              .put("notStarted", m.notStarted()).put("overdue", m.overdue())));
          JsonArray learners = new JsonArray();
          r.lines().forEach(line -> {
            JsonArray cells = new JsonArray();
            line.cells().forEach(c -> cells.add(new JsonObject().put("module", c.moduleId())
                .put("status", c.status().code()).put("overdue", c.overdue()).put("locked", c.locked())
                .put("lessonsRead", c.lessonsRead()).put("lessons", c.lessons()).put("attempts", c.attempts())
                .put("bestScore", c.bestScore()).put("score", c.score())
                .put("completedOn", c.completedOn() == null ? null : c.completedOn().toString())
                .put("certificate", c.certificate() == null ? null : c.certificate().json())));
            learners.add(new JsonObject().put("id", line.learner().accountId()).put("name", line.learner().name())
                .put("serviceNumber", line.learner().serviceNumber()).put("rank", line.learner().rank())
                .put("unit", line.learner().unit()).put("activation", line.learner().activation()).put("modules", cells));
          });
          Json.send(ctx, 200, new JsonObject().put("cohort", cohortJson(r.cohort()))
              .put("summary", new JsonObject().put("learners", r.totalLearners()).put("completed", r.completed())
                  .put("inProgress", r.inProgress()).put("notStarted", r.notStarted()).put("overdue", r.overdue()))
              .put("modules", modules).put("units", new JsonArray(r.units())).put("matching", r.matching())
              .put("offset", offset).put("learners", learners));
        }).onFailure(ctx::fail);
  }

  private void importRoster(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !(type.startsWith("text/csv") || type.startsWith("text/plain"))) {
      throw new Unsupported("unsupported_media_type", "send the roster as text/csv");
    }
    byte[] csv = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    cohorts.importRoster(Access.principal(ctx), ctx.pathParam("cohortId"), csv)
        .onSuccess(result -> Json.send(ctx, 200, importJson(result)))
        .onFailure(e -> rosterFailure(ctx, e));
  }

  static void rosterFailure(RoutingContext ctx, Throwable e) {
    if (e instanceof CohortService.RosterRejected r) {
      JsonArray problems = new JsonArray();
      r.problems().forEach(p -> problems.add(new JsonObject().put("line", p.line()).put("message", p.message())));
      Json.send(ctx, 400, new JsonObject().put("error", "invalid_roster").put("message", r.getMessage()).put("problems", problems));
    } else {
      ctx.fail(e);
    }
  }

  static JsonObject importJson(CohortRepository.ImportResult result) {
    JsonArray fresh = new JsonArray();
    result.newLearners().forEach(n -> fresh.add(new JsonObject().put("name", n.name()).put("serviceNumber", n.serviceNumber())
        .put("username", n.username()).put("setupCode", n.setupCode())));
    return new JsonObject().put("created", result.created()).put("updated", result.updated())
        .put("unchanged", result.unchanged()).put("enrolled", result.enrolled()).put("newLearners", fresh);
  }

  private void assign(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    cohorts.assign(Access.principal(ctx), ctx.pathParam("cohortId"), ctx.pathParam("moduleId"), date(body.getString("dueOn"), "dueOn"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void unassign(RoutingContext ctx) {
    cohorts.unassign(Access.principal(ctx), ctx.pathParam("cohortId"), ctx.pathParam("moduleId"))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** One learner out of a cohort: the bulk action for one (the same checks, the same transaction). */
  private void removeMember(RoutingContext ctx) {
    bulk.run(Access.principal(ctx), ctx.pathParam("cohortId"), BulkActions.one("remove", ctx.pathParam("accountId"), null))
        .onSuccess(done -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void moveMember(RoutingContext ctx) {
    Object to = Json.body(ctx).getValue("to");
    if (!(to instanceof Number)) {
      throw new Invalid("'to' must be a cohort id");
    }
    bulk.run(Access.principal(ctx), ctx.pathParam("cohortId"), BulkActions.one("move", ctx.pathParam("accountId"), to.toString()))
        .onSuccess(done -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void createOrganisation(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    Object parent = body.getValue("parent");
    if (parent != null && !(parent instanceof Number)) {
      throw new Invalid("'parent' must be an organisation id");
    }
    cohorts.createOrganisation(Access.principal(ctx), Json.text(body, "name", 200), Json.text(body, "country", 100),
            parent == null ? null : ((Number) parent).longValue())
        .onSuccess(id -> Json.send(ctx, 201, new JsonObject().put("id", id)))
        .onFailure(ctx::fail);
  }

  /**
   * Streams the report as CSV, one line per learner and assigned module, straight from a database cursor
   * to the response, pausing the cursor whenever the client reads slower than the database answers.
   */
  static void export(CohortService cohorts, Supplier<Catalog> catalog, RoutingContext ctx) {
    cohorts.cohort(Access.principal(ctx), ctx.pathParam("cohortId")).onSuccess(cohort -> {
      HttpServerResponse response = ctx.response().setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader("Content-Disposition", "attachment; filename=\"cohort-" + cohort.id() + ".csv\"");
      // ?separator=; for spreadsheet programs in French (and most European) locales, which split on semicolons
      String separator = ";".equals(ctx.request().getParam("separator")) ? ";" : ",";
      response.write("\uFEFF" + EXPORT_HEADER.replace(",", separator) + "\r\n");
      LocalDate today = LocalDate.now();
      Catalog current = catalog.get();
      cohorts.export(cohort, today, EXPORT_FETCH, stream -> {
        Promise<Void> done = Promise.promise();
        // lines go out in chunks of about EXPORT_CHUNK bytes: one write (and one HTTP chunk) per line made the
        // event loop spend the export in system calls and the client in chunk headers
        StringBuilder pending = new StringBuilder(EXPORT_CHUNK + 512);
        stream.exceptionHandler(done::tryFail);
        stream.endHandler(v -> {
          if (pending.length() > 0) {
            response.write(pending.toString());
          }
          done.tryComplete();
        });
        stream.handler(row -> {
          try {
            pending.append(ExportCsv.line(row, current, separator));
          } catch (RuntimeException e) {
            // a bad row must end the download visibly, not leave the client waiting on a paused cursor
            stream.close();
            done.tryFail(e);
            return;
          }
          if (pending.length() >= EXPORT_CHUNK) {
            response.write(pending.toString());
            pending.setLength(0);
            if (response.writeQueueFull()) {
              stream.pause();
              response.drainHandler(v -> stream.resume());
            }
          }
        });
        return done.future();
      }).onSuccess(v -> response.end()).onFailure(e -> response.reset());
    }).onFailure(ctx::fail);
  }

  private static JsonObject cohortJson(CohortRepository.Cohort c) {
    return new JsonObject().put("id", c.id()).put("organisation", c.organisationId())
        .put("organisationName", c.organisationName()).put("name", c.name())
        .put("startsOn", c.startsOn().toString()).put("deploysOn", c.deploysOn().toString()).put("learners", c.members());
  }

  /** A whole number query parameter within [min, max]; absent means {@code fallback}. */
  static int number(String value, String field, int fallback, int min, int max) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new Invalid("'" + field + "' must be a whole number from " + min + " to " + max);
  }

  static LocalDate date(String value, String field) {
    if (value == null) {
      throw new Invalid("'" + field + "' must be a date as YYYY-MM-DD");
    }
    try {
      return LocalDate.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new Invalid("'" + field + "' must be a date as YYYY-MM-DD, not '" + value + "'");
    }
  }

  static String status(String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!CohortService.STATUSES.contains(value)) {
      throw new Invalid("status must be one of " + CohortService.STATUSES);
    }
    return value;
  }

  private static long accountId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("accountId"));
    } catch (NumberFormatException e) {
      throw new NotFound("this learner is not in this cohort");
    }
  }
}
