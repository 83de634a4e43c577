package org.pillars.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.pillars.core.Invalid;
import org.pillars.core.Unsupported;

/** Reading and writing JSON bodies of the API, with one answer for a body that is not what we asked for. */
public final class Json {

  private Json() {
  }

  /** Where the HTTP layer leaves a request body it has parsed and checked against the API description. */
  public static final String CHECKED_BODY = "pillars.checkedBody";

  /** The request body as a JSON object, or a 400 saying why not. */
  public static JsonObject body(RoutingContext ctx) {
    if (ctx.get(CHECKED_BODY) instanceof JsonObject checked) {
      return checked;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      throw new Unsupported("unsupported_media_type", "send the body as application/json");
    }
    if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
      throw new Invalid("the body is empty: send a JSON object");
    }
    try {
      Object value = ctx.body().buffer().toJsonValue();
      if (value instanceof JsonObject object) {
        return object;
      }
    } catch (RuntimeException e) {
      throw new Invalid("the body is not valid JSON");
    }
    throw new Invalid("the body must be a JSON object");
  }

  /** A required text field of at most {@code max} characters. */
  public static String text(JsonObject body, String field, int max) {
    Object value = body.getValue(field);
    if (!(value instanceof String text) || text.isEmpty()) {
      throw new Invalid("'" + field + "' must be a non-empty string");
    }
    if (text.length() > max) {
      throw new Invalid("'" + field + "' is longer than " + max + " characters");
    }
    return text;
  }

  /** Where the HTTP layer may leave a check of this request's JSON answer against the API description. */
  public static final String RESPONSE_CHECK = "pillars.responseCheck";

  /** A JSON answer about to be sent, for the API description's check (tests turn it on). */
  @FunctionalInterface
  public interface ResponseCheck {
    void check(int status, Buffer body);
  }

  public static void send(RoutingContext ctx, int status, Object body) {
    // straight to bytes; a view record is written by Jackson from its components, with no map in between
    Buffer encoded = body instanceof JsonObject o ? o.toBuffer()
        : body instanceof Buffer ready ? ready // already JSON text
        : io.vertx.core.json.Json.encodeToBuffer(body);
    ResponseCheck check = ctx.get(RESPONSE_CHECK);
    if (check != null) {
      try {
        check.check(status, encoded);
      } catch (RuntimeException e) {
        // called from a future's success handler, a throw would be lost and the request left hanging: fail it instead
        ctx.fail(e);
        return;
      }
    }
    ctx.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(encoded);
  }
}
