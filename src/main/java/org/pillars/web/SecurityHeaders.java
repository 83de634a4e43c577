package org.pillars.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.pillars.http.Pages;

/** Headers on every response, pages, files and errors alike. No inline script is ever allowed. */
public final class SecurityHeaders implements Handler<RoutingContext> {

  private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' %s; img-src 'self'; "
      + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors 'none'";
  static final String HSTS = "max-age=31536000; includeSubDomains";

  private final boolean https;
  private final String csp;

  /**
   * {@code https}: the site is served over HTTPS (its cookies are Secure), so browsers are told to use nothing
   * else for a year; never in development over plain http, where the header would lock the browser out.
   * {@code styleSource}: the hash of the one inline style sheet pages carry ({@link Pages#styleSource()}).
   */
  public SecurityHeaders(boolean https, String styleSource) {
    if (!styleSource.matches("'sha256-[A-Za-z0-9+/]+={0,2}'")) {
      throw new IllegalArgumentException("not a style hash source: " + styleSource);
    }
    this.https = https;
    this.csp = CSP.formatted(styleSource);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (https) {
      response.putHeader("Strict-Transport-Security", HSTS);
    }
    response.putHeader("Content-Security-Policy", csp)
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
