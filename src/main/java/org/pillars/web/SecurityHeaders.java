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

  /**
   * {@code https}: the site is served over HTTPS (its cookies are Secure), so browsers are told to use nothing
   * else for a year; never in development over plain http, where the header would lock the browser out.
   */
  public SecurityHeaders(boolean https) {
    this.https = https;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (https) {
      response.putHeader("Strict-Transport-Security", HSTS);
    }
    response.putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" on form posts, which the
        // CSRF origin check must refuse; same-origin still keeps setup and certificate codes from other sites
        .putHeader("Referrer-Policy", "same-origin")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin")
        .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    ctx.next();
  }
}
