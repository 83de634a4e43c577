package org.pillars.lti;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.pillars.content.Catalog;
import org.pillars.core.Access;
import org.pillars.core.Invalid;
import org.pillars.core.NotFound;
import org.pillars.core.Principal;
import org.pillars.core.Role;
import org.pillars.core.Routes;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;

/**
 * The LTI 1.3 routes. The login and the launch come from the platform's site, cross-site by design: they are
 * guarded by the state, nonce and signature of the launch itself, not by our CSRF token ({@link #crossSite}). The
 * Deep Linking picker is for the instructor who launched it; registering a platform is for admins.
 */
public final class LtiRoutes implements Routes {

  /** Sets the session cookie of a launched user (wired by App to auth's embedded session). */
  public interface Session {
    void start(RoutingContext ctx, String token);
  }

  /** The organisations an admin may register a platform for: id and name. */
  public interface Organisations {
    Future<List<Map.Entry<Long, String>>> all(Principal admin);
  }

  private final LtiService lti;
  private final DynamicRegistration registration;
  private final Session session;
  private final Organisations organisations;
  private final java.util.function.Supplier<Catalog> catalog;
  private final Pages pages;
  private final boolean secureCookies;

  public LtiRoutes(LtiService lti, DynamicRegistration registration, Session session, Organisations organisations,
                   java.util.function.Supplier<Catalog> catalog, Pages pages, boolean secureCookies) {
    this.secureCookies = secureCookies;
    this.lti = lti;
    this.registration = registration;
    this.session = session;
    this.organisations = organisations;
    this.catalog = catalog;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    router.get("/lti/jwks").handler(Access.anyone()).handler(this::jwks);
    router.get("/lti/login").handler(Access.anyone()).handler(this::login);
    router.post("/lti/login").handler(Access.anyone()).handler(this::login);
    router.post("/lti/launch").handler(Access.anyone()).handler(this::launch);
    router.get("/lti/deep-links/:requestId").handler(Access.roles(Role.TRAINER, Role.COORDINATOR, Role.ADMIN))
        .handler(this::picker);
    router.post("/lti/deep-links/:requestId").handler(Access.roles(Role.TRAINER, Role.COORDINATOR, Role.ADMIN))
        .handler(this::pick);
    router.get("/lti/courses/:courseId").handler(Access.roles(Role.TRAINER, Role.COORDINATOR, Role.ADMIN)).handler(this::course);
    router.post("/lti/courses/:courseId/import").handler(Access.roles(Role.COORDINATOR, Role.ADMIN)).handler(this::importMembers);
    router.get("/lti/register/:code").handler(Access.anyone()).handler(this::dynamicRegistration);
    router.post("/admin/lti/invitations").handler(Access.roles(Role.ADMIN)).handler(this::invite);
    router.get("/admin/lti").handler(Access.roles(Role.ADMIN)).handler(this::adminPage);
    router.post("/admin/lti").handler(Access.roles(Role.ADMIN)).handler(this::registerForm);
    router.get("/api/admin/lti/platforms").handler(Access.roles(Role.ADMIN)).handler(this::platformsApi);
    router.post("/api/admin/lti/platforms").handler(Access.roles(Role.ADMIN)).handler(this::registerApi);
    router.get("/admin/lti/platforms/:platformId").handler(Access.roles(Role.ADMIN)).handler(this::platformPage);
    router.post("/admin/lti/platforms/:platformId").handler(Access.roles(Role.ADMIN)).handler(this::settingsForm);
    router.get("/api/admin/lti/platforms/:platformId").handler(Access.roles(Role.ADMIN)).handler(this::platformApi);
    router.put("/api/admin/lti/platforms/:platformId").handler(Access.roles(Role.ADMIN)).handler(this::settingsApi);
  }

  /** The platform posts these from its own site; a launch's signature and state are its proof, not our CSRF token. */
  @Override
  public List<String> crossSite() {
    return List.of("/lti/login", "/lti/launch");
  }

  private String t(RoutingContext ctx, String key, Object... args) {
    return pages.messages().get(Language.of(ctx), key, args);
  }

  private void jwks(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=3600")
        .end(lti.publicKeys());
  }

