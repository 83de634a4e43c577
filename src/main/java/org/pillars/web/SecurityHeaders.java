package org.pillars.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Headers on every response, pages, files and errors alike. No inline script is ever allowed. */
public final class SecurityHeaders implements Handler<RoutingContext> {

  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";
  static final String HSTS = "max-age=31536000; includeSubDomains";

  private final boolean https;
  private final java.util.function.Function<RoutingContext, java.util.Set<String>> frameAncestors;

  /**
   * {@code https}: the site is served over HTTPS (its cookies are Secure), so browsers are told to use nothing
   * else for a year; never in development over plain http, where the header would lock the browser out.
   */
  public SecurityHeaders(boolean https) {
    this(https, ctx -> java.util.Set.of());
  }

  /**
   * {@code frameAncestors}: the sites (origins of registered LTI platforms) that may show this response in a frame, as
   * Moodle shows an external tool; every other site is still refused, and with none the page may not be framed at all.
   */
  public SecurityHeaders(boolean https, java.util.function.Function<RoutingContext, java.util.Set<String>> frameAncestors) {
    this.https = https;
    this.frameAncestors = frameAncestors;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (https) {
      response.putHeader("Strict-Transport-Security", HSTS);
    }
    java.util.Set<String> ancestors = frameAncestors.apply(ctx);
    if (ancestors.isEmpty()) {
      response.putHeader("X-Frame-Options", "DENY");
      response.putHeader("Content-Security-Policy", CSP);
    } else {
      // X-Frame-Options names no list of sites; frame-ancestors, which browsers obey over it, does
      response.putHeader("Content-Security-Policy", CSP.replace("frame-ancestors 'none'",
          "frame-ancestors 'self' " + String.join(" ", new java.util.TreeSet<>(ancestors))));
    }
    response
        .putHeader("X-Content-Type-Options", "nosniff")
        // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on form posts, which the
        // CSRF origin check must refuse; same-origin still keeps setup and certificate codes from other sites
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    ctx.next();
  }
}
