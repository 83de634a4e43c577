package org.pillars.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.pillars.config.AppConfig;
import org.pillars.core.Invalid;

/**
 * Reads request bodies, at most {@link AppConfig#maxBodyBytes()} of them. A body that the HTTP decoder refuses
 * (more fields or parts than {@code HttpServerOptions.getMaxFormFields()}, a field longer than its limits, a part
 * header that is not one, a bad % escape) is the client's mistake: a 400 with a reason, decided here where the
 * decoding happens.
 */
final class Bodies {

  /** Present while the body is being read and decoded; gone once the route goes on with it. */
  private static final String DECODING = "pillars.decoding";

  private final BodyHandler handler;

  Bodies(AppConfig config) {
    this.handler = BodyHandler.create(true).setBodyLimit(config.maxBodyBytes())
        .setUploadsDirectory(config.dataDir().resolve("uploads").toString()).setDeleteUploadedFilesOnEnd(true);
  }

  void mount(Router router) {
    router.route().handler(this::read).handler(Bodies::decoded).failureHandler(Bodies::undecodable);
  }

  private void read(RoutingContext ctx) {
    if (ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD) {
      String length = ctx.request().getHeader("Content-Length");
      if (length == null || "0".equals(length)) {
        ctx.next();
        return;
      }
    }
    ctx.put(DECODING, Boolean.TRUE);
    handler.handle(ctx);
  }

  private static void decoded(RoutingContext ctx) {
    ctx.remove(DECODING);
    ctx.next();
  }

  /**
   * BodyHandler fails the request with 400 when the decoder throws (a {@code DecoderException}, whose cause it
   * passes on, whatever that cause is); while decoding, that status is the decoder's verdict on the body.
   */
  private static void undecodable(RoutingContext ctx) {
    if (ctx.remove(DECODING) != null && ctx.statusCode() == 400) {
      ctx.fail(new Invalid("the form cannot be decoded: too many fields or parts, a field too long, a malformed part "
          + "header or a % not followed by two hexadecimal digits"));
      return;
    }
    ctx.next();
  }
}
