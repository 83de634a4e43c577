package org.pillars.web;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.LoggerFormat;
import io.vertx.ext.web.handler.LoggerHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.pillars.core.Access;
import org.pillars.core.Invalid;
import org.pillars.core.Routes;
import org.pillars.config.AppConfig;
import org.pillars.content.ContentStore;
import org.pillars.db.Database;
import org.pillars.http.Assets;
import org.pillars.http.Pages;
import org.pillars.metrics.Meters;

/** One HTTP server instance with the root router; several may share the port, one per core. */
public final class WebVerticle extends VerticleBase {

  /**
   * What every instance shares: immutable or thread-safe. {@code authenticate} runs before every feature route
   * and puts the signed-in account, if any, on the request; {@code refuseForgeries} runs once the body is read;
   * {@code features} are mounted in order; {@code openUploads} caps the uploads open at once in the process;
   * {@code meters} are served at /metrics.
   */
  public record Services(AppConfig config, Database database, ContentStore content, Assets assets, Pages pages,
                         ApiContract contract, Handler<RoutingContext> authenticate, Handler<RoutingContext> refuseForgeries,
                         List<Routes> features, Meters meters, Semaphore openUploads, java.util.function.Function<RoutingContext, Set<String>> frameAncestors) {
    public Services {
      features = List.copyOf(features);
    }

    public Services(AppConfig config, Database database, ContentStore content, Assets assets, Pages pages,
                    ApiContract contract, Handler<RoutingContext> authenticate, Handler<RoutingContext> refuseForgeries,
                    List<Routes> features, Meters meters) {
      this(config, database, content, assets, pages, contract, authenticate, refuseForgeries, features, meters, ctx -> Set.of());
    }

    /** {@code frameAncestors}: the origins (LTI platforms registered) that may show this response in a frame. */
    public Services(AppConfig config, Database database, ContentStore content, Assets assets, Pages pages,
                    ApiContract contract, Handler<RoutingContext> authenticate, Handler<RoutingContext> refuseForgeries,
                    List<Routes> features, Meters meters, java.util.function.Function<RoutingContext, Set<String>> frameAncestors) {
      this(config, database, content, assets, pages, contract, authenticate, refuseForgeries, features, meters,
          new Semaphore(config.maxUploads()), frameAncestors);
    }
  }

  private final Services services;
  private final int port;
  private HttpServer server;

  public WebVerticle(Services services, int port) {
    this.services = services;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setPort(port)
        .setHost(services.config().host())
        .setCompressionSupported(true)
        .setCompressionContentSizeThreshold(1024)
        // a form field may hold a whole Markdown file a trainer edits (the body as a whole stays within its limit)
        .setMaxFormAttributeSize(600 * 1024);
    return vertx.createHttpServer(options)
        .requestHandler(router())
        .listen()
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server.actualPort();
  }

  Router router() {
    AppConfig config = services.config();
    Router router = Router.router(vertx);
    ErrorHandler errors = new ErrorHandler(services.pages(), config.maxBodyBytes());
    router.route().handler(new RequestIds(config.trustedProxies()));
    router.route().handler(new SecurityHeaders(config.cookiesSecure(), services.frameAncestors()));
    router.route().handler(WebVerticle::wellFormedQuery);
    if (config.accessLog()) {
      router.route().handler(LoggerHandler.create(LoggerFormat.TINY));
    }
    services.assets().mount(router);
    // armed here, run when a route's guard admits the request (after the body is read): see ApiContract
    router.route("/api/*").handler(services.contract()::validateRequest);
    for (String health : List.of("/health", "/health/live", "/health/ready")) {
      router.route(health).handler(services.contract()::validateRequest);
    }
    new HealthRoutes(services.database(), services.content()).mount(router);
    new MetricsRoutes(services.meters(), config.metricsAddresses(), config.metricsToken()).mount(router);
    Bodies bodies = new Bodies(config, services.openUploads());
    bodies.hold(router);
    router.route().handler(services.authenticate());
    bodies.read(router, services.features().stream().flatMap(feature -> feature.uploads().stream()).toList());
    java.util.Set<String> crossSite = services.features().stream().flatMap(f -> f.crossSite().stream())
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    router.route().handler(ctx -> {
      if (crossSite.contains(ctx.request().path())) {
        ctx.next();
      } else {
        services.refuseForgeries().handle(ctx);
      }
    });

    new LanguageRoutes().mount(router);
    services.features().forEach(feature -> feature.mount(router));
    router.get("/api/openapi.yaml").handler(Access.anyone()).handler(new OpenApi()::handle);

    router.route().failureHandler(errors::handle);
    router.errorHandler(400, errors::handle);
    router.errorHandler(404, errors::handle);
    router.errorHandler(405, errors::handle);
    router.errorHandler(413, errors::handle);
    router.errorHandler(500, errors::handle);
    return router;
  }

  /** A query string that does not decode (a % without two hex digits) is refused here, before any handler reads it. */
  private static void wellFormedQuery(RoutingContext ctx) {
    try {
      ctx.request().params();
      ctx.queryParams();
    } catch (IllegalArgumentException e) {
      ctx.fail(new Invalid("the address has a malformed query string (a % must be followed by two hexadecimal digits)"));
      return;
    }
    ctx.next();
  }
}
