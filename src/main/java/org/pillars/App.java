package org.pillars;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;
import java.util.List;
import java.util.Map;
import org.pillars.auth.AuthRepository;
import org.pillars.auth.AuthRoutes;
import org.pillars.auth.AuthService;
import org.pillars.auth.SetupRoutes;
import org.pillars.auth.Authn;
import org.pillars.auth.Csrf;
import org.pillars.auth.DeviceCookies;
import org.pillars.auth.SigningKeys;
import org.pillars.auth.Tokens;
import org.pillars.catalog.CatalogRoutes;
import org.pillars.catalog.ModuleReader;
import org.pillars.audit.AuditLog;
import org.pillars.audit.AuditRepository;
import org.pillars.audit.AuditRoutes;
import org.pillars.cohorts.AdminRoutes;
import org.pillars.cohorts.BulkActions;
import org.pillars.cohorts.BulkRoutes;
import org.pillars.cohorts.CohortApi;
import org.pillars.cohorts.CohortRepository;
import org.pillars.cohorts.CohortRoutes;
import org.pillars.cohorts.CohortService;
import org.pillars.cohorts.LockedOutRoutes;
import org.pillars.cohorts.MemberRoutes;
import org.pillars.cohorts.ReadinessRoutes;
import org.pillars.config.AppConfig;
import org.pillars.core.Routes;
import org.pillars.learning.AnalysisRoutes;
import org.pillars.learning.ExerciseRepository;
import org.pillars.learning.ExerciseRoutes;
import org.pillars.learning.ExerciseService;
import org.pillars.credentials.CredentialApi;
import org.pillars.credentials.CredentialRepository;
import org.pillars.credentials.CredentialRoutes;
import org.pillars.credentials.CredentialService;
import org.pillars.credentials.IssuerKeys;
import org.pillars.learning.LearningApi;
import org.pillars.lti.DynamicRegistration;
import org.pillars.lti.LtiRepository;
import org.pillars.lti.LtiRoutes;
import org.pillars.lti.LtiService;
import org.pillars.lti.ScoreDeliverer;
import org.pillars.lti.ToolKeys;
import org.pillars.learning.LearningRepository;
import org.pillars.learning.LearningRoutes;
import org.pillars.learning.LearningService;
import org.pillars.authoring.AuthoringRepository;
import org.pillars.authoring.AuthoringService;
import org.pillars.authoring.WorkspaceRoutes;
import org.pillars.content.ContentStore;
import org.pillars.content.ModuleVersionRepository;
import org.pillars.content.CourseLoader;
import org.pillars.db.Database;
import org.pillars.db.Notifications;
import org.pillars.db.StartupException;
import org.pillars.db.Transactions;
import org.pillars.metrics.Meters;
import org.pillars.seeds.Seeds;
import org.pillars.http.Assets;
import org.pillars.http.Messages;
import org.pillars.http.Pages;
import org.pillars.http.Templates;
import org.pillars.web.ApiContract;
import org.pillars.web.WebVerticle;
import org.pillars.outbox.Deliverer;
import org.pillars.outbox.OutboxRepository;
import org.pillars.outbox.OutboxWorker;
import org.pillars.xapi.LrsDeliverer;
import org.pillars.xapi.XapiRepository;
import org.pillars.xapi.XapiRoutes;
import org.pillars.xapi.XapiService;

/**
 * The server: configuration, then the database, its migrations and seeds, then the content, then HTTP.
 * Whatever was started is stopped again if a later step fails, so a failed start leaves nothing running.
 */
public final class App {

  private static final Logger LOG = Logger.getLogger(App.class.getName());
  private static final long CONTENT_CHECK_MS = 1000;

  private final AppConfig config;
  private final Vertx vertx;
  private final Meters meters;
  private SigningKeys keys;
  private IssuerKeys issuerKeys;
  private java.util.Optional<ToolKeys> ltiKeys;
  private CredentialService credentials;
  private Database database;
  private ContentStore content;
  private ApiContract contract;
  private LtiService lti;
  private XapiService xapi;
  private OutboxWorker outbox;
  private int port;

  private App(AppConfig config) {
    this.config = config;
    this.meters = new Meters(Meters.newRegistry());
    this.vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            // a name of its own: Vert.x keeps registries by name, and a test JVM runs many servers
            .setRegistryName("pillars-" + java.util.UUID.randomUUID())
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
        .withMetrics(new MicrometerMetricsFactory(meters.registry()))
        .build();
  }

