package org.pillars.auth;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.regex.Pattern;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;
import org.pillars.core.NotFound;
import org.pillars.core.Invalid;
import org.pillars.core.Throttled;
import org.pillars.core.Unauthenticated;
import org.pillars.core.Principal;
import org.pillars.core.Role;
import org.pillars.core.Access;
import org.pillars.core.Routes;

/** Logging in and out (pages and API), changing one's password, and the admin's role and access switches. */
public final class AuthRoutes implements Routes {

  private static final Pattern LOCAL_PATH = Pattern.compile("/(?![/\\\\])[^\\\\\\p{Cntrl}\\s]{0,500}");

  private final AuthService auth;
  private final Authn authn;
  private final Pages pages;

  public AuthRoutes(AuthService auth, Authn authn, Pages pages) {
    this.auth = auth;
    this.authn = authn;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    router.get("/login").handler(Access.anyone()).handler(this::loginPage);
    router.post("/login").handler(Access.anyone()).handler(this::loginForm);
    router.post("/logout").handler(Access.signedIn()).handler(this::logoutForm);
    router.get("/account/password").handler(Access.signedIn()).handler(this::passwordPage);
    router.post("/account/password").handler(Access.signedIn()).handler(this::passwordForm);

    router.post("/api/auth/token").handler(Access.anyone()).handler(this::token);
    router.post("/api/auth/logout").handler(Access.signedIn()).handler(this::logoutApi);
    router.get("/api/me").handler(Access.signedIn()).handler(this::me);
    router.post("/api/account/password").handler(Access.signedIn()).handler(this::passwordApi);
    router.post("/api/admin/accounts").handler(Access.roles(Role.ADMIN)).handler(this::createAccount);
    router.put("/api/admin/accounts/:accountId/role").handler(Access.roles(Role.ADMIN)).handler(this::setRole);
    router.post("/api/admin/accounts/:accountId/disable").handler(Access.roles(Role.ADMIN)).handler(ctx -> setDisabled(ctx, true));
    router.post("/api/admin/accounts/:accountId/enable").handler(Access.roles(Role.ADMIN)).handler(ctx -> setDisabled(ctx, false));
    router.post("/api/admin/accounts/:accountId/setup-code").handler(Access.roles(Role.ADMIN)).handler(this::setupCode);
  }

  private String t(RoutingContext ctx, String key, Object... args) {
    return pages.messages().get(Language.of(ctx), key, args);
  }

  private void loginPage(RoutingContext ctx) {
    if (Access.current(ctx).isPresent()) {
      Pages.seeOther(ctx, next(ctx.request().getParam("next")));
      return;
    }
    renderLogin(ctx, 200, null, "");
  }

  private void renderLogin(RoutingContext ctx, int status, String error, String username) {
    Map<String, Object> model = pages.model(ctx, t(ctx, "login.title"));
    model.put("next", next(ctx.request().getParam("next")));
    model.put("error", error);
    model.put("username", username);
    pages.send(ctx, status, "login", model);
  }