  private void login(RoutingContext ctx) {
    MultiMap source = ctx.request().method().name().equals("POST") ? ctx.request().formAttributes() : ctx.request().params();
    Map<String, String> params = new HashMap<>();
    for (String name : List.of("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id", "lti_deployment_id")) {
      if (source.get(name) != null) {
        params.put(name, source.get(name));
      }
    }
    lti.login(params).onSuccess(login -> {
      ctx.response().headers().add(HttpHeaders.SET_COOKIE, stateCookie(login.state(), login.state(), 600));
      ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, login.location())
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
    }).onFailure(ctx::fail);
  }

  /**
   * The state of a login begun in this browser, under a name of its own (two launches in two tabs keep both), sent
   * back only to the launch. The platform posts the launch from its site: SameSite=None (Secure, Partitioned) behind
   * HTTPS; over plain http (development) browsers refuse that, and Lax serves on one machine.
   */
  private String stateCookie(String state, String value, long maxAgeSeconds) {
    io.vertx.core.http.Cookie c = io.vertx.core.http.Cookie.cookie(stateCookieName(state), value).setPath("/lti/launch")
        .setHttpOnly(true).setMaxAge(maxAgeSeconds);
    return framed(c, true);
  }

  /**
   * The platform's language for its user becomes the reader's choice here: the same cookie the language switch sets
   * (so either replaces the other), but {@code SameSite=None} behind HTTPS so that a frame sends it. It is not
   * {@code Partitioned}: a partitioned twin would live beside the switch's cookie and the two would disagree.
   */
  private String languageCookie(String lang) {
    io.vertx.core.http.Cookie c = io.vertx.core.http.Cookie.cookie(Language.COOKIE, lang).setPath("/").setHttpOnly(true)
        .setMaxAge(365L * 24 * 3600);
    return framed(c, false);
  }

  /** A cookie a platform's frame sends: {@code SameSite=None; Secure} (and {@code Partitioned} if asked) behind HTTPS, else Lax. */
  private String framed(io.vertx.core.http.Cookie c, boolean partitioned) {
    return secureCookies ? c.setSecure(true).setSameSite(io.vertx.core.http.CookieSameSite.NONE).encode() + (partitioned ? "; Partitioned" : "")
        : c.setSameSite(io.vertx.core.http.CookieSameSite.LAX).encode();
  }

  static String stateCookieName(String state) {
    String safe = state == null ? "" : state.replaceAll("[^A-Za-z0-9_-]", "");
    return "pillars_lti_" + safe.substring(0, Math.min(12, safe.length()));
  }

  private void launch(RoutingContext ctx) {
    String state = ctx.request().getFormAttribute("state");
    io.vertx.core.http.Cookie kept = state == null ? null : ctx.request().getCookie(stateCookieName(state.strip()));
    lti.launch(ctx.request().getFormAttribute("id_token"), state, kept == null ? null : kept.getValue()).onSuccess(launched -> {
      ctx.response().headers().add(HttpHeaders.SET_COOKIE, stateCookie(state.strip(), "", 0));
      session.start(ctx, launched.session().token());
      launched.language().ifPresent(lang -> ctx.response().headers().add(HttpHeaders.SET_COOKIE, languageCookie(lang)));
      Pages.seeOther(ctx, launched.location());
    }).onFailure(ctx::fail);
  }

  private UUID requestId(RoutingContext ctx) {
    try {
      return UUID.fromString(ctx.pathParam("requestId"));
    } catch (IllegalArgumentException e) {
      throw new NotFound("lti_deep_link", t(ctx, "lti.deepLink.gone"));
    }
  }

  private void picker(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    UUID id = requestId(ctx);
    lti.deepLinkOpen(id, p.accountId()).onSuccess(open -> {
      if (!open) {
        ctx.fail(new NotFound("lti_deep_link", t(ctx, "lti.deepLink.gone")));
        return;
      }
      String lang = Language.of(ctx);
      Map<String, Object> model = pages.model(ctx, t(ctx, "lti.deepLink.title"));
      model.put("action", "/lti/deep-links/" + id);
      model.put("modules", catalog.get().modules(Optional.of(p)).stream()
          .map(m -> Map.of("id", m.id(), "title", m.title().in(lang), "summary", m.summary().in(lang))).toList());
      pages.sendPersonal(ctx, 200, "lti-deep-link", model);
    }).onFailure(ctx::fail);
  }

  /**
   * The instructor's pick, answered with a page whose form carries the signed answer to the platform (sent at once by
   * a small script, or by its button without one). That page alone may post to the platform's return address.
   */
  private void pick(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    String module = ctx.request().getFormAttribute("module");
    if (module == null || catalog.get().module(module, Optional.of(p)).isEmpty()) {
      ctx.fail(new Invalid("module", t(ctx, "lti.deepLink.noModule")));
      return;
    }
    lti.deepLink(requestId(ctx), p.accountId(), module).onSuccess(answer -> {
      URI target = URI.create(answer.returnUrl());
      String origin = target.getScheme() + "://" + target.getRawAuthority();
      String csp = ctx.response().headers().get("Content-Security-Policy");
      if (csp != null) {
        ctx.response().putHeader("Content-Security-Policy", csp.replace("form-action 'self'", "form-action 'self' " + origin));
      }
      Map<String, Object> model = pages.model(ctx, t(ctx, "lti.deepLink.title"));
      model.put("returnUrl", answer.returnUrl());
      model.put("jwt", answer.jwt());
      pages.sendPersonal(ctx, 200, "lti-return", model);
    }).onFailure(ctx::fail);
  }

  private long courseId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("courseId"));
    } catch (NumberFormatException e) {
      throw new NotFound("lti_course", "there is no such course");
    }
  }

  /** Where an instructor's launch lands: the module to open, and the course's roster to bring into a cohort. */
  private void course(RoutingContext ctx) {
    renderCourse(ctx, 200, null, null);
  }

  private void renderCourse(RoutingContext ctx, int status, LtiService.Imported imported, String error) {
    Principal p = Access.principal(ctx);
    String module = ctx.request().getParam("module");
    lti.course(p, courseId(ctx)).compose(course -> lti.cohortsFor(p, course).map(cohorts -> {
      String lang = Language.of(ctx);
      Map<String, Object> model = pages.model(ctx, course.context().title() == null ? t(ctx, "lti.course.title")
          : course.context().title());
      model.put("platform", course.platform().name());
      catalog.get().module(module == null ? "" : module, Optional.of(p)).ifPresent(m ->
          model.put("module", Map.of("id", m.id(), "title", m.title().in(lang))));
      model.put("roster", course.context().membershipsUrl() != null);
      model.put("mayImport", p.role() == Role.COORDINATOR || p.role() == Role.ADMIN);
      model.put("cohorts", cohorts.stream().map(c -> Map.of("id", c.getKey(), "name", c.getValue())).toList());
      model.put("action", "/lti/courses/" + course.context().id() + "/import");
      model.put("imported", imported == null ? null : t(ctx, "lti.course.imported", imported.members(), imported.learners(),
          imported.enrolled(), imported.skipped()));
      model.put("error", error);
      return model;
    })).onSuccess(model -> pages.sendPersonal(ctx, status, "lti-course", model)).onFailure(ctx::fail);
  }

  private void importMembers(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    long cohort;
    try {
      cohort = Long.parseLong(Optional.ofNullable(ctx.request().getFormAttribute("cohort")).orElse(""));
    } catch (NumberFormatException e) {
      renderCourse(ctx, 400, null, t(ctx, "lti.course.chooseCohort"));
      return;
    }
    lti.importMembers(p, courseId(ctx), cohort).onSuccess(imported -> renderCourse(ctx, 200, imported, null))
        .onFailure(e -> {
          if (e instanceof Invalid || e instanceof org.pillars.core.Unavailable) {
            renderCourse(ctx, e instanceof Invalid ? 400 : 503, null, e.getMessage());
          } else {
            ctx.fail(e);
          }
        });
  }

  private void adminPage(RoutingContext ctx) {
    renderAdmin(ctx, 200, null, ctx.request().getParam("registered") != null, null);
  }

  /** A one-time link for the platform's administrator to paste into the platform (Dynamic Registration). */
  private void invite(RoutingContext ctx) {
    MultiMap f = ctx.request().formAttributes();
    long organisation;
    Role role;
    try {
      organisation = organisation(f.get("organisation_id"));
      role = instructorRole(f.get("instructor_role"));
    } catch (Invalid e) {
      renderAdmin(ctx, 400, reason(ctx, e), false, null);
      return;
    }
    registration.invite(organisation, role).onSuccess(link -> renderAdmin(ctx, 200, null, false, link))
        .onFailure(e -> {
          if (e instanceof Invalid) {
            renderAdmin(ctx, 400, reason(ctx, e), false, null);
          } else {
            ctx.fail(e);
          }
        });
  }

  /**
   * The platform opens this, often in a frame of its own page: that page alone may frame it, since the one-time code
   * in the address says an admin of ours meant it. The page tells the platform, by a message, that registration ended.
   */
  private void dynamicRegistration(RoutingContext ctx) {
    String configuration = ctx.request().getParam("openid_configuration");
    registration.register(ctx.pathParam("code"), configuration, ctx.request().getParam("registration_token"))
        .onSuccess(done -> {
          // only once the code was good and the platform registered: its page may show this one in its frame
          String csp = ctx.response().headers().get("Content-Security-Policy");
          if (csp != null && LtiService.origin(configuration).isPresent()) {
            ctx.response().putHeader("Content-Security-Policy", csp.replaceAll("frame-ancestors [^;]*",
                "frame-ancestors 'self' " + LtiService.origin(configuration).get()));
            ctx.response().headers().remove("X-Frame-Options");
          }
          Map<String, Object> model = pages.model(ctx, t(ctx, "lti.registered.title"));
          model.put("platform", done.name());
          model.put("issuer", done.issuer());
          pages.sendPersonal(ctx, 200, "lti-registered", model);
        }).onFailure(ctx::fail);
  }

  private void renderAdmin(RoutingContext ctx, int status, String error, boolean registered, String invitation) {
    Principal p = Access.principal(ctx);
    Future.all(lti.platforms(), organisations.all(p)).onSuccess(both -> {
      List<LtiRepository.Platform> platforms = both.resultAt(0);
      List<Map.Entry<Long, String>> orgs = both.resultAt(1);
      Map<Long, String> orgNames = new HashMap<>();
      orgs.forEach(o -> orgNames.put(o.getKey(), o.getValue()));
      Map<String, Object> model = pages.model(ctx, t(ctx, "lti.admin.title"));
      model.put("platforms", platforms.stream().map(pl -> Map.of("id", pl.id(), "enabled", pl.enabled(), "name", pl.name(), "issuer", pl.issuer(),
          "clientId", pl.clientId(), "organisation", orgNames.getOrDefault(pl.organisationId(), "#" + pl.organisationId()),
          "instructorRole", t(ctx, "admin.role." + pl.instructorRole().code()), "deployments", String.join(", ", pl.deployments()))).toList());
      model.put("organisations", orgs.stream().map(o -> Map.of("id", o.getKey(), "name", o.getValue())).toList());
      model.put("tool", tool());
      model.put("error", error);
      model.put("registered", registered);
      model.put("invitation", invitation);
      pages.sendPersonal(ctx, status, "admin-lti", model);
    }).onFailure(ctx::fail);
  }

  private Map<String, String> tool() {
    return Map.of("login", lti.loginUrl(), "launch", lti.launchUrl(), "jwks", lti.launchUrl().replace("/lti/launch", "/lti/jwks"),
        "deepLink", lti.launchUrl());
  }

  private void registerForm(RoutingContext ctx) {
    MultiMap f = ctx.request().formAttributes();
    LtiService.Registration registration;
    try {
      registration = new LtiService.Registration(f.get("issuer"), f.get("client_id"), f.get("name"), f.get("auth_url"),
          f.get("token_url"), f.get("jwks_url"), organisation(f.get("organisation_id")), instructorRole(f.get("instructor_role")),
          typedDeployments(f.get("deployment_ids")));
    } catch (Invalid e) {
      renderAdmin(ctx, 400, reason(ctx, e), false, null);
      return;
    }
    lti.register(Access.principal(ctx), registration).onSuccess(id -> Pages.seeOther(ctx, "/admin/lti?registered=" + id))
        .onFailure(e -> {
          if (e instanceof org.pillars.core.Conflict || e instanceof Invalid) {
            renderAdmin(ctx, e instanceof Invalid ? 400 : 409, reason(ctx, e), false, null);
          } else {
            ctx.fail(e);
          }
        });
  }

  private void platformsApi(RoutingContext ctx) {
    lti.platforms().onSuccess(all -> Json.send(ctx, 200, new JsonObject()
        .put("tool", new JsonObject(new HashMap<>(tool())))
        .put("platforms", new JsonArray(all.stream().map(LtiRoutes::json).toList())))).onFailure(ctx::fail);
  }

  private void registerApi(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    JsonArray deployments = body.getValue("deployment_ids") instanceof JsonArray a ? a : new JsonArray();
    LtiService.Registration registration = new LtiService.Registration(body.getString("issuer"), body.getString("client_id"),
        body.getString("name"), body.getString("auth_url"), body.getString("token_url"), body.getString("jwks_url"),
        body.getValue("organisation_id") instanceof Number n ? n.longValue() : organisation(null),
        instructorRole(body.getString("instructor_role", "trainer")),
        deployments.stream().map(d -> d instanceof String s ? s : null).toList());
    lti.register(Access.principal(ctx), registration).compose(lti::platform)
        .onSuccess(pl -> Json.send(ctx, 201, json(pl))).onFailure(ctx::fail);
  }

  private static long platformId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("platformId"));
    } catch (NumberFormatException e) {
      throw new NotFound("lti_platform", "there is no such platform");
    }
  }

  /** One platform's settings, to change them or to switch the platform off or on. */
  private void platformPage(RoutingContext ctx) {
    lti.platform(platformId(ctx)).onSuccess(pl -> renderPlatform(ctx, 200, pl, null, null,
        ctx.request().getParam("saved") != null)).onFailure(ctx::fail);
  }

  private void renderPlatform(RoutingContext ctx, int status, LtiRepository.Platform pl, MultiMap typed, String error, boolean saved) {
    organisations.all(Access.principal(ctx)).onSuccess(orgs -> {
      Map<String, Object> model = pages.model(ctx, pl.name());
      Map<String, Object> shown = new HashMap<>();
      shown.put("id", pl.id());
      shown.put("issuer", pl.issuer());
      shown.put("clientId", pl.clientId());
      shown.put("organisation", orgs.stream().filter(o -> o.getKey() == pl.organisationId()).map(Map.Entry::getValue).findFirst()
          .orElse("#" + pl.organisationId()));
      // what the admin typed comes back as typed, so a refused change loses nothing
      shown.put("name", typed == null ? pl.name() : typed.get("name"));
      shown.put("authUrl", typed == null ? pl.authUrl() : typed.get("auth_url"));
      shown.put("tokenUrl", typed == null ? pl.tokenUrl() : typed.get("token_url"));
      shown.put("jwksUrl", typed == null ? pl.jwksUrl() : typed.get("jwks_url"));
      shown.put("deployments", typed == null ? String.join(", ", pl.deployments()) : typed.get("deployment_ids"));
      String role = typed == null ? pl.instructorRole().code() : typed.get("instructor_role");
      shown.put("coordinators", Role.COORDINATOR.code().equals(role));
      String enabled = typed == null ? Boolean.toString(pl.enabled()) : typed.get("enabled");
      shown.put("off", "false".equals(enabled));
      model.put("platform", shown);
      model.put("enabled", pl.enabled());
      model.put("error", error);
      model.put("saved", saved);
      pages.sendPersonal(ctx, status, "admin-lti-platform", model);
    }).onFailure(ctx::fail);
  }

  private void settingsForm(RoutingContext ctx) {
    long id = platformId(ctx);
    MultiMap f = ctx.request().formAttributes();
    LtiService.Settings settings;
    try {
      settings = new LtiService.Settings(f.get("name"), f.get("auth_url"), f.get("token_url"), f.get("jwks_url"),
          instructorRole(f.get("instructor_role")), typedDeployments(f.get("deployment_ids")),
          enabled(f.get("enabled")));
    } catch (Invalid e) {
      refusedSettings(ctx, id, f, e);
      return;
    }
    lti.update(Access.principal(ctx), id, settings).onSuccess(pl -> Pages.seeOther(ctx, "/admin/lti/platforms/" + id + "?saved=1"))
        .onFailure(e -> {
          if (e instanceof Invalid invalid) {
            refusedSettings(ctx, id, f, invalid);
          } else {
            ctx.fail(e);
          }
        });
  }

  /** A refusal on an admin form, in the admin's language where it has words there. */
  private String reason(RoutingContext ctx, Throwable e) {
    return e instanceof Invalid invalid ? pages.messages().reason(Language.of(ctx), invalid) : e.getMessage();
  }

  private void refusedSettings(RoutingContext ctx, long id, MultiMap typed, Invalid e) {
    lti.platform(id).onSuccess(pl -> renderPlatform(ctx, 400, pl, typed, reason(ctx, e), false))
        .onFailure(ctx::fail);
  }

  private void platformApi(RoutingContext ctx) {
    lti.platform(platformId(ctx)).onSuccess(pl -> Json.send(ctx, 200, json(pl))).onFailure(ctx::fail);
  }

  private void settingsApi(RoutingContext ctx) {
    long id = platformId(ctx);
    JsonObject body = Json.body(ctx);
    JsonArray deployments = body.getValue("deployment_ids") instanceof JsonArray a ? a : new JsonArray();
    LtiService.Settings settings = new LtiService.Settings(body.getString("name"), body.getString("auth_url"),
        body.getString("token_url"), body.getString("jwks_url"), instructorRole(body.getString("instructor_role")),
        deployments.stream().map(d -> d instanceof String s ? s : null).toList(),
        body.getValue("enabled") instanceof Boolean b ? b : enabled(null));
    lti.platform(id).map(pl -> {
      // what cannot change may be sent back as read (GET, change, PUT), but not changed
      JsonObject stored = json(pl);
      for (String fixed : List.of("issuer", "client_id", "organisation_id")) {
        if (body.containsKey(fixed) && !String.valueOf(body.getValue(fixed)).equals(String.valueOf(stored.getValue(fixed)))) {
          throw Invalid.field(fixed, "lti_fixed", fixed + " cannot change: a platform with another one is another registration", fixed);
        }
      }
      return pl;
    }).compose(pl -> lti.update(Access.principal(ctx), id, settings)).onSuccess(pl -> Json.send(ctx, 200, json(pl))).onFailure(ctx::fail);
  }

  /** Deployment ids as an admin types them: separated by commas or spaces. */
  private static List<String> typedDeployments(String raw) {
    return Arrays.asList(Optional.ofNullable(raw).orElse("").split("[,\\s]+"));
  }

  private static boolean enabled(String raw) {
    if ("true".equals(raw) || "false".equals(raw)) {
      return Boolean.parseBoolean(raw);
    }
    throw Invalid.field("enabled", "lti_enabled", "say whether the platform is switched on (true) or off (false)");
  }

  private static JsonObject json(LtiRepository.Platform p) {
    return new JsonObject().put("id", p.id()).put("name", p.name()).put("issuer", p.issuer()).put("client_id", p.clientId())
        .put("auth_url", p.authUrl()).put("token_url", p.tokenUrl()).put("jwks_url", p.jwksUrl())
        .put("organisation_id", p.organisationId()).put("instructor_role", p.instructorRole().code())
        .put("deployment_ids", new JsonArray(p.deployments())).put("enabled", p.enabled());
  }

  private static long organisation(String raw) {
    try {
      return Long.parseLong(raw == null ? "" : raw.strip());
    } catch (NumberFormatException e) {
      throw Invalid.field("organisation_id", "lti_organisation", "choose the organisation whose members arrive from this platform");
    }
  }

  /** The role as typed, or null when it names none (the service says which roles a platform's instructors may take). */
  private static Role instructorRole(String raw) {
    return Role.of(raw == null ? "" : raw.strip()).orElse(null);
  }
}
