package org.pillars.core;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call a route, stated on the route itself: {@code anyone()}, {@code signedIn()} or
 * {@code roles(...)}. A page asked for without being signed in sends the browser to the login page;
 * the API answers 401.
 */
public final class Access {

  private static final String PRINCIPAL = "pillars.principal";
  private static final String ADMITTED = "pillars.admitted";

  private Access() {
  }

  public static Handler<RoutingContext> anyone() {
    return Access::admit;
  }

  public static Handler<RoutingContext> signedIn() {
    return roles(Role.values());
  }

  /**
   * A route for callers that are not accounts (a metrics scraper, say): those {@code allowed} says yes to, whether or
   * not anyone is signed in; anyone else is refused with {@code reason}.
   */
  public static Handler<RoutingContext> when(java.util.function.Predicate<RoutingContext> allowed, String reason) {
    return ctx -> {
      if (allowed.test(ctx)) {
        admit(ctx);
      } else {
        ctx.fail(new Forbidden(reason));
      }
    };
  }

  public static Handler<RoutingContext> roles(Role... roles) {
    Set<Role> allowed = EnumSet.of(roles[0], roles);
    return ctx -> {
      var principal = current(ctx);
      if (principal.isEmpty()) {
        notSignedIn(ctx);
      } else if (!allowed.contains(principal.get().role())) {
        ctx.fail(new Forbidden("your role may not do this"));
      } else {
        admit(ctx);
      }
    };
  }

  /**
   * Once the caller may use the route: the check the HTTP layer left for admitted requests (the API description's,
   * see {@link #onAdmission}) runs now, after the 401 or 403 a caller who may not use the route gets instead.
   */
  private static void admit(RoutingContext ctx) {
    Handler<RoutingContext> check = ctx.get(ADMITTED);
    if (check == null) {
      ctx.next();
    } else {
      ctx.remove(ADMITTED);
      check.handle(ctx);
    }
  }

  /** The HTTP layer's check for a request its route admits; it calls {@code ctx.next()} or fails the request. */
  public static void onAdmission(RoutingContext ctx, Handler<RoutingContext> check) {
    ctx.put(ADMITTED, check);
  }

  /** The principal of a route guarded by {@link #signedIn()} or {@link #roles}. */
  public static Principal principal(RoutingContext ctx) {
    return current(ctx).orElseThrow(() -> new Unauthenticated("sign in first"));
  }

  /** The signed-in account of this request, if the authentication step found one. */
  public static Optional<Principal> current(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(PRINCIPAL));
  }

  /** Called by the authentication step once the token and its session are checked. */
  public static void signIn(RoutingContext ctx, Principal principal) {
    ctx.put(PRINCIPAL, principal);
  }

  private static void notSignedIn(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path.startsWith("/api/")) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ctx.fail(new Unauthenticated("sign in first: POST /api/auth/token"));
      return;
    }
    String next = ctx.request().method().name().equals("GET") ? ctx.request().uri() : "/";
    ctx.response().setStatusCode(303)
        .putHeader(HttpHeaders.LOCATION, "/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8))
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end();
  }
}
