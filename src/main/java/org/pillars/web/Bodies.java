package org.pillars.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.pillars.config.AppConfig;
import org.pillars.core.Access;
import org.pillars.core.Invalid;
import org.pillars.core.Unavailable;
import org.pillars.core.Unsupported;

/**
 * Reads request bodies, at most {@link AppConfig#maxBodyBytes()} of them. Forms, JSON and CSV are read into
 * memory, never to a file, as soon as the request arrives. A multipart body is written to a temporary file only for a signed-in request to a
 * route that takes an upload ({@link org.pillars.core.Routes#uploads()}), and only while fewer than
 * {@link AppConfig#maxUploads()} uploads are open; anywhere else it is refused unread. A body that sends
 * nothing for {@link AppConfig#bodyIdleSeconds()} has its connection closed and its temporary file deleted.
 *
 * <p>A body that the HTTP decoder refuses (more fields or parts than {@code HttpServerOptions.getMaxFormFields()},
 * a field longer than its limits, a part header that is not one, a bad % escape) is the client's mistake: a 400
 * with a reason, decided here where the decoding happens.
 */
final class Bodies {

  private static final Logger LOG = Logger.getLogger(Bodies.class.getName());

  /** Present while the body is being read and decoded; gone once the route goes on with it. */
  private static final String DECODING = "pillars.decoding";
  /** Present when the route takes an upload. */
  private static final String UPLOAD_ROUTE = "pillars.uploadRoute";
  private static final long RETRY_AFTER_SECONDS = 5;
  /** Bodies being watched now, in the whole process (each holds its request until the watch stops). */
  private static final AtomicInteger WATCHING = new AtomicInteger();

  private final BodyHandler forms;
  private final BodyHandler uploads;
  private final Semaphore openUploads;
  private final long idleMillis;
  private final long maxBodyBytes;

  /** {@code openUploads} is shared by every HTTP server instance, so the cap holds for the whole process. */
  Bodies(AppConfig config, Semaphore openUploads) {
    this.forms = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
    this.uploads = BodyHandler.create(config.dataDir().resolve("uploads").toString()).setBodyLimit(config.maxBodyBytes())
        .setDeleteUploadedFilesOnEnd(true);
    this.openUploads = openUploads;
    this.idleMillis = config.bodyIdleSeconds() * 1000L;
    this.maxBodyBytes = config.maxBodyBytes();
  }

  /**
   * Mounted before anything asynchronous (the session check): a body declared larger than the limit is refused
   * at once; any other waits, unread, until we know who sends it and where. Whatever answers first (a refusal,
   * the login page), a body nobody read is then drained and dropped, so that the connection can serve its next
   * request.
   */
  void hold(Router router) {
    router.route().handler(ctx -> {
      HttpServerRequest request = ctx.request();
      if (!hasBody(request)) {
        ctx.next();
        return;
      }
      if (declaredLength(request) > maxBodyBytes) {
        ctx.fail(413);
        return;
      }
      if (!request.isEnded()) {
        watch(ctx);
      }
      if (!multipart(request)) {
        // a form, JSON or CSV is read now, into memory, before anything asynchronous: HTTP/2 delivers a small
        // body with its headers, and a body left unread across the session check would be lost there
        ctx.put(DECODING, Boolean.TRUE);
        forms.handle(ctx);
        return;
      }
      request.pause();
      ctx.addHeadersEndHandler(v -> request.resume());
      ctx.next();
    }).handler(Bodies::decoded);
  }

  private static boolean multipart(HttpServerRequest request) {
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
  }

  private static boolean hasBody(HttpServerRequest request) {
    return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || declaredLength(request) > 0;
  }

  /** The Content-Length, or -1 when there is none or it is not a number (the body then ends where it ends). */
  private static long declaredLength(HttpServerRequest request) {
    try {
      String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
      return length == null ? -1 : Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Mounted after the session check and before the CSRF check (a form's token travels in its body). */
  void read(Router router, List<String> uploadRoutes) {
    for (String path : uploadRoutes) {
      router.post(path).handler(ctx -> {
        ctx.put(UPLOAD_ROUTE, Boolean.TRUE);
        ctx.next();
      });
    }
    router.route().handler(this::read).handler(Bodies::decoded).failureHandler(Bodies::undecodable);
  }

  /** Only a multipart body is still unread here: it goes to a file, or is refused unread. */
  private void read(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!hasBody(request) || !multipart(request)) {
      ctx.next();
    } else if (ctx.get(UPLOAD_ROUTE) == null) {
      ctx.fail(new Unsupported("this address takes no file: send a form or JSON"));
    } else if (Access.current(ctx).isEmpty()) {
      ctx.next();  // left unread: the route's guard sends the caller to sign in
    } else if (!openUploads.tryAcquire()) {
      ctx.fail(new Unavailable("busy", "too many files are being uploaded at once: try again in a moment", RETRY_AFTER_SECONDS));
    } else {
      ctx.addEndHandler(done -> openUploads.release());
      ctx.put(DECODING, Boolean.TRUE);
      uploads.handle(ctx);
    }
  }

  /**
   * Until the body has ended: closes the connection when nothing more came for the idle timeout, or when more
   * came than the body limit (a body refused or dropped is drained only that far), deleting any file it was
   * uploading. Checked ten times per timeout, so the connection goes at most a tenth late.
   */
  private void watch(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    long[] seen = {request.bytesRead(), System.nanoTime()};
    WATCHING.incrementAndGet();
    long watching = ctx.vertx().setPeriodic(Math.max(50, idleMillis / 10), timer -> {
      if (request.isEnded() || ctx.response().closed()) {
        stop(ctx, timer);
        return;
      }
      long read = request.bytesRead();
      long now = System.nanoTime();
      boolean idle = read == seen[0] && (now - seen[1]) / 1_000_000 >= idleMillis;
      if (read != seen[0]) {
        seen[0] = read;
        seen[1] = now;
      }
      if (idle || read > maxBodyBytes) {
        stop(ctx, timer);
        LOG.fine(() -> "closing " + request.method() + " " + request.path() + " after " + read + " bytes: "
            + (read > maxBodyBytes ? "over the body limit" : "idle"));
        ctx.cancelAndCleanupFileUploads();
        request.connection().close();
      }
    });
    // a body that ends stops the watch at once: a timer left to find it ended holds the whole request (context,
    // stream, headers, body) until its next tick, and under HTTP/2, where a body comes after its headers, that was
    // every POST of the last tenth of the idle timeout (1,500 requests held at 700 quiz cycles/s)
    request.end().onComplete(ended -> stop(ctx, watching));
  }

  private static void stop(RoutingContext ctx, long timer) {
    if (ctx.vertx().cancelTimer(timer)) {
      WATCHING.decrementAndGet();
    }
  }

  /** How many request bodies are being watched in this process now. */
  static int watching() {
    return WATCHING.get();
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