  /**
   * Starts everything. The returned future is bound to no event loop: when a step fails, the loops are
   * closed before the failure is reported.
   */
  public static Future<App> start(AppConfig config) {
    App app = new App(config);
    long started = System.nanoTime();
    CompletableFuture<App> result = new CompletableFuture<>();
    app.loadKeys()
        .compose(v -> app.startDatabase())
        .compose(v -> app.database.migrate())
        .compose(v -> app.seed())
        .compose(v -> app.loadContent())
        .compose(v -> app.startCredentials())
        .compose(v -> app.startHttp())
        .compose(v -> app.startOutbox())
        .onSuccess(v -> {
          LOG.info(() -> "Pillars is serving http://localhost:" + app.port + "/ (database " + app.database.describe()
              + ", started in " + (System.nanoTime() - started) / 1_000_000 + " ms)");
          result.complete(app);
        })
        .onFailure(e -> app.stop().onComplete(stopped -> result.completeExceptionally(e)));
    return Future.fromCompletionStage(result);
  }

  public int port() {
    return port;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Database database() {
    return database;
  }

  public ContentStore content() {
    return content;
  }

  /** This server's meters, served at /metrics; another part may add gauges to them. */
  public Meters meters() {
    return meters;
  }

  /** The API description as enforced; with response checks on, what broke it. */
  public ApiContract contract() {
    return contract;
  }

  /**
   * Stops HTTP, the content watcher, the pool and the embedded database, in that order, then Vert.x.
   * The returned future is bound to no event loop: the loops are gone by the time it completes.
   */
  public Future<Void> stop() {
    if (outbox != null) {
      outbox.stop();
    }
    if (content != null) {
      content.stopWatching();
    }
    Future<Void> undeployed = vertx.deploymentIDs().isEmpty()
        ? Future.succeededFuture()
        : Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()).mapEmpty();
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    undeployed
        .eventually(() -> database != null ? database.close() : Future.succeededFuture())
        .onComplete(done -> vertx.close().onComplete(closed -> stopped.complete(null)));
    return Future.fromCompletionStage(stopped);
  }

  /** The keys come first: a server that could not sign in anyone, or sign a certificate, should not start at all. */
  private Future<Void> loadKeys() {
    return vertx.executeBlocking(() -> {
      keys = SigningKeys.load(config);
      issuerKeys = IssuerKeys.load(config);
      ltiKeys = ToolKeys.load(config);
      return null;
    }, false).mapEmpty();
  }

  /** The issuer keys of the folder made known to the database, which says which one signs. */
  private Future<Void> startCredentials() {
    // the issuer written into certificates: the configured address, else this server's own (never a request's Host)
    java.util.function.Supplier<String> origin = () -> config.publicUrl().orElse("http://localhost:" + port);
    if (config.publicUrl().isEmpty() && !config.embeddedDatabase()) {
      LOG.warning(() -> AppConfig.PUBLIC_URL + " is not set: certificates signed now name http://localhost:" + config.port()
          + " as their issuer, and keep it; set it to the site's address (README, Deploying)");
    }
    credentials = new CredentialService(vertx, issuerKeys, new CredentialRepository(database.pool()), origin,
        java.time.Clock.systemUTC());
    return credentials.start();
  }

  /**
   * The outbox, once this server's address is known: xAPI is enabled while an LRS is configured (statements are kept
   * from then on) and disabled otherwise; then the worker's timer delivers what is due, on this server as on others.
   */
  private Future<Void> startOutbox() {
    OutboxRepository repository = new OutboxRepository(database.pool());
    List<Deliverer> deliverers = new java.util.ArrayList<>();
    config.lrs().ifPresent(lrs -> deliverers.add(new LrsDeliverer(
        io.vertx.ext.web.client.WebClient.create(vertx), xapi, lrs.url(), lrs.key(), lrs.secret(), lrs.timeoutSeconds())));
    java.util.Optional<Deliverer> scores = ScoreDeliverer.create(vertx, new LtiRepository(database.pool()), ltiKeys);
    scores.ifPresent(deliverers::add);
    // a claimed item is left alone well past the time its batch can take (20 statements' batches, 5 connections)
    long leaseSeconds = Math.max(60, 6L * config.lrs().map(AppConfig.Lrs::timeoutSeconds).orElse(10));
    outbox = new OutboxWorker(vertx, repository, deliverers, config.outbox().intervalMs(), config.outbox().backoffMs(), leaseSeconds);
    Future<Void> woken = deliverers.isEmpty() ? Future.succeededFuture()
        : database.listen(OutboxRepository.NOTIFY_CHANNEL, new Notifications.Listener() {
          // an item committed anywhere is sent at once, not at the next tick; after a lost connection, everything due
          @Override
          public void notified(String channel) {
            outbox.wake(channel);
          }

          @Override
          public void missed() {
            outbox.wake(null);
          }
        }).mapEmpty();
    return (config.lrs().isPresent() ? repository.enable(XapiService.CHANNEL) : repository.disable(XapiService.CHANNEL))
        .compose(v -> scores.isPresent() ? repository.enable(ScoreDeliverer.CHANNEL) : repository.disable(ScoreDeliverer.CHANNEL))
        .compose(v -> woken).compose(v -> watchOutbox(repository)).onSuccess(v -> outbox.start());
  }


