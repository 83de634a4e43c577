package org.pillars.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import org.pillars.config.IpRange;
import org.pillars.core.Access;
import org.pillars.metrics.Meters;

/**
 * {@code GET /metrics} in the Prometheus text format, for a scraper: from the addresses of PILLARS_METRICS_ADDRESSES
 * (the TCP peer's, so a forwarded header cannot claim one), or from anywhere with the bearer token of
 * PILLARS_METRICS_TOKEN. The meters say how busy the server is and how many logins fail: not for everyone.
 */
final class MetricsRoutes {

  private static final String FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private final Meters meters;
  private final List<IpRange> addresses;
  private final Optional<byte[]> token;

  MetricsRoutes(Meters meters, List<IpRange> addresses, Optional<String> token) {
    this.meters = meters;
    this.addresses = List.copyOf(addresses);
    this.token = token.map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8));
  }

  void mount(Router router) {
    router.get("/metrics").handler(Access.when(this::scraper, "metrics are served to the addresses of "
        + "PILLARS_METRICS_ADDRESSES, or with the token of PILLARS_METRICS_TOKEN, only")).handler(this::metrics);
  }

  private boolean scraper(RoutingContext ctx) {
    var peer = ctx.request().remoteAddress();
    if (peer != null && addresses.stream().anyMatch(range -> range.contains(peer.hostAddress()))) {
      return true;
    }
    String given = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    // the whole header compared in constant time: how long a guess matched says nothing
    return token.isPresent() && given != null && MessageDigest.isEqual(token.get(), given.getBytes(StandardCharsets.UTF_8));
  }

  private void metrics(RoutingContext ctx) {
    ctx.vertx().executeBlocking(meters::scrape, false)
        .onSuccess(text -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, FORMAT)
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(text))
        .onFailure(ctx::fail);
  }
}
