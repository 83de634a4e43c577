package org.pillars.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.pillars.core.Access;
import org.pillars.http.Json;
import org.pillars.http.Language;
import org.pillars.http.Pages;
import org.pillars.core.NotFound;
import org.pillars.core.Invalid;
import org.pillars.core.Routes;

/**
 * A new learner's first password, set with the one-time code their coordinator handed them. Open to
 * anyone holding a code; a used, expired or unknown code is simply not found.
 */
public final class SetupRoutes implements Routes {

  private final AuthService auth;
  private final Authn authn;
  private final Pages pages;

  public SetupRoutes(AuthService auth, Authn authn, Pages pages) {
    this.auth = auth;
    this.authn = authn;
    this.pages = pages;
  }

  @Override
  public void mount(Router router) {
    router.get("/setup").handler(Access.anyone()).handler(this::askForCode);
    router.get("/setup/:code").handler(Access.anyone()).handler(this::page);
    router.post("/setup/:code").handler(Access.anyone()).handler(this::form);
    router.post("/api/setup/:code").handler(Access.anyone()).handler(this::api);
  }

  private String t(RoutingContext ctx, String key, Object... args) {
    return pages.messages().get(Language.of(ctx), key, args);
  }

  /** The account's username, kept on the request between the code's check and the sign-in after it. */
  private static final String USERNAME = "pillars.setup.username";

  private Future<AuthRepository.SetupAccount> account(RoutingContext ctx) {
    return auth.setupAccount(ctx.pathParam("code")).map(found -> found.orElseThrow(() -> new NotFound(t(ctx, "setup.unknown"))));
  }

  /**
   * The code typed in (on the login page, or here): to its page, spaces and dashes dropped, in lower case; with no
   * code, the form that asks for it.
   */
  private void askForCode(RoutingContext ctx) {
    String raw = ctx.request().getParam("code");
    String code = raw == null ? "" : raw.replaceAll("[\\s-]", "").toLowerCase(java.util.Locale.ROOT);
    if (!code.isEmpty() && code.matches("[a-z0-9]{1,64}")) {
      Pages.seeOther(ctx, "/setup/" + code);
      return;
    }
    Map<String, Object> model = pages.model(ctx, t(ctx, "setup.title"));
    model.put("askCode", true);
    model.put("error", raw == null || raw.isBlank() ? null : t(ctx, "setup.unknown"));
    pages.sendPersonal(ctx, raw == null || raw.isBlank() ? 200 : 400, "setup", model);
  }

  private void page(RoutingContext ctx) {
    account(ctx).onSuccess(account -> render(ctx, 200, account, null)).onFailure(ctx::fail);
  }

  private void render(RoutingContext ctx, int status, AuthRepository.SetupAccount account, String error) {
    Map<String, Object> model = pages.model(ctx, t(ctx, "setup.title"));
    model.put("username", account.username());
    model.put("name", account.displayName());
    model.put("error", error);
    model.put("action", ctx.request().path());
    pages.sendPersonal(ctx, status, "setup", model);
  }

  /** The form and the API are one call, {@link AuthService#completeSetup}; only the answer differs. */
  private void form(RoutingContext ctx) {
    String password = ctx.request().getFormAttribute("password");
    account(ctx).compose(account -> {
      ctx.put(USERNAME, account.username());
      return auth.completeSetup(ctx.pathParam("code"), password).recover(e -> {
        if (e instanceof AuthService.PasswordRejected r) {
          render(ctx, 400, account, t(ctx, r.getMessage(), PasswordPolicy.MIN, PasswordPolicy.MAX));
          return Future.succeededFuture(null);
        }
        return Future.failedFuture(e);
      });
    }).onSuccess(done -> {
      if (done == null) {
        return;  // the form was shown again with the reason
      }
      if (!done) {
        ctx.fail(new NotFound(t(ctx, "setup.unknown")));
        return;
      }
      // signed in with the password just chosen, as the login form would, and on to their modules
      AuthRoutes.login(auth, authn, ctx, ctx.get(USERNAME), password).onSuccess(result -> {
        if (result instanceof AuthService.Login.Success s) {
          ctx.response().addCookie(authn.cookie(ctx, s.token(), auth.tokens().minutes() * 60L));
          Pages.seeOther(ctx, "/home");
        } else {
          ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/login?next=%2Fhome").end();
        }
      }).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  private void api(RoutingContext ctx) {
    String password = Json.text(Json.body(ctx), "password", 1000);
    auth.completeSetup(ctx.pathParam("code"), password)
        .onSuccess(done -> {
          if (done) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.fail(new NotFound("this code is unknown, used or expired"));
          }
        })
        .onFailure(e -> ctx.fail(e instanceof AuthService.PasswordRejected r
            ? new Invalid("password_rejected", pages.messages().get("en", r.getMessage(), PasswordPolicy.MIN, PasswordPolicy.MAX))
            : e));
  }
}