  /**
   * Gauges of each channel's backlog: items waiting, the age of the oldest, items rejected for good. Read from the
   * database as often as the outbox is looked at (so they count every server's items alike), served from memory at each scrape.
   */
  private Future<Void> watchOutbox(OutboxRepository repository) {
    org.pillars.outbox.Outbox facade = new org.pillars.outbox.Outbox(repository);
    java.util.concurrent.atomic.AtomicReference<Map<String, org.pillars.outbox.Depth>> latest =
        new java.util.concurrent.atomic.AtomicReference<>(Map.of());
    org.pillars.outbox.Depth none = new org.pillars.outbox.Depth(0, java.util.Optional.empty(), 0);
    for (String channel : List.of(XapiService.CHANNEL, ScoreDeliverer.CHANNEL)) {
      meters.gauge("pillars.outbox.depth", "Items waiting to be delivered", () -> latest.get().getOrDefault(channel, none).undelivered(),
          "channel", channel);
      meters.gauge("pillars.outbox.oldest.age.seconds", "How long the oldest waiting item has waited",
          () -> latest.get().getOrDefault(channel, none).oldestAge().map(d -> d.toMillis() / 1000.0).orElse(0.0), "channel", channel);
      meters.gauge("pillars.outbox.rejected", "Items the receiver refused for good, kept for an operator",
          () -> latest.get().getOrDefault(channel, none).rejected(), "channel", channel);
    }
    vertx.setPeriodic(Math.max(100, config.outbox().intervalMs()), id -> facade.depth().onSuccess(latest::set));
    return facade.depth().onSuccess(latest::set).mapEmpty();
  }

  private Future<Void> startDatabase() {
    return Database.open(vertx, config).onSuccess(db -> database = db).mapEmpty();
  }

  private Future<Void> seed() {
    if (!config.loadSeeds()) {
      return Future.succeededFuture();
    }
    Path file = config.seedsDir().resolve("demo.json");
    if (!Files.isRegularFile(file)) {
      LOG.warning(() -> "no seed data at " + file + "; starting without demo accounts");
      return Future.succeededFuture();
    }
    return new Seeds(vertx, database.pool()).load(file);
  }

  private Future<Void> loadContent() {
    content = new ContentStore(vertx, config.coursesDir(), new ModuleVersionRepository(database.pool()));
    return content.load().onSuccess(c -> {
      if (config.reloadContent()) {
        content.watch(CONTENT_CHECK_MS);
      }
    }).compose(c -> database.listen(ModuleVersionRepository.CHANNEL, new Notifications.Listener() {
      // a version published by another server (or by this one: reading it back is harmless) is served at once; after
      // a lost connection, what was published meanwhile is read again
      @Override
      public void notified(String moduleId) {
        content.refresh();
      }

      @Override
      public void missed() {
        content.refresh();
      }
    })).mapEmpty();
  }

