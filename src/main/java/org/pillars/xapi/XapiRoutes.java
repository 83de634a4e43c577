package org.pillars.xapi;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.function.BiFunction;
import org.pillars.core.Access;
import org.pillars.core.Principal;
import org.pillars.core.Role;
import org.pillars.core.Routes;

/** A cohort's xAPI statements as a file, for its coordinators (their organisation and below) and admins. */
public final class XapiRoutes implements Routes {

  private final XapiService xapi;
  private final BiFunction<Principal, String, Future<Long>> cohortInScope;

  /** {@code cohortInScope}: the cohort's id when the caller may see it; not found otherwise (cohorts decides). */
  public XapiRoutes(XapiService xapi, BiFunction<Principal, String, Future<Long>> cohortInScope) {
    this.xapi = xapi;
    this.cohortInScope = cohortInScope;
  }

  @Override
  public void mount(Router router) {
    router.get("/cohorts/:cohortId/statements.json").handler(Access.roles(Role.COORDINATOR, Role.ADMIN)).handler(this::download);
  }

  private void download(RoutingContext ctx) {
    cohortInScope.apply(Access.principal(ctx), ctx.pathParam("cohortId"))
        .compose(cohort -> xapi.cohortStatements(cohort).map(statements -> {
          ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
              .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
              .putHeader("Content-Disposition", "attachment; filename=\"cohort-" + cohort + "-statements.json\"");
          return new JsonArray(new ArrayList<>(statements)).toBuffer();
        }))
        .onSuccess(body -> ctx.response().end(body)).onFailure(ctx::fail);
  }
}
