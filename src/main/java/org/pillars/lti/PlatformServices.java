package org.pillars.lti;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls to a platform's services (LTI Advantage): an access token by the client-credentials grant with a JWT client
 * assertion signed by the tool key (1EdTech Security Framework 1.0, RFC 7523), kept until a minute before it
 * expires; the course roster (Names and Role Provisioning Services 2.0, page by page along {@code Link: rel="next"});
 * and a score posted to a line item (Assignment and Grade Services 2.0).
 */
final class PlatformServices {

  static final String SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score";
  static final String SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly";
  private static final int MAX_PAGES = 50;
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  /** A platform's service answered with a status that says trying again may work (5xx, 429) or not (other 4xx). */
  static final class ServiceFailure extends RuntimeException {
    final boolean retry;

    ServiceFailure(String message, boolean retry) {
      super(message, null, false, false);
      this.retry = retry;
    }
  }

  /** One member of a course as the roster gives them. */
  record Member(String userId, String name, List<String> roles, String status) { }

  private record Token(String value, Instant expires) { }

  private final WebClient client;
  private final ToolKeys keys;
  private final Clock clock;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  PlatformServices(WebClient client, ToolKeys keys, Clock clock) {
    this.client = client;
    this.keys = keys;
    this.clock = clock;
  }

  Future<String> token(LtiRepository.Platform platform, String scope) {
    String cacheKey = platform.id() + " " + scope;
    Token kept = tokens.get(cacheKey);
    Instant now = clock.instant();
    if (kept != null && kept.expires().isAfter(now.plusSeconds(60))) {
      return Future.succeededFuture(kept.value());
    }
    String assertion = keys.sign(new JWTClaimsSet.Builder().issuer(platform.clientId()).subject(platform.clientId())
        .audience(platform.tokenUrl()).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
        .jwtID(UUID.randomUUID().toString()).build());
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "client_credentials")
        .add("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        .add("client_assertion", assertion)
        .add("scope", scope);
    return client.postAbs(platform.tokenUrl()).putHeader("Accept", "application/json").timeout(15_000).sendForm(form)
        .map(response -> {
          check(response, "the platform's token service");
          JsonObject body = json(response, "the platform's token service");
          String value = body.getString("access_token");
          if (value == null || value.isBlank()) {
            throw new ServiceFailure("the platform's token service gave no access_token", false);
          }
          long seconds = body.getValue("expires_in") instanceof Number n ? n.longValue() : 3600;
          tokens.put(cacheKey, new Token(value, clock.instant().plusSeconds(seconds)));
          return value;
        });
  }

  /** Every member of the course, all pages read; {@code url} is the context memberships address of the launch. */
  Future<List<Member>> members(LtiRepository.Platform platform, String url) {
    return token(platform, SCOPE_MEMBERSHIPS).compose(token -> page(url, token, new ArrayList<>(), 0));
  }

  private Future<List<Member>> page(String url, String token, List<Member> so, int pages) {
    if (pages >= MAX_PAGES) {
      return Future.failedFuture(new ServiceFailure("the roster has more than " + MAX_PAGES + " pages", false));
    }
    return client.getAbs(url).putHeader("Authorization", "Bearer " + token)
        .putHeader("Accept", "application/vnd.ims.lti-nrps.v2.membershipcontainer+json").timeout(30_000).send()
        .compose(response -> {
          check(response, "the platform's roster service");
          JsonArray members = json(response, "the platform's roster service").getJsonArray("members", new JsonArray());
          for (Object o : members) {
            if (o instanceof JsonObject m && m.getValue("user_id") instanceof String id && !id.isBlank()) {
              String name = m.getString("name", ((m.getString("given_name", "") + " " + m.getString("family_name", "")).strip()));
              List<String> roles = new ArrayList<>();
              m.getJsonArray("roles", new JsonArray()).forEach(r -> {
                if (r instanceof String s) {
                  roles.add(s);
                }
              });
              so.add(new Member(id, name, List.copyOf(roles), m.getString("status", "Active")));
            }
          }
          String link = response.getHeader("Link");
          Matcher next = link == null ? null : NEXT.matcher(link);
          // the next page is on the roster's own origin, or not read: the platform's token goes nowhere else
          return next != null && next.find() && LtiService.sameOrigin(next.group(1), url) ? page(next.group(1), token, so, pages + 1)
              : Future.succeededFuture(so);
        });
  }

  /** Posts one score to a line item: {@code lineitem}/scores, AGS 2.0's score media type. */
  Future<Void> score(LtiRepository.Platform platform, String lineitem, JsonObject score) {
    String url = scoresUrl(lineitem);
    return token(platform, SCOPE_SCORE).compose(token -> client.postAbs(url).putHeader("Authorization", "Bearer " + token)
        .putHeader("Content-Type", "application/vnd.ims.lis.v1.score+json").timeout(30_000).sendBuffer(score.toBuffer())
        .map(response -> {
          if (response.statusCode() == 401) {
            tokens.remove(platform.id() + " " + SCOPE_SCORE);  // a token the platform forgot: a fresh one next time
          }
          check(response, "the platform's grade service");
          return null;
        }));
  }

  /** The scores address of a line item: its path with /scores, its query kept (AGS 2.0, section 3.4). */
  static String scoresUrl(String lineitem) {
    int query = lineitem.indexOf('?');
    String path = query < 0 ? lineitem : lineitem.substring(0, query);
    String rest = query < 0 ? "" : lineitem.substring(query);
    return (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) + "/scores" + rest;
  }

  private static void check(HttpResponse<Buffer> response, String what) {
    int status = response.statusCode();
    if (status / 100 != 2) {
      throw new ServiceFailure(what + " answered " + status, status >= 500 || status == 429 || status == 401);
    }
  }

  private static JsonObject json(HttpResponse<Buffer> response, String what) {
    try {
      return response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      throw new ServiceFailure(what + " did not answer JSON", true);
    }
  }
}