  private Future<Void> startHttp() {
    return Future.succeededFuture(keys).compose(keys -> {
      Tokens tokens = new Tokens(vertx, keys, config.jwtIssuer(), config.tokenMinutes());
      return AuthService.create(vertx, new AuthRepository(database.pool()), tokens, new DeviceCookies(keys.deviceKey()),
          config.sessionHours(), meters)
          // sessions are trusted from memory only while this server hears of every change to them
          .compose(auth -> database.listen(AuthService.sessionChannel(), auth.sessionChanges())
              .map(channel -> {
                auth.trustSessionsWhile(channel::live);
                return Map.entry(keys, auth);
              }));
    }).compose(security -> ApiContract.load(vertx, config.checkResponses()).onSuccess(c -> contract = c).map(security))
        .compose(security -> vertx.executeBlocking(() -> {
      Messages messages = new Messages(CourseLoader.LANGUAGES);
      Assets assets = Assets.load(config.webRoot());
      Pages pages = new Pages(new Templates(messages), messages, assets);
      AuthService auth = security.getValue();
      Authn authn = new Authn(auth, new Csrf(security.getKey().csrfKey()), config.cookiesSecure(), config.trustedProxies());
      LearningService learning = new LearningService(content, new LearningRepository(database.pool()), security.getKey().drawKey(), meters);
      ExerciseService exercises = new ExerciseService(learning, new ExerciseRepository(database.pool()));
      CohortService cohorts = new CohortService(new CohortRepository(database.pool()), new Transactions(database.pool()), auth,
          content, learning::decideHeld, meters);
      BulkActions bulk = new BulkActions(cohorts, new CohortRepository(database.pool()), new Transactions(database.pool()), auth);
      LtiService lti = LtiService.create(vertx, new LtiRepository(database.pool()), ltiKeys,
          new LtiService.Accounts() {
            @Override
            public Future<LtiService.SignedIn> signIn(long platform, String subject, long organisation, String name,
                                                      org.pillars.core.Role role) {
              return auth.signInLinked(platform, subject, organisation, name, role)
                  .map(s -> new LtiService.SignedIn(s.account().id(), s.account().role(), s.token()));
            }

            @Override
            public Future<Long> link(long platform, String subject, long organisation, String name, org.pillars.core.Role role) {
              return auth.linked(platform, subject, organisation, name, role).map(a -> a.id());
            }
          },
          new LtiService.Cohorts() {
            @Override
            public Future<List<Map.Entry<Long, String>>> of(org.pillars.core.Principal p, long organisation) {
              return cohorts.cohorts(p).map(all -> all.stream().filter(c -> c.organisationId() == organisation)
                  .map(c -> Map.entry(c.id(), c.name())).toList());
            }

            @Override
            public Future<Integer> enrol(org.pillars.core.Principal p, long cohort, long organisation, List<Long> accounts) {
              return cohorts.enrolFromPlatform(p, Long.toString(cohort), organisation, accounts);
            }
          },
          content::get, () -> config.publicUrl().orElse("http://localhost:" + port));
      this.lti = lti;
      xapi = new XapiService(new XapiRepository(database.pool()), content, () -> config.publicUrl().orElse("http://localhost:" + port));
      List<Routes> features = List.of(
          new AuthRoutes(auth, authn, pages),
          new LtiRoutes(lti, new DynamicRegistration(new LtiRepository(database.pool()), vertx,
              () -> config.publicUrl().orElse("http://localhost:" + port), lti), (ctx, token) -> authn.embeddedSession(ctx, token, auth.tokens().minutes() * 60L),
              admin -> cohorts.organisations(admin).map(all -> all.stream()
                  .map(o -> Map.entry(o.id(), o.name())).toList()), content::get, pages, config.cookiesSecure()),
          new LearningApi(learning, exercises, meters),
          new ExerciseRoutes(exercises, pages),
          new AnalysisRoutes(learning, pages),
          new LearningRoutes(learning, exercises, pages),
          new CredentialApi(credentials, content),
          new CredentialRoutes(credentials, content, pages),
          new CohortApi(cohorts, bulk, content),
          new BulkRoutes(bulk, content, pages),
          new AdminRoutes(cohorts, auth, pages),
          new LockedOutRoutes(cohorts, content, pages),
          new AuditRoutes(new AuditLog(new AuditRepository(database.pool())), pages),
          new CohortRoutes(cohorts, content, pages),
          new MemberRoutes(cohorts, bulk, content, pages),
          new ReadinessRoutes(cohorts, content, pages),
          new XapiRoutes(xapi, (p, cohortId) -> cohorts.cohort(p, cohortId).map(CohortRepository.Cohort::id)),
          new SetupRoutes(auth, authn, pages),
          new CatalogRoutes(content, pages, learning::lessonsRead, (p, moduleId) -> exercises.reader(p, moduleId).map(r ->
              new ModuleReader.Reader(r.track().orElse(null), r.played().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                  Map.Entry::getKey, e -> new ModuleReader.Played(e.getValue().runs(), e.getValue().last())))))),
          new WorkspaceRoutes(new AuthoringService(vertx, content, new ModuleVersionRepository(database.pool()),
              new AuthoringRepository(database.pool()), learning::readers, config.review()), pages, LearningRoutes::formQuestions));
      return new WebVerticle.Services(config, database, content, assets, pages, contract, authn, authn::refuseForgeries, features,
          // framed by a platform: what a launch leads to (the LTI pages, then the launched session's); never admin pages
          meters, ctx -> !ctx.request().path().startsWith("/admin") && (ctx.request().path().startsWith("/lti/")
              || ctx.request().getCookie(Authn.EMBEDDED_COOKIE) != null)
              ? lti.frameAncestors(ctx.request().path()) : java.util.Set.of());
    }, false)).compose(services -> lti.start(vertx).map(services)).compose(services -> {
      // Port 0 means "any free port"; for several instances to share one such port Vert.x wants -1.
      int listenOn = config.port() == 0 && config.httpInstances() > 1 ? -1 : config.port();
      WebVerticle first = new WebVerticle(services, listenOn);
      return vertx.deployVerticle(first).compose(id -> {
        port = first.actualPort();
        int more = config.httpInstances() - 1;
        return more == 0 ? Future.succeededFuture()
            : vertx.deployVerticle(() -> new WebVerticle(services, listenOn), new DeploymentOptions().setInstances(more)).mapEmpty();
      }).recover(e -> Future.failedFuture(new StartupException("HTTP server could not listen on "
          + config.host() + ":" + config.port() + ": " + Database.rootMessage(e))));
    }).mapEmpty();
  }
}
