package org.pillars.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.pillars.core.Conflict;
import org.pillars.core.Forbidden;
import org.pillars.core.Invalid;
import org.pillars.core.NotFound;
import org.pillars.core.Refusal;
import org.pillars.core.Throttled;
import org.pillars.core.Unauthenticated;
import org.pillars.core.Unavailable;
import org.pillars.core.Unsupported;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.pillars.http.Json;
import org.pillars.http.Pages;
import org.pillars.http.Language;

/**
 * The one error shape: an HTML page for browsers, {@code {"error": code, "message": reason}} for the API
 * and for clients that ask for JSON. A stack trace goes to the log, never to the user.
 */
public final class ErrorHandler {

  private static final Logger LOG = Logger.getLogger(ErrorHandler.class.getName());

  static final String RETRY_AFTER_SECONDS = "5";

  private final Pages pages;
  private final long maxBodyBytes;

  public ErrorHandler(Pages pages, long maxBodyBytes) {
    this.pages = pages;
    this.maxBodyBytes = maxBodyBytes;
  }

  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    String code;
    String message;
    String lang = Language.of(ctx);
    if (failure instanceof Refusal refusal) {
      status = statusOf(refusal);
      code = refusal.code();
      message = refusal.getMessage();
      long retryAfter = refusal instanceof Throttled t ? t.retryAfterSeconds()
          : refusal instanceof Unavailable u ? u.retryAfterSeconds() : 0;
      if (retryAfter > 0) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
      }
    } else if (databaseUnavailable(failure)) {
      // the pool reconnects by itself once PostgreSQL is back: tell clients when to retry, keep the log to one line
      status = 503;
      code = "unavailable";
      message = pages.messages().get(lang, "error.503.reason");
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
      LOG.warning(() -> "database unavailable for " + ctx.request().method() + " " + ctx.request().path() + ": " + failure);
    } else if (failure instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      // SQLSTATE class 22 (data exception): a value from the request that PostgreSQL cannot take, such as a NUL
      // character in a text or a number out of range; every query is parameterised, so this is bad input
      status = 400;
      code = "invalid";
      message = "a value in the request cannot be stored (for example a NUL character, or a number or date out of range)";
    } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      status = ctx.statusCode();
      code = codeFor(status);
      message = pages.messages().get(lang, "error." + status + ".reason", maxBodyBytes);
    } else {
      status = 500;
      code = "internal";
      message = pages.messages().get(lang, "error.500.reason");
      LOG.log(Level.SEVERE, "failed " + ctx.request().method() + " " + ctx.request().path(), failure);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    if (wantsJson(ctx)) {
      Json.send(ctx, status, new JsonObject().put("error", code).put("message", message));
      return;
    }
    // a refusal a person reads: in their language when the reason has a translation (invalid.<code>)
    String detail = null;
    String heading = pages.messages().get(lang, "error." + status + ".title");
    String family = failure instanceof Refusal r && (status == 401 || status == 403) && r.code() != null && r.code().contains("_")
        ? r.code().substring(0, r.code().indexOf('_')) : null;
    if (failure instanceof Invalid invalid && pages.messages().explains(lang, invalid)) {
      message = pages.messages().reason(lang, invalid);
    } else if (failure instanceof Refusal refusal && pages.messages().keys(lang).contains("refusal." + refusal.code())) {
      // a refusal with a sentence of its own for people (refusal.<code>), in their language
      message = pages.messages().get(lang, "refusal." + refusal.code());
    } else if (family != null && pages.messages().keys(lang).contains("refusal." + family + ".family")) {
      // a refusal of a family with words of its own for people (the code's first word: lti_kid is an lti refusal),
      // those words first and the precise reason (in English) after them, for whoever must fix it
      detail = message;
      message = pages.messages().get(lang, "refusal." + family + ".family");
      heading = pages.messages().get(lang, "refusal." + family + ".title");
    } else if (failure instanceof Refusal && !"en".equals(lang) && pages.messages().keys(lang).contains("error." + status + ".reason")) {
      // no translation of this reason: the page's language first, the precise reason (in English) after it
      detail = message;
      message = pages.messages().get(lang, "error." + status + ".reason", maxBodyBytes);
    }
    Map<String, Object> model = pages.model(ctx, heading);
    model.put("status", status);
    model.put("heading", heading);
    model.put("message", message);
    model.put("detail", detail);
    model.put("back", backTo(ctx));
    try {
      pages.send(ctx, status, "error", model);
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "the error page itself failed", e);
      ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(message);
    }
  }

  /** The page the form was sent from, on this site only: where to go back and correct it. */
  private static String backTo(RoutingContext ctx) {
    String referer = ctx.request().getHeader(HttpHeaders.REFERER);
    String host = ctx.request().authority() == null ? null : ctx.request().authority().toString();
    if (referer == null || host == null || !"POST".equals(ctx.request().method().name())) {
      return null;
    }
    for (String scheme : new String[] {"http://", "https://"}) {
      String origin = scheme + host + "/";
      // a path of this site only: never '//' or '/\' (both read as another host), never a control character
      if (referer.startsWith(origin) && !referer.startsWith(origin + "/") && referer.chars().noneMatch(ch -> ch < 0x20 || ch == '\\')) {
        return referer.substring(origin.length() - 1);
      }
    }
    return null;
  }

  /**
   * Whether the request failed because PostgreSQL cannot be reached or went away: a refused, reset or dropped
   * connection, no connection free in time, or the server shutting down or starting up (SQLSTATE class 08,
   * 57P01-57P03).
   */
  public static boolean databaseUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // IOException covers refused, reset and closed connections (ConnectException, Netty's native errors)
      if (t instanceof java.io.IOException || t instanceof io.vertx.sqlclient.ClosedConnectionException
          || t instanceof java.util.concurrent.TimeoutException) {
        return true;
      }
      if (t instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null
          && (pg.getSqlState().startsWith("08") || pg.getSqlState().matches("57P0[123]"))) {
        return true;
      }
    }
    return false;
  }

  /** The one place where a kind of refusal becomes an HTTP status. */
  static int statusOf(Refusal refusal) {
    if (refusal instanceof NotFound) {
      return 404;
    } else if (refusal instanceof Invalid) {
      return 400;
    } else if (refusal instanceof Forbidden) {
      return 403;
    } else if (refusal instanceof Conflict) {
      return 409;
    } else if (refusal instanceof Unauthenticated) {
      return 401;
    } else if (refusal instanceof Throttled) {
      return 429;
    } else if (refusal instanceof Unsupported) {
      return 415;
    } else if (refusal instanceof Unavailable) {
      return 503;
    }
    throw new IllegalStateException("no status for " + refusal.getClass());
  }

  private static boolean wantsJson(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path != null && (path.equals("/api") || path.startsWith("/api/") || path.equals("/health"))) {
      return true;
    }
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    return accept != null && accept.contains("application/json") && !accept.contains("text/html");
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 400 -> "invalid";
      case 401 -> "unauthenticated";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "too_large";
      default -> "error";
    };
  }
}
