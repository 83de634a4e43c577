package org.pillars.lti;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.vertx.core.Future;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pillars.core.Unauthenticated;
import org.pillars.core.Unavailable;

/**
 * The platforms' public key sets, fetched from each platform's key set address and kept for their lifetime (the
 * answer's {@code Cache-Control: max-age}, else an hour, within a minute and a day). A {@code kid} not in the set kept
 * fetches the set again (the platform may have rotated its key), at most once every ten seconds per platform. While
 * the platform cannot be reached, or answers nonsense, the set kept is used until its lifetime ends.
 */
final class PlatformKeys {

  static final long DEFAULT_LIFETIME_MS = 3_600_000;
  private static final long MIN_LIFETIME_MS = 60_000;
  private static final long MAX_LIFETIME_MS = 86_400_000;
  private static final long REFETCH_GAP_MS = 10_000;
  private static final int MAX_BYTES = 64 * 1024;
  private static final Pattern MAX_AGE = Pattern.compile("max-age=(\\d{1,9})");

  private record Kept(JWKSet set, long fetchedAt, long lifetimeMs) {
    boolean fresh(long now) {
      return now < fetchedAt + lifetimeMs;
    }
  }

  private final WebClient client;
  private final Clock clock;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();
  private final Map<String, Long> lastFetch = new ConcurrentHashMap<>();

  PlatformKeys(WebClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** The platform's RS256 signing key named {@code kid}; refused when the set (fresh or kept) has none. */
  Future<RSAKey> key(String jwksUrl, String kid) {
    long now = clock.millis();
    Kept known = kept.get(jwksUrl);
    if (known != null && known.fresh(now)) {
      Optional<RSAKey> found = find(known.set(), kid);
      if (found.isPresent()) {
        return Future.succeededFuture(found.get());
      }
      if (now - lastFetch.getOrDefault(jwksUrl, 0L) < REFETCH_GAP_MS) {
        return Future.failedFuture(unknownKey(kid));
      }
    }
    lastFetch.put(jwksUrl, now);
    return fetch(jwksUrl).transform(done -> {
      if (done.succeeded()) {
        kept.put(jwksUrl, done.result());
        return find(done.result().set(), kid).<Future<RSAKey>>map(Future::succeededFuture)
            .orElseGet(() -> Future.failedFuture(unknownKey(kid)));
      }
      if (known != null && known.fresh(clock.millis())) {
        Optional<RSAKey> found = find(known.set(), kid);
        if (found.isPresent()) {
          return Future.succeededFuture(found.get());
        }
      }
      return Future.failedFuture(new Unavailable("platform_keys", "the platform's key set at " + jwksUrl
          + " could not be read (" + done.cause().getMessage() + "); try the launch again in a minute", 60));
    });
  }

  private Future<Kept> fetch(String url) {
    return client.getAbs(url).putHeader("Accept", "application/json").timeout(10_000).send().map(response -> {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("it answered " + response.statusCode());
      }
      Buffer body = response.body();
      if (body == null || body.length() > MAX_BYTES) {
        throw new IllegalStateException("its answer is empty or larger than " + MAX_BYTES + " bytes");
      }
      JWKSet set;
      try {
        set = JWKSet.parse(body.toString());
      } catch (java.text.ParseException e) {
        throw new IllegalStateException("it is not a JSON Web Key Set: " + e.getMessage());
      }
      return new Kept(set, clock.millis(), lifetime(response));
    });
  }

  private static long lifetime(HttpResponse<Buffer> response) {
    String cache = response.getHeader("Cache-Control");
    if (cache == null) {
      return DEFAULT_LIFETIME_MS;
    }
    Matcher m = MAX_AGE.matcher(cache);
    if (!m.find()) {
      return DEFAULT_LIFETIME_MS;
    }
    return Math.max(MIN_LIFETIME_MS, Math.min(MAX_LIFETIME_MS, Long.parseLong(m.group(1)) * 1000));
  }

  private static Optional<RSAKey> find(JWKSet set, String kid) {
    JWK jwk = set.getKeyByKeyId(kid);
    if (!(jwk instanceof RSAKey rsa) || (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse()))
        || (jwk.getAlgorithm() != null && !JWSAlgorithm.RS256.equals(jwk.getAlgorithm()))) {
      return Optional.empty();
    }
    return Optional.of(rsa);
  }

  private static Unauthenticated unknownKey(String kid) {
    return new Unauthenticated("lti_unknown_key", "the launch is signed with a key (kid " + kid
        + ") that is not in the platform's key set");
  }
}
