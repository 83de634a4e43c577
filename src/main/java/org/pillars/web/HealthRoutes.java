package org.pillars.web;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.pillars.content.Catalog;
import org.pillars.core.Access;
import org.pillars.db.Database;
import org.pillars.http.Json;

/**
 * {@code GET /health}, {@code /health/live} and {@code /health/ready} for load balancers, orchestrators and operators.
 * Open to everyone; says nothing secret. Live: the process serves (no database call, so a database outage does not
 * get the server restarted). Ready: the database answers and at least one module is loaded, so traffic may come.
 */
public final class HealthRoutes {

  private static final long PING_SECONDS = 3;

  private final Database database;
  private final Supplier<Catalog> catalog;

  public HealthRoutes(Database database, Supplier<Catalog> catalog) {
    this.database = database;
    this.catalog = catalog;
  }

  public void mount(Router router) {
    router.get("/health").handler(Access.anyone()).handler(this::health);
    router.get("/health/live").handler(Access.anyone()).handler(this::live);
    router.get("/health/ready").handler(Access.anyone()).handler(this::ready);
  }

  private void health(RoutingContext ctx) {
    Catalog current = catalog.get();
    JsonObject content = new JsonObject()
        .put("modules", current.modules().size())
        .put("problems", current.problems().size());
    databaseUp().onSuccess(up -> Json.send(ctx, up ? 200 : 503,
        new JsonObject().put("status", up ? "up" : "down").put("database", up ? "up" : "down").put("content", content)));
  }

  private void live(RoutingContext ctx) {
    Json.send(ctx, 200, new JsonObject().put("status", "up"));
  }

  private void ready(RoutingContext ctx) {
    boolean contentUp = !catalog.get().modules().isEmpty();
    databaseUp().onSuccess(databaseUp -> {
      boolean up = databaseUp && contentUp;
      Json.send(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "up" : "down")
          .put("database", databaseUp ? "up" : "down").put("content", contentUp ? "up" : "down"));
    });
  }

  /** Whether the database answers within a few seconds; never a failed future. */
  private Future<Boolean> databaseUp() {
    return database.ping().timeout(PING_SECONDS, TimeUnit.SECONDS).map(ok -> true).otherwise(false);
  }
}