  private void loginForm(RoutingContext ctx) {
    String username = ctx.request().getFormAttribute("username");
    String password = ctx.request().getFormAttribute("password");
    login(ctx, username, password).onSuccess(result -> {
      if (result instanceof AuthService.Login.Success s) {
        ctx.response().addCookie(authn.cookie(ctx, s.token(), auth.tokens().minutes() * 60L));
        Pages.seeOther(ctx, next(ctx.request().getFormAttribute("next")));
      } else if (result instanceof AuthService.Login.Throttled th) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(th.retryAfterSeconds()));
        renderLogin(ctx, 429, t(ctx, "login.throttled", th.retryAfterSeconds()), username == null ? "" : username);
      } else {
        renderLogin(ctx, 401, t(ctx, "login.refused"), username == null ? "" : username);
      }
    }).onFailure(ctx::fail);
  }

  /** A login from this request's address and device cookie; on success, pages and API alike renew the device cookie. */
  private Future<AuthService.Login> login(RoutingContext ctx, String username, String password) {
    return login(auth, authn, ctx, username, password);
  }

  /**
   * The one login of the site (the login form, the API, and a learner's first password): from this request's address
   * and device cookie; on success the device cookie is renewed.
   */
  static Future<AuthService.Login> login(AuthService auth, Authn authn, RoutingContext ctx, String username, String password) {
    Cookie device = ctx.request().getCookie(DeviceCookies.COOKIE);
    return auth.login(username, password, authn.clientAddress(ctx), device == null ? null : device.getValue()).map(result -> {
      if (result instanceof AuthService.Login.Success s) {
        ctx.response().addCookie(authn.deviceCookie(s.deviceCookie()));
      }
      return result;
    });
  }

  private void logoutForm(RoutingContext ctx) {
    auth.logout(Access.principal(ctx)).onSuccess(v -> {
      ctx.response().addCookie(authn.cookie(ctx, "", 0));
      if (ctx.request().getCookie(Authn.EMBEDDED_COOKIE) != null) {
        authn.embeddedSession(ctx, "", 0);
      }
      Pages.seeOther(ctx, "/");
    }).onFailure(ctx::fail);
  }

  private void passwordPage(RoutingContext ctx) {
    renderPassword(ctx, 200, null, false);
  }

  private void renderPassword(RoutingContext ctx, int status, String error, boolean done) {
    Map<String, Object> model = pages.model(ctx, t(ctx, "password.title"));
    model.put("error", error);
    model.put("done", done);
    pages.send(ctx, status, "password", model);
  }

  private void passwordForm(RoutingContext ctx) {
    auth.changePassword(Access.principal(ctx), ctx.request().getFormAttribute("current"),
            ctx.request().getFormAttribute("password"))
        .onSuccess(v -> renderPassword(ctx, 200, null, true))
        .onFailure(e -> {
          if (e instanceof AuthService.PasswordRejected r) {
            renderPassword(ctx, 400, t(ctx, r.getMessage(), PasswordPolicy.MIN, PasswordPolicy.MAX), false);
          } else {
            ctx.fail(e);
          }
        });
  }

  private void token(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    String username = Json.text(body, "username", 200);
    String password = Json.text(body, "password", 1000);
    login(ctx, username, password).onSuccess(result -> {
      if (result instanceof AuthService.Login.Success s) {
        Json.send(ctx, 200, new JsonObject().put("token", s.token()).put("tokenType", "Bearer")
            .put("expiresIn", auth.tokens().minutes() * 60));
      } else if (result instanceof AuthService.Login.Throttled th) {
        ctx.fail(new Throttled("too many failed logins; try again in " + th.retryAfterSeconds() + " s", th.retryAfterSeconds()));
      } else {
        ctx.fail(new Unauthenticated("invalid_credentials", "wrong username or password"));
      }
    }).onFailure(ctx::fail);
  }

  private void logoutApi(RoutingContext ctx) {
    auth.logout(Access.principal(ctx)).onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    Principal p = Access.principal(ctx);
    Json.send(ctx, 200, new JsonObject().put("id", p.accountId()).put("username", p.username())
        .put("displayName", p.displayName()).put("role", p.role().code()).put("organisation", p.organisationId()));
  }

  private void passwordApi(RoutingContext ctx) {
    JsonObject body = Json.body(ctx);
    auth.changePassword(Access.principal(ctx), Json.text(body, "current", 1000), Json.text(body, "password", 1000))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> ctx.fail(e instanceof AuthService.PasswordRejected r
            ? new Invalid("password_rejected", pages.messages().get("en", r.getMessage(), PasswordPolicy.MIN, PasswordPolicy.MAX))
            : e));
  }

  private void setRole(RoutingContext ctx) {
    long id = accountId(ctx);
    Role role = AuthService.role(Json.text(Json.body(ctx), "role", 20));
    auth.setRole(Access.principal(ctx).accountId(), id, role).onSuccess(found -> {
      if (!found) {
        ctx.fail(new NotFound("there is no such account"));
      } else {
        ctx.response().setStatusCode(204).end();
      }
    }).onFailure(ctx::fail);
  }

  private void setDisabled(RoutingContext ctx, boolean disabled) {
    auth.setDisabled(Access.principal(ctx).accountId(), accountId(ctx), disabled).onSuccess(found -> {
      if (!found) {
        ctx.fail(new NotFound("there is no such account"));
      } else {
        ctx.response().setStatusCode(204).end();
      }
    }).onFailure(ctx::fail);
  }

  private void createAccount(RoutingContext ctx) {
    JsonObject b = Json.body(ctx);
    String username = Json.text(b, "username", 64).strip().toLowerCase(java.util.Locale.ROOT);
    Role role = AuthService.role(Json.text(b, "role", 20));
    Object org = b.getValue("organisation");
    if (!(org instanceof Number)) {
      throw new Invalid("'organisation' must be an organisation id");
    }
    auth.createAccount(Access.principal(ctx).accountId(), ((Number) org).longValue(), username, Json.text(b, "displayName", 200), role)
        .onSuccess(setup -> Json.send(ctx, 201, new JsonObject().put("username", username).put("setupCode", setup)))
        .onFailure(ctx::fail);
  }

  /** An admin's reset of any account (a coordinator who lost their password): a new set-up code, shown once. */
  private void setupCode(RoutingContext ctx) {
    auth.reissueSetupCode(Access.principal(ctx).accountId(), accountId(ctx))
        .onSuccess(code -> Json.send(ctx, 201, new JsonObject().put("setupCode", code))).onFailure(ctx::fail);
  }

  private static long accountId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("accountId"));
    } catch (NumberFormatException e) {
      throw new NotFound("there is no such account");
    }
  }

  /** Where to go after logging in: a path on this site only, never another site. */
  static String next(String candidate) {
    return candidate != null && LOCAL_PATH.matcher(candidate).matches() && !candidate.startsWith("/login")
        ? candidate : "/home";
  }

}
