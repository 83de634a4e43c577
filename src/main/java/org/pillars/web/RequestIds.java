package org.pillars.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.pillars.Logging;

/**
 * The first handler: every request gets an id, sent back as {@code X-Request-Id} and put on each log line written
 * while it is served. A trusted proxy's id (PILLARS_TRUSTED_PROXIES) is kept, so that one id follows a request
 * through the load balancer and here; anyone else's is ignored, and one is made.
 */
final class RequestIds implements Handler<RoutingContext> {

  static final String HEADER = "X-Request-Id";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private final Set<String> trustedProxies;

  RequestIds(Set<String> trustedProxies) {
    this.trustedProxies = Set.copyOf(trustedProxies);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    var peer = ctx.request().remoteAddress();
    boolean trusted = peer != null && trustedProxies.contains(peer.hostAddress());
    String id = trusted && given != null && SAFE.matcher(given).matches() ? given : made();
    Logging.requestId(id);
    ctx.put(Logging.REQUEST_ID, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /**
   * 64 random bits: unique enough to find a request's lines, and never a secret (the id is sent back and logged),
   * so the thread's own generator serves; SecureRandom took a lock and a provider lookup at every request.
   */
  private static String made() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }
}
