package org.pillars.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;
import org.pillars.content.Catalog;
import org.pillars.db.Database;
import org.pillars.http.Json;

/** {@code GET /health} for load balancers and operators. Open to everyone; says nothing secret. */
public final class HealthRoutes {

  private final Database database;
  private final Supplier<Catalog> catalog;

  public HealthRoutes(Database database, Supplier<Catalog> catalog) {
    this.database = database;
    this.catalog = catalog;
  }

  public void mount(Router router) {
    router.get("/health").handler(org.pillars.core.Access.anyone()).handler(this::health);
  }

  private void health(RoutingContext ctx) {
    Catalog current = catalog.get();
    JsonObject content = new JsonObject()
        .put("modules", current.modules().size())
        .put("problems", current.problems().size());
    database.ping()
        .timeout(3, java.util.concurrent.TimeUnit.SECONDS)
        .map(ok -> new JsonObject().put("status", "up").put("database", "up"))
        .otherwise(e -> new JsonObject().put("status", "down").put("database", "down"))
        .onSuccess(body -> Json.send(ctx, "up".equals(body.getString("status")) ? 200 : 503, body.put("content", content)));
  }
}
